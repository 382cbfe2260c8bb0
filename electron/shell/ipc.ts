/**
 * The IPC side of the API, mirroring the browser host (electron/host/server.ts): one invoke
 * channel that hands {method, input, token} to the core's dispatcher, and one event channel that
 * fans every core event out to the app windows. Plain Node (type imports only) so the unit tests
 * drive the exact functions main.ts registers.
 */
import type { ApiResult } from '../api/contract';
import type { ApiErrorDto } from '../api/dto';
import type { DispatchRequest } from '../api/dispatcher';
import type { CoreEventBus } from '../core/events';
import { SHELL_SECURITY, isAppUrl } from './security';

/** What the preload exposes as `window.till` (and nothing else). */
export interface TillBridge {
  call(method: string, input: unknown, token?: string | null): Promise<ApiResult<unknown>>;
  onEvent(listener: (message: TillEventMessage) => void): () => void;
}

export interface TillEventMessage {
  event: string;
  payload: unknown;
}

/** The part of Electron's IpcMainInvokeEvent the handler reads. */
export interface InvokeEventLike {
  senderFrame: { url: string } | null;
}

/** The part of a window's webContents the event fan-out uses. */
export interface EventTarget {
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, message: TillEventMessage): void;
}

export const METHOD_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.]{0,99}$/;
const MAX_TOKEN_LENGTH = 200;

function refused(en: string, zh: string): ApiResult<unknown> {
  const error: ApiErrorDto = { code: 'FORBIDDEN', message: { zh, en } };
  return { ok: false, error };
}

function invalid(en: string, zh: string): ApiResult<unknown> {
  const error: ApiErrorDto = { code: 'VALIDATION_FAILED', message: { zh, en } };
  return { ok: false, error };
}

/**
 * The `till:call` handler. Refuses any sender frame that is not ours (app://till/…), checks the
 * argument types, then dispatches. The dispatcher validates input, session and role and never
 * throws, so nothing a page sends can crash the main process.
 */
export function createCallHandler(dispatcher: { dispatch(request: DispatchRequest): Promise<ApiResult<unknown>> }) {
  return async (event: InvokeEventLike, method: unknown, input: unknown, token: unknown): Promise<ApiResult<unknown>> => {
    if (!isAppUrl(event.senderFrame?.url)) return refused('Caller is not the Till app', '调用方不是收银台应用');
    if (typeof method !== 'string' || !METHOD_NAME_PATTERN.test(method)) return invalid('Invalid method name', '操作名称无效');
    if (token !== undefined && token !== null && (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH)) {
      return invalid('Invalid session token', '会话令牌无效');
    }
    return dispatcher.dispatch({ method, input, token: typeof token === 'string' ? token : undefined });
  };
}

/** Forwards every core event to every live app window; returns the unsubscribe. */
export function forwardEvents(events: Pick<CoreEventBus, 'onAny'>, targets: () => Iterable<EventTarget>): () => void {
  return events.onAny((name, payload) => {
    const message: TillEventMessage = { event: name, payload };
    for (const target of targets()) {
      // Windows that show anything but our own pages (the print window's data: URL) get nothing.
      if (target.isDestroyed() || !isAppUrl(target.getURL())) continue;
      try {
        target.send(SHELL_SECURITY.ipc.eventChannel, message);
      } catch {
        // A window closing mid-send; the next event skips it.
      }
    }
  });
}
