import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../electron/host/server';
import { startTestCore, PINS, type TestCore } from '../support/core';

let t: TestCore;
let host: RunningHost;

beforeAll(async () => {
  t = await startTestCore();
  host = await startHost({ core: t.core, hostToken: 'test-host-token' });
});
afterAll(async () => {
  await host.close();
  await t.cleanup();
});

describe('browser host', () => {
  it('refuses API calls without the per-run host token', async () => {
    const response = await host.app.inject({ method: 'POST', url: '/api/session.login', payload: { input: { username: 'cashier', pin: PINS.cashier } } });
    expect(response.statusCode).toBe(401);
    const wrong = await host.app.inject({
      method: 'POST',
      url: '/api/session.login',
      headers: { 'x-till-host-token': 'test-host-tokeX' },
      payload: { input: { username: 'cashier', pin: PINS.cashier } },
    });
    expect(wrong.statusCode).toBe(401);
  });

  it('runs the same dispatcher: log in, then call with the bearer session token', async () => {
    const login = await host.app.inject({
      method: 'POST',
      url: '/api/session.login',
      headers: { 'x-till-host-token': 'test-host-token' },
      payload: { input: { username: 'cashier', pin: PINS.cashier } },
    });
    const body = login.json() as { ok: boolean; result: { token: string } };
    expect(body.ok).toBe(true);
    const cart = await host.app.inject({
      method: 'POST',
      url: '/api/cart.get',
      headers: { 'x-till-host-token': 'test-host-token', authorization: `Bearer ${body.result.token}` },
      payload: {},
    });
    expect(cart.json()).toMatchObject({ ok: true, result: { lines: [] } });
    const anonymous = await host.app.inject({ method: 'POST', url: '/api/cart.get', headers: { 'x-till-host-token': 'test-host-token' }, payload: {} });
    expect(anonymous.json()).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
  });

  it('rejects a malformed envelope by schema', async () => {
    const response = await host.app.inject({
      method: 'POST',
      url: '/api/cart.get',
      headers: { 'x-till-host-token': 'test-host-token' },
      payload: { input: {}, extra: 1 },
    });
    expect(response.statusCode).toBe(400);
  });

  it('refuses a request whose Host is not loopback (DNS rebinding)', async () => {
    const response = await host.app.inject({
      method: 'POST',
      url: '/api/session.login',
      headers: { host: 'evil.example.com', 'x-till-host-token': 'test-host-token' },
      payload: { input: { username: 'cashier', pin: PINS.cashier } },
    });
    expect(response.statusCode).toBe(421);
  });

  it('streams core events over the WebSocket only with the host token', async () => {
    const wsUrl = host.url.replace('http', 'ws');
    const refused = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${wsUrl}/events?token=wrong`);
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    expect(refused).toBe(401);
    const socket = new WebSocket(`${wsUrl}/events?token=test-host-token`);
    await new Promise((resolve) => socket.on('open', resolve));
    const received = new Promise<{ event: string; payload: { terminalId: string } }>((resolve) => socket.on('message', (data) => resolve(JSON.parse(String(data)))));
    const token = await t.login('cashier', PINS.cashier);
    const barcode = (t.core.db.prepare("SELECT b.barcode FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE p.active = 1 AND p.sold_by = 'unit' LIMIT 1").get() as { barcode: string }).barcode;
    await t.ok('cart.scan', { code: barcode }, token);
    const message = await received;
    expect(message.event).toBe('cart.changed');
    expect(message.payload.terminalId).toBe(t.core.identity().terminalId);
    socket.close();
  });
});
