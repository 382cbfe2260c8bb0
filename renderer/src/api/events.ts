import { useEffect, useRef, useSyncExternalStore } from 'react';
import { hostToken } from './boot';
import type { TillEventName, TillEvents } from './types';

export type Connection = 'connecting' | 'online' | 'offline';

type AnyListener = (event: TillEventName, payload: unknown) => void;

/**
 * One event stream per window: window.till.onEvent in Electron, else the host's WebSocket with
 * reconnect (backoff 0.5 s → 8 s). Screens subscribe with useTillEvent.
 */
class EventHub {
  private readonly listeners = new Set<AnyListener>();
  private readonly stateListeners = new Set<() => void>();
  private socket: WebSocket | null = null;
  private started = false;
  private retry = 0;
  state: Connection = 'connecting';

  start(): void {
    if (this.started) return;
    this.started = true;
    const bridge = window.till;
    if (bridge) {
      bridge.onEvent((event, payload) => this.dispatch(event as TillEventName, payload));
      this.setState('online');
      return;
    }
    this.connect();
  }

  private connect(): void {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${window.location.host}/events?token=${encodeURIComponent(hostToken)}`;
    this.setState(this.state === 'online' ? 'offline' : this.state);
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.retry = 0;
      this.setState('online');
    };
    socket.onmessage = (message) => {
      try {
        const data = JSON.parse(String(message.data)) as { event: TillEventName; payload: unknown };
        this.dispatch(data.event, data.payload);
      } catch {
        /* ignore malformed frames */
      }
    };
    socket.onclose = () => {
      if (this.socket === socket) {
        this.socket = null;
        this.setState('offline');
        this.scheduleReconnect();
      }
    };
    socket.onerror = () => socket.close();
  }

  private scheduleReconnect(): void {
    const delay = Math.min(8000, 500 * 2 ** this.retry);
    this.retry += 1;
    window.setTimeout(() => this.connect(), delay);
  }

  private dispatch(event: TillEventName, payload: unknown): void {
    for (const listener of this.listeners) listener(event, payload);
  }

  private setState(state: Connection): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener();
  }

  subscribe(listener: AnyListener): () => void {
    this.start();
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  subscribeState(listener: () => void): () => void {
    this.start();
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }
}

export const events = new EventHub();

export function useConnection(): Connection {
  return useSyncExternalStore(
    (listener) => events.subscribeState(listener),
    () => events.state,
  );
}

/** Calls handler for every event of that name; the latest handler is used without resubscribing. */
export function useTillEvent<K extends TillEventName>(name: K, handler: (payload: TillEvents[K]) => void): void {
  const ref = useRef(handler);
  useEffect(() => {
    ref.current = handler;
  });
  useEffect(
    () =>
      events.subscribe((event, payload) => {
        if (event === name) ref.current(payload as TillEvents[K]);
      }),
    [name],
  );
}
