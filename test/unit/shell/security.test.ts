import { describe, expect, it } from 'vitest';
import { SHELL_SECURITY, isAllowedNavigation, isAppUrl, isPermissionAllowed, webPreferencesFor } from '../../../electron/shell/security';

describe('shell security settings (one object, asserted value by value)', () => {
  it('is frozen all the way down', () => {
    expect(Object.isFrozen(SHELL_SECURITY)).toBe(true);
    for (const key of ['privileges', 'webPreferences', 'printWebPreferences', 'responseHeaders', 'permissions', 'ipc'] as const) {
      expect(Object.isFrozen(SHELL_SECURITY[key]), key).toBe(true);
    }
    expect(Object.isFrozen(SHELL_SECURITY.permissions.allowed)).toBe(true);
  });

  it('locks every app window down', () => {
    const prefs = SHELL_SECURITY.webPreferences;
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.enableBlinkFeatures).toBe('');
    expect(prefs.navigateOnDragDrop).toBe(false);
    expect(prefs.spellcheck).toBe(false);
    expect('preload' in prefs).toBe(false);
  });

  it('adds only the bundled preload per window', () => {
    const prefs = webPreferencesFor('/opt/till/dist/electron/preload.cjs');
    expect(prefs).toEqual({ ...SHELL_SECURITY.webPreferences, preload: '/opt/till/dist/electron/preload.cjs' });
    expect(() => webPreferencesFor('/src/electron/preload.ts')).toThrow(/bundled \.cjs/);
  });

  it('print windows run no script and have no preload', () => {
    const prefs = SHELL_SECURITY.printWebPreferences;
    expect(prefs.javascript).toBe(false);
    expect(prefs.devTools).toBe(false);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect('preload' in prefs).toBe(false);
  });

  it('serves the renderer from app://till with standard, secure, fetch-capable privileges', () => {
    expect(SHELL_SECURITY.scheme).toBe('app');
    expect(SHELL_SECURITY.host).toBe('till');
    expect(SHELL_SECURITY.origin).toBe('app://till');
    expect(SHELL_SECURITY.privileges).toEqual({
      standard: true,
      secure: true,
      supportFetchAPI: true,
      corsEnabled: false,
      bypassCSP: false,
      allowServiceWorkers: false,
      stream: false,
      codeCache: false,
    });
  });

  it('has a strict CSP', () => {
    const directives = Object.fromEntries(SHELL_SECURITY.csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives).toEqual({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self' 'unsafe-inline'",
      'img-src': "'self' data: blob:",
      'font-src': "'self'",
      'connect-src': "'self'",
      'media-src': "'none'",
      'object-src': "'none'",
      'frame-src': "'none'",
      'worker-src': "'none'",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
    });
    expect(SHELL_SECURITY.csp).not.toMatch(/unsafe-eval|http:|https:|ws:|\*/);
    expect(SHELL_SECURITY.responseHeaders).toEqual({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    });
  });

  it('denies every permission, new window and webview', () => {
    expect(SHELL_SECURITY.permissions).toEqual({ allowed: [], default: 'deny' });
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'hid', 'serial', 'usb', 'fullscreen', 'unknown']) {
      expect(isPermissionAllowed(permission), permission).toBe(false);
    }
    expect(SHELL_SECURITY.newWindows).toBe('deny');
    expect(SHELL_SECURITY.webviewAttach).toBe('deny');
    expect(SHELL_SECURITY.navigation).toBe('app-only');
  });

  it('allows navigation and IPC only from our own app:// pages', () => {
    for (const url of ['app://till/', 'app://till/display', 'app://till/manager?x=1#y']) {
      expect(isAppUrl(url), url).toBe(true);
      expect(isAllowedNavigation(url), url).toBe(true);
    }
    for (const url of [
      'app://till',
      'app://tillx/',
      'app://till.evil/',
      'app://till:8080/',
      'app://evil/till/',
      'app://user@till/',
      'https://till/',
      'http://127.0.0.1:4417/',
      'file:///etc/passwd',
      'data:text/html,hi',
      'javascript:alert(1)',
      '',
      null,
      undefined,
      42,
    ]) {
      expect(isAppUrl(url), String(url)).toBe(false);
      expect(isAllowedNavigation(url), String(url)).toBe(false);
    }
  });

  it('names the only IPC channels', () => {
    expect(SHELL_SECURITY.ipc).toEqual({ callChannel: 'till:call', eventChannel: 'till:event', allowedSenderPrefix: 'app://till/' });
  });
});
