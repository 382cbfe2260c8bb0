/**
 * The preload of every app window (sandboxed, context-isolated): exposes `window.till` with
 * exactly two functions and nothing else — no ipcRenderer, no event objects, no Node.
 * Bundled to dist/electron/preload.cjs by electron/shell/buildMain.ts.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
// Both modules are plain data and functions (no Node built-ins), so the bundle stays sandbox-safe.
import { METHOD_NAME_PATTERN as METHOD_NAME, type TillBridge, type TillEventMessage } from './shell/ipc';
import { SHELL_SECURITY } from './shell/security';

const CALL_CHANNEL = SHELL_SECURITY.ipc.callChannel;
const EVENT_CHANNEL = SHELL_SECURITY.ipc.eventChannel;

const bridge: TillBridge = {
  call(method, input, token) {
    if (typeof method !== 'string' || !METHOD_NAME.test(method)) return Promise.reject(new TypeError('till.call: method must be an API method name'));
    if (token !== undefined && token !== null && typeof token !== 'string') return Promise.reject(new TypeError('till.call: token must be a string'));
    return ipcRenderer.invoke(CALL_CHANNEL, method, input, token ?? undefined) as ReturnType<TillBridge['call']>;
  },
  onEvent(listener) {
    if (typeof listener !== 'function') throw new TypeError('till.onEvent: listener must be a function');
    // The IpcRendererEvent (with its sender) never reaches the page: only {event, payload}.
    const wrapped = (_event: IpcRendererEvent, message: TillEventMessage) => {
      if (message && typeof message.event === 'string') listener({ event: message.event, payload: message.payload });
    };
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('till', bridge);
