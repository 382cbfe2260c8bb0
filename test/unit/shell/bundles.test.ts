/**
 * The Electron binary cannot be downloaded here, so this test runs the real bundles
 * (dist/electron/main.cjs and preload.cjs, built by buildMain.ts into a temp dir) in plain Node
 * against a recording fake of the `electron` module. It proves the wiring (scheme before ready,
 * handlers, core, IPC, windows, policies, graceful quit), not Electron's own behaviour.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron } from '../../../electron/shell/buildMain';
import { SHELL_SECURITY } from '../../../electron/shell/security';

type Fn = (...args: unknown[]) => unknown;
let outDir: string;
let bundles: { main: string; preload: string };

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'till-electron-bundle-'));
  bundles = await buildElectron({ outDir: join(outDir, 'electron') });
}, 60_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('preload bundle', () => {
  function loadPreload() {
    const exposed: Record<string, unknown> = {};
    const invoked: unknown[][] = [];
    const listeners = new Map<string, Set<Fn>>();
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
      ipcRenderer: {
        invoke: async (...args: unknown[]) => {
          invoked.push(args);
          return { ok: true, result: 'r' };
        },
        on: (channel: string, listener: Fn) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener)),
        removeListener: (channel: string, listener: Fn) => listeners.get(channel)?.delete(listener),
      },
    };
    const required: string[] = [];
    const sandboxRequire = (id: string) => {
      required.push(id);
      if (id === 'electron') return fakeElectron;
      throw new Error(`a sandboxed preload cannot require ${id}`);
    };
    const module = { exports: {} };
    vm.runInNewContext(readFileSync(bundles.preload, 'utf8'), { require: sandboxRequire, module, exports: module.exports, console });
    return { exposed, invoked, listeners, required };
  }

  it('exposes window.till with call and onEvent only, requiring nothing but electron', () => {
    const { exposed, required } = loadPreload();
    expect(Object.keys(exposed)).toEqual(['till']);
    expect(Object.keys(exposed.till as object).sort()).toEqual(['call', 'onEvent']);
    expect(new Set(required)).toEqual(new Set(['electron']));
  });

  it('forwards valid calls to till:call and rejects malformed ones', async () => {
    const { exposed, invoked } = loadPreload();
    const till = exposed.till as { call: Fn };
    await expect(till.call('session.login', { username: 'cashier', pin: '1234' })).resolves.toEqual({ ok: true, result: 'r' });
    await till.call('cart.get', {}, 'tok');
    expect(invoked).toEqual([
      ['till:call', 'session.login', { username: 'cashier', pin: '1234' }, undefined],
      ['till:call', 'cart.get', {}, 'tok'],
    ]);
    await expect(till.call(42, {})).rejects.toThrow(/method/);
    await expect(till.call('bad method', {})).rejects.toThrow(/method/);
    await expect(till.call('cart.get', {}, 7)).rejects.toThrow(/token/);
    expect(invoked).toHaveLength(2);
  });

  it('delivers {event, payload} without the IPC event object, and unsubscribes', () => {
    const { exposed, listeners } = loadPreload();
    const till = exposed.till as { onEvent: Fn };
    const got: unknown[][] = [];
    const off = till.onEvent((...args: unknown[]) => got.push(args)) as () => void;
    const [listener] = [...(listeners.get('till:event') ?? [])];
    listener!({ sender: 'ipcRenderer-leak' }, { event: 'order.changed', payload: { id: 1 } });
    expect(got).toEqual([[{ event: 'order.changed', payload: { id: 1 } }]]);
    off();
    expect(listeners.get('till:event')?.size).toBe(0);
    expect(() => till.onEvent('nope')).toThrow(/listener/);
  });
});

describe('main bundle against a fake electron', () => {
  it('wires the scheme, policies, core, IPC, windows and a graceful quit', async () => {
    const userData = join(outDir, 'userData');
    const calls: Record<string, unknown[][]> = {};
    const record = (name: string) => (...args: unknown[]) => void (calls[name] ??= []).push(args);
    const appListeners = new Map<string, Fn>();
    const ipcHandlers = new Map<string, Fn>();
    const windows: FakeWindow[] = [];
    let protocolHandler: ((request: Request) => Promise<Response>) | undefined;
    let permissionRequest: Fn | undefined;
    let permissionCheck: Fn | undefined;
    let exitCode: number | undefined;
    let ready!: () => void;
    const whenReady = new Promise<void>((resolve) => (ready = resolve));
    let onExit!: () => void;
    const exited = new Promise<void>((resolve) => (onExit = resolve));

    class FakeWindow {
      readonly listeners = new Map<string, Fn>();
      url = '';
      destroyed = false;
      sent: unknown[][] = [];
      webContents = {
        isDestroyed: () => this.destroyed,
        getURL: () => this.url,
        send: (...args: unknown[]) => this.sent.push(args),
      };
      constructor(readonly options: Record<string, unknown>) {
        windows.push(this);
      }
      once(event: string, listener: Fn) {
        this.listeners.set(event, listener);
      }
      on(event: string, listener: Fn) {
        this.listeners.set(event, listener);
      }
      async loadURL(url: string) {
        this.url = url;
      }
      isDestroyed() {
        return this.destroyed;
      }
      static getAllWindows() {
        return windows;
      }
    }

    const fakeElectron = {
      app: {
        enableSandbox: record('enableSandbox'),
        requestSingleInstanceLock: () => true,
        on: (event: string, listener: Fn) => appListeners.set(event, listener),
        whenReady: () => whenReady,
        getPath: (name: string) => (name === 'userData' ? userData : tmpdir()),
        setPath: record('setPath'),
        quit: record('quit'),
        exit: (code: number) => {
          exitCode = code;
          onExit();
        },
      },
      protocol: {
        registerSchemesAsPrivileged: record('registerSchemesAsPrivileged'),
        handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
          record('protocol.handle')(scheme);
          protocolHandler = handler;
        },
      },
      session: {
        defaultSession: {
          setPermissionRequestHandler: (handler: Fn) => (permissionRequest = handler),
          setPermissionCheckHandler: (handler: Fn) => (permissionCheck = handler),
          setDevicePermissionHandler: record('setDevicePermissionHandler'),
        },
      },
      ipcMain: { handle: (channel: string, handler: Fn) => ipcHandlers.set(channel, handler), removeHandler: (channel: string) => ipcHandlers.delete(channel) },
      BrowserWindow: FakeWindow,
      Menu: { setApplicationMenu: record('setApplicationMenu') },
      dialog: { showErrorBox: record('showErrorBox') },
      screen: {
        getAllDisplays: () => [
          { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } },
          { id: 2, bounds: { x: 1920, y: 0, width: 800, height: 480 } },
        ],
        getPrimaryDisplay: () => ({ id: 1 }),
        on: record('screen.on'),
      },
      // No keyring here: the shell must carry on without a vault.
      safeStorage: { isEncryptionAvailable: () => false, getSelectedStorageBackend: () => 'basic_text' },
    };

    const moduleWithLoad = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const originalLoad = moduleWithLoad._load;
    // The bundle sits in a temp dir: resolve its one external npm module from the project.
    const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');
    moduleWithLoad._load = function (request: string, ...rest: unknown[]) {
      if (request === 'electron') return fakeElectron;
      return originalLoad.call(this, request === 'better-sqlite3' ? betterSqlite3 : request, ...rest);
    };
    const previousRendererDir = process.env.TILL_RENDERER_DIR;
    process.env.TILL_RENDERER_DIR = join(outDir, 'no-renderer');
    const originalError = console.error;
    console.error = () => {};
    try {
      createRequire(import.meta.url)(bundles.main);
      // Before ready: the privileged scheme and the global sandbox.
      expect(calls.registerSchemesAsPrivileged).toEqual([[[{ scheme: 'app', privileges: { ...SHELL_SECURITY.privileges } }]]]);
      expect(calls.enableSandbox).toHaveLength(1);
      expect(protocolHandler).toBeUndefined();
      ready();
      await waitFor(() => windows.length >= 2, 20_000);

      expect(calls['protocol.handle']).toEqual([['app']]);
      expect((await protocolHandler!(new Request('app://till/'))).status).toBe(404);
      const granted: boolean[] = [];
      permissionRequest!({}, 'media', (value: boolean) => granted.push(value));
      expect(granted).toEqual([false]);
      expect(permissionCheck!({}, 'notifications', 'app://till')).toBe(false);

      const [cashier, display] = windows;
      expect(cashier!.url).toBe('app://till/');
      expect(display!.url).toBe('app://till/display');
      expect(display!.options).toMatchObject({ x: 1920, y: 0, fullscreen: true });
      for (const window of windows) {
        expect(window.options.webPreferences).toEqual({ ...SHELL_SECURITY.webPreferences, preload: join(outDir, 'electron', 'preload.cjs') });
      }

      // Every webContents gets the navigation, new-window and webview policies.
      const contentsListeners = new Map<string, Fn>();
      let openHandler: Fn | undefined;
      appListeners.get('web-contents-created')!({}, { setWindowOpenHandler: (h: Fn) => (openHandler = h), on: (e: string, l: Fn) => contentsListeners.set(e, l) });
      expect(openHandler!({ url: 'app://till/manager' })).toEqual({ action: 'deny' });
      const navigate = (event: string, url: string) => {
        let prevented = false;
        contentsListeners.get(event)!({ url, preventDefault: () => (prevented = true) });
        return prevented;
      };
      expect(navigate('will-navigate', 'https://evil.example/')).toBe(true);
      expect(navigate('will-redirect', 'file:///etc/passwd')).toBe(true);
      expect(navigate('will-navigate', 'app://till/manager')).toBe(false);
      expect(navigate('will-attach-webview', 'app://till/')).toBe(true);

      // IPC: the real dispatcher behind a sender check.
      const call = ipcHandlers.get('till:call')!;
      const login = (await call({ senderFrame: { url: 'app://till/' } }, 'session.login', { username: 'cashier', pin: '1234' })) as { ok: boolean; result?: { token?: string } };
      expect(login.ok).toBe(true);
      expect(typeof login.result?.token).toBe('string');
      const foreign = (await call({ senderFrame: { url: 'https://evil.example/' } }, 'session.login', { username: 'cashier', pin: '1234' })) as { ok: boolean; error?: { code: string } };
      expect(foreign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      const anonymous = (await call({ senderFrame: { url: 'app://till/' } }, 'session.current', {})) as { ok: boolean };
      expect(anonymous.ok).toBe(false);

      // Graceful quit: the first before-quit is held until the core is closed, then exit(0).
      let prevented = false;
      appListeners.get('before-quit')!({ preventDefault: () => (prevented = true) });
      expect(prevented).toBe(true);
      await exited;
      expect(exitCode).toBe(0);
      expect(ipcHandlers.has('till:call')).toBe(false);
    } finally {
      moduleWithLoad._load = originalLoad;
      console.error = originalError;
      if (previousRendererDir === undefined) delete process.env.TILL_RENDERER_DIR;
      else process.env.TILL_RENDERER_DIR = previousRendererDir;
    }
  }, 60_000);
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the shell to start');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
