/**
 * Electron entry (bundled to dist/electron/main.cjs by electron/shell/buildMain.ts): a page of
 * wiring and no business rules. Single-instance lock, the app:// scheme serving the built
 * renderer with a strict CSP, the core, the windows, the IPC bridge, and a graceful quit.
 * Every security value comes from electron/shell/security.ts.
 */
import { join } from 'node:path';
import { BrowserWindow, Menu, app, dialog, ipcMain, protocol, screen, session, type Display } from 'electron';
import { createCore, type Core } from './core/createCore';
import { demoPayerFor, startDemoSandboxes, type DemoSandboxes } from './sandbox/demo';
import type { SecretKeeper } from './payments/secrets';
import { SafeStorageKeeper } from './shell/safeStorageKeeper';
import { printReceiptHtml } from './shell/printing';
import { SHELL_SECURITY, isAllowedNavigation, isPermissionAllowed, webPreferencesFor } from './shell/security';
import { createAppProtocolHandler } from './shell/appProtocol';
import { createCallHandler, forwardEvents } from './shell/ipc';
import { pickCustomerDisplay } from './shell/displays';

// In the bundle, __dirname is dist/electron; the renderer is built next to it.
const PRELOAD = join(__dirname, 'preload.cjs');
const RENDERER_DIR = process.env.TILL_RENDERER_DIR ?? join(__dirname, '..', 'renderer');
const CASHIER_URL = `${SHELL_SECURITY.origin}/`;
const DISPLAY_URL = `${SHELL_SECURITY.origin}/display`;

let core: Core | undefined;
let sandboxes: DemoSandboxes | undefined;
let stopEvents: (() => void) | undefined;
let cashierWindow: BrowserWindow | undefined;
let displayWindow: BrowserWindow | undefined;
let quitting = false;

const log = (entry: { level: string; ref: string; method: string; message: string }) =>
  console.error(`[till] ${entry.level} ${entry.ref} ${entry.method}: ${entry.message}`);

// Must happen before 'ready'. TILL_USER_DATA_DIR isolates test runs (and a second till on one machine).
if (process.env.TILL_USER_DATA_DIR) app.setPath('userData', process.env.TILL_USER_DATA_DIR);
protocol.registerSchemesAsPrivileged([{ scheme: SHELL_SECURITY.scheme, privileges: { ...SHELL_SECURITY.privileges } }]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!cashierWindow || cashierWindow.isDestroyed()) return;
    if (cashierWindow.isMinimized()) cashierWindow.restore();
    cashierWindow.focus();
  });

  // Every webContents (app windows, print windows, anything a page tries to create).
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event) => {
      if (!isAllowedNavigation(event.url)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => {
      if (!isAllowedNavigation(event.url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  app.on('window-all-closed', () => app.quit());

  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    void shutdown().finally(() => app.exit(0));
  });

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      log({ level: 'error', ref: 'shell', method: 'start', message });
      dialog.showErrorBox('Till 收银台', `启动失败 / Failed to start:\n${message}`);
      quitting = true;
      void shutdown().finally(() => app.exit(1));
    });
}

async function start(): Promise<void> {
  Menu.setApplicationMenu(null);
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionAllowed(permission)));
  ses.setPermissionCheckHandler((_contents, permission) => isPermissionAllowed(permission));
  ses.setDevicePermissionHandler(() => false);
  protocol.handle(SHELL_SECURITY.scheme, createAppProtocolHandler(RENDERER_DIR));

  core = await createCore({
    dbFile: join(app.getPath('userData'), 'till.sqlite'),
    demo: process.env.TILL_DEMO !== '0',
    ...secretKeeper(),
    logger: log,
    // Receipts set to the 'system' printer go through Chromium's silent print.
    systemPrint: (html, deviceName) => printReceiptHtml(html, deviceName ? { deviceName } : {}),
  });
  if (core.settings.get('payments.mode') === 'sandbox') {
    sandboxes = await startDemoSandboxes(core.providers);
    core.attachDemoPayer(demoPayerFor(sandboxes));
  }

  ipcMain.handle(SHELL_SECURITY.ipc.callChannel, createCallHandler(core.dispatcher));
  stopEvents = forwardEvents(core.events, () => BrowserWindow.getAllWindows().map((window) => window.webContents));

  cashierWindow = createAppWindow(CASHIER_URL, { width: 1280, height: 800, title: 'Till 收银台' });
  // The cashier window is the app: closing it quits, customer display included.
  cashierWindow.on('closed', () => app.quit());
  openCustomerDisplay(screen.getAllDisplays());
  screen.on('display-added', () => openCustomerDisplay(screen.getAllDisplays()));
}

/** safeStorage when the OS keeper works; otherwise run without a vault (sandbox mode still works). */
function secretKeeper(): { secretKeeper?: SecretKeeper } {
  try {
    return { secretKeeper: new SafeStorageKeeper() };
  } catch (error) {
    log({ level: 'warn', ref: 'shell', method: 'safeStorage', message: `${(error as Error).message}; merchant secrets cannot be stored on this machine` });
    return {};
  }
}

function createAppWindow(url: string, options: Electron.BrowserWindowConstructorOptions): BrowserWindow {
  const window = new BrowserWindow({ ...options, show: false, backgroundColor: '#ffffff', webPreferences: webPreferencesFor(PRELOAD) });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(url);
  return window;
}

/** The customer display goes full screen on a second screen; a single-screen till has none. */
function openCustomerDisplay(displays: Display[]): void {
  if (displayWindow && !displayWindow.isDestroyed()) return;
  const target = pickCustomerDisplay(displays, screen.getPrimaryDisplay().id);
  if (!target) return;
  const { x, y, width, height } = target.bounds;
  displayWindow = createAppWindow(DISPLAY_URL, { x, y, width, height, fullscreen: true, frame: false, title: 'Till 顾客显示' });
}

async function shutdown(): Promise<void> {
  ipcMain.removeHandler(SHELL_SECURITY.ipc.callChannel);
  stopEvents?.();
  stopEvents = undefined;
  try {
    await sandboxes?.close();
  } catch (error) {
    log({ level: 'warn', ref: 'shell', method: 'quit', message: `sandboxes: ${(error as Error).message}` });
  }
  try {
    await core?.close();
  } catch (error) {
    log({ level: 'error', ref: 'shell', method: 'quit', message: `core: ${(error as Error).message}` });
  }
  core = undefined;
  sandboxes = undefined;
}
