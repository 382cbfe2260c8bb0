/**
 * Every security setting of the Electron shell in one frozen object, asserted value by value by
 * test/unit/shell/security.test.ts. This module has only type imports from electron so that the
 * test runs in plain Node; main.ts applies these values, it does not invent its own.
 */
import type { CustomScheme, WebPreferences } from 'electron';

/** The renderer's origin: app://till. Nothing else is ever loaded in a window. */
const SCHEME = 'app';
const HOST = 'till';
const ORIGIN = `${SCHEME}://${HOST}`;

/**
 * No inline or remote script, no eval, no plugins, no frames, no network from the page (the
 * renderer talks to the core over IPC only), no form posts, no <base> hijack. Inline styles stay
 * allowed because React style attributes need them (same as the browser host's policy).
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** What every app window gets (the preload path is added by {@link webPreferencesFor}). */
const WEB_PREFERENCES = Object.freeze({
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webviewTag: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  enableBlinkFeatures: '',
  navigateOnDragDrop: false,
  spellcheck: false,
  devTools: true,
  safeDialogs: true,
} as const satisfies WebPreferences);

/** Hidden windows that only render a receipt to print: same lock-down, no script at all, no preload. */
const PRINT_WEB_PREFERENCES = Object.freeze({
  ...WEB_PREFERENCES,
  javascript: false,
  devTools: false,
} as const satisfies WebPreferences);

const PRIVILEGES = Object.freeze({
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: false,
  bypassCSP: false,
  allowServiceWorkers: false,
  stream: false,
  codeCache: false,
} as const satisfies NonNullable<CustomScheme['privileges']>);

export const SHELL_SECURITY = Object.freeze({
  scheme: SCHEME,
  host: HOST,
  origin: ORIGIN,
  /** Passed to protocol.registerSchemesAsPrivileged before app 'ready'. */
  privileges: PRIVILEGES,
  webPreferences: WEB_PREFERENCES,
  printWebPreferences: PRINT_WEB_PREFERENCES,
  /** Content-Security-Policy header on every HTML response of app://. */
  csp: CSP,
  /** Extra headers on every app:// response. */
  responseHeaders: Object.freeze({
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  }),
  /** Permission requests and checks (camera, notifications, clipboard-read, HID, …): all denied. */
  permissions: Object.freeze({ allowed: Object.freeze([] as string[]), default: 'deny' as const }),
  /** window.open / target=_blank: always denied (the shell opens its own windows). */
  newWindows: 'deny' as const,
  /** In-page navigation: only to our own app:// URLs; everything else is refused. */
  navigation: 'app-only' as const,
  /** <webview> attachment: always refused (the tag is also disabled in webPreferences). */
  webviewAttach: 'deny' as const,
  /** IPC: the only channels, and the only frames allowed to use them. */
  ipc: Object.freeze({ callChannel: 'till:call', eventChannel: 'till:event', allowedSenderPrefix: `${ORIGIN}/` }),
});

export type ShellSecurity = typeof SHELL_SECURITY;

/** The webPreferences of an app window, with the bundled preload script. */
export function webPreferencesFor(preloadPath: string): WebPreferences {
  if (typeof preloadPath !== 'string' || !preloadPath.endsWith('.cjs')) throw new Error(`preload must be a bundled .cjs file, got ${String(preloadPath)}`);
  return { ...SHELL_SECURITY.webPreferences, preload: preloadPath };
}

/** True only for app://till/… (no credentials, no port, no other host, nothing that merely starts alike). */
export function isAppUrl(url: unknown): boolean {
  if (typeof url !== 'string' || !url.startsWith(SHELL_SECURITY.ipc.allowedSenderPrefix)) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${SCHEME}:` && parsed.host === HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/** Navigation and new-window policy: true when the URL may be shown in an app window. */
export function isAllowedNavigation(url: unknown): boolean {
  return isAppUrl(url);
}

/** Permission policy: nothing is granted. */
export function isPermissionAllowed(permission: string): boolean {
  return (SHELL_SECURITY.permissions.allowed as readonly string[]).includes(permission);
}
