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
});
