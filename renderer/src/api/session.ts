import { useSyncExternalStore } from 'react';
import { createApiClient, httpTransport, ApiCallError, type Transport } from './client';
import { hostToken } from './boot';
import type { SessionDto } from './types';

/**
 * The session store: the logged-in user's session in memory, mirrored to sessionStorage so a
 * reload of the cashier tab does not log out (sessionStorage dies with the tab).
 */
const KEY = 'till.session';
let session: SessionDto | null = load();
const listeners = new Set<() => void>();

function load(): SessionDto | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as SessionDto) : null;
  } catch {
    return null;
  }
}

export function setSession(next: SessionDto | null): void {
  session = next;
  try {
    if (next) sessionStorage.setItem(KEY, JSON.stringify(next));
    else sessionStorage.removeItem(KEY);
  } catch {
    /* private mode: memory only */
  }
  for (const listener of listeners) listener();
}

export function getSession(): SessionDto | null {
  return session;
}

export function useSession(): SessionDto | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => session,
  );
}

/** Prefer the Electron preload bridge; otherwise fetch against the browser host. */
function chooseTransport(): Transport {
  const bridge = window.till;
  if (bridge) return (method, input) => bridge.call(method, input ?? {}, session?.token ?? null);
  return httpTransport({ baseUrl: window.location.origin, hostToken, sessionToken: () => session?.token ?? null });
}

const transport = chooseTransport();

/** Session expiry anywhere logs the terminal out. */
const guarded: Transport = async (method, input) => {
  const result = await transport(method, input);
  if (!result.ok && (result.error.code === 'SESSION_EXPIRED' || result.error.code === 'NOT_LOGGED_IN') && method !== 'session.login' && session) {
    setSession(null);
  }
  return result;
};

export const api = createApiClient(guarded);
export { ApiCallError };
