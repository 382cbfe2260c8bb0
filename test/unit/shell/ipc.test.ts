import { describe, expect, it, vi } from 'vitest';
import type { DispatchRequest } from '../../../electron/api/dispatcher';
import { CoreEventBus } from '../../../electron/core/events';
import { createCallHandler, forwardEvents, type EventTarget, type TillEventMessage } from '../../../electron/shell/ipc';

function fakeDispatcher() {
  const calls: DispatchRequest[] = [];
  return {
    calls,
    dispatch: vi.fn(async (request: DispatchRequest) => {
      calls.push(request);
      return { ok: true as const, result: { echoed: request.method } };
    }),
  };
}

const from = (url: string | null) => ({ senderFrame: url === null ? null : { url } });

describe('till:call handler', () => {
  it('dispatches calls from our own frames', async () => {
    const dispatcher = fakeDispatcher();
    const handle = createCallHandler(dispatcher);
    expect(await handle(from('app://till/'), 'auth.login', { pin: '1234' }, undefined)).toEqual({ ok: true, result: { echoed: 'auth.login' } });
    await handle(from('app://till/display'), 'cart.get', {}, 'session-token');
    await handle(from('app://till/'), 'cart.get', {}, null);
    expect(dispatcher.calls).toEqual([
      { method: 'auth.login', input: { pin: '1234' }, token: undefined },
      { method: 'cart.get', input: {}, token: 'session-token' },
      { method: 'cart.get', input: {}, token: undefined },
    ]);
  });

  it('refuses foreign or missing sender frames without dispatching', async () => {
    const dispatcher = fakeDispatcher();
    const handle = createCallHandler(dispatcher);
    for (const url of [null, 'https://evil.example/', 'app://evil/', 'file:///x.html', 'data:text/html,x', 'app://till.evil/', '']) {
      const result = await handle(from(url), 'auth.login', {}, undefined);
      expect(result.ok, String(url)).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('FORBIDDEN');
    }
    expect(dispatcher.dispatch).not.toHaveBeenCalled();
  });

  it('refuses malformed method names and tokens', async () => {
    const dispatcher = fakeDispatcher();
    const handle = createCallHandler(dispatcher);
    for (const method of [undefined, 42, '', '-bad.name', 'a'.repeat(101), 'auth/login', { toString: () => 'auth.login' }]) {
      const result = await handle(from('app://till/'), method, {}, undefined);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('VALIDATION_FAILED');
    }
    for (const token of [42, {}, ['t'], 'x'.repeat(201)]) {
      const result = await handle(from('app://till/'), 'cart.get', {}, token);
      expect(result.ok).toBe(false);
    }
    expect(dispatcher.dispatch).not.toHaveBeenCalled();
  });
});

describe('event forwarding', () => {
  function target(url: string, destroyed = false): EventTarget & { got: TillEventMessage[] } {
    const got: TillEventMessage[] = [];
    return { got, isDestroyed: () => destroyed, getURL: () => url, send: (channel, message) => (channel === 'till:event' ? got.push(message) : undefined) };
  }

  it('sends every core event to every live app window, and stops on unsubscribe', () => {
    const events = new CoreEventBus();
    const cashier = target('app://till/');
    const display = target('app://till/display');
    const printer = target('data:text/html;base64,AAAA');
    const closed = target('app://till/', true);
    const throwing: EventTarget = { isDestroyed: () => false, getURL: () => 'app://till/', send: () => { throw new Error('gone'); } };
    const off = forwardEvents(events, () => [throwing, cashier, display, printer, closed]);
    events.emit('order.changed', { orderId: 'o1', orderNo: 'S-T-1', state: 'paid', version: 2 });
    const expected = { event: 'order.changed', payload: { orderId: 'o1', orderNo: 'S-T-1', state: 'paid', version: 2 } };
    expect(cashier.got).toEqual([expected]);
    expect(display.got).toEqual([expected]);
    expect(printer.got).toEqual([]);
    expect(closed.got).toEqual([]);
    off();
    events.emit('sync.status', { pending: 0, lastSuccessAt: null, lastError: null });
    expect(cashier.got).toHaveLength(1);
  });
});
