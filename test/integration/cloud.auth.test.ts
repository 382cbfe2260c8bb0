/**
 * Cloud enrolment and request authentication against a real PostgreSQL: one-time enrolment codes,
 * HMAC-signed requests (bad signature, stale/future timestamp, replayed nonce — also across two
 * instances on one database — unknown and revoked terminals), bilingual refusals, admin token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCloudApp } from '../../cloud/app';
import { openCloudDatabase } from '../../cloud/db';
import { SIGNATURE_WINDOW_MS, type EnrolResponse } from '../../electron/sync/wire';
import { signedHeaders, startTestCloud, type TestCloud } from '../support/cloud';

let clock = Date.UTC(2025, 0, 15, 3, 0, 0);
const now = () => clock;
let cloud: TestCloud;
let till: EnrolResponse;

const ingestBody = JSON.stringify({ wireVersion: 1, backlog: { pending: 0, dead: 0, oldestPendingAt: null }, orders: [{}] });

function sync(credentials: { terminalId: string; secret: string }, overrides: Parameters<typeof signedHeaders>[2] = {}, body = ingestBody) {
  const headers = signedHeaders(credentials, { method: 'POST', path: '/v1/sync/orders', body: ingestBody }, { timestamp: String(clock), ...overrides });
  return cloud.app.inject({ method: 'POST', url: '/v1/sync/orders', headers, payload: body });
}

function expectRefusal(response: { statusCode: number; json(): unknown }, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  const body = response.json() as { error: { code: string; zh: string; en: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.zh.length).toBeGreaterThan(0);
  expect(body.error.en.length).toBeGreaterThan(0);
}

beforeAll(async () => {
  cloud = await startTestCloud({ now });
  till = await cloud.enrolTerminal('S001', 'T01');
});
afterAll(async () => cloud?.close());

describe('enrolment', () => {
  it('gives an id and a secret once; the code is one-time', async () => {
    expect(till.storeCode).toBe('S001');
    expect(till.terminalCode).toBe('T01');
    expect(till.secret.length).toBeGreaterThanOrEqual(32);
    const code = await cloud.enrolmentCode('S001');
    expect(code).toMatch(/^[A-Z0-9]{8,32}$/);
    const first = await cloud.app.inject({ method: 'POST', url: '/v1/enrol', payload: { code, terminalCode: 'T02', name: '二号机' } });
    expect(first.statusCode).toBe(200);
    const again = await cloud.app.inject({ method: 'POST', url: '/v1/enrol', payload: { code, terminalCode: 'T03', name: 'x' } });
    expectRefusal(again, 403, 'ENROLMENT_CODE_INVALID');
    // The code is stored hashed only.
    const rows = await cloud.db.query<{ code_hash: string }>('SELECT code_hash FROM enrolment_codes');
    expect(rows.some((row) => row.code_hash === code)).toBe(false);
    // And the secret is sealed, not stored in clear.
    const secrets = await cloud.db.query<{ secret_sealed: string }>('SELECT secret_sealed FROM terminals');
    expect(secrets.every((row) => row.secret_sealed.startsWith('v1:') && !row.secret_sealed.includes(till.secret))).toBe(true);
  });

  it('refuses an expired code and a made-up one', async () => {
    const code = await cloud.enrolmentCode('S001');
    clock += 25 * 60 * 60_000;
    try {
      const expired = await cloud.app.inject({ method: 'POST', url: '/v1/enrol', payload: { code, terminalCode: 'T09', name: 'x' } });
      expectRefusal(expired, 403, 'ENROLMENT_CODE_INVALID');
    } finally {
      clock -= 25 * 60 * 60_000;
    }
    const unknown = await cloud.app.inject({ method: 'POST', url: '/v1/enrol', payload: { code: 'ABCDEFGHJKMN', terminalCode: 'T09', name: 'x' } });
    expectRefusal(unknown, 403, 'ENROLMENT_CODE_INVALID');
    const malformed = await cloud.app.inject({ method: 'POST', url: '/v1/enrol', payload: { code: 'short', terminalCode: 'T09', name: 'x' } });
    expectRefusal(malformed, 400, 'BAD_REQUEST');
  });

  it('re-enrolling a terminal code revokes its previous credential', async () => {
    const old = await cloud.enrolTerminal('S001', 'T05');
    const fresh = await cloud.enrolTerminal('S001', 'T05');
    expectRefusal(await sync(old), 403, 'TERMINAL_REVOKED');
    expect((await sync(fresh)).statusCode).toBe(200);
  });
});

describe('signed requests', () => {
  it('accepts a correctly signed request', async () => {
    const response = await sync(till);
    expect(response.statusCode).toBe(200);
    expect((response.json() as { results: { status: string }[] }).results[0]?.status).toBe('rejected');
  });

  it('refuses a bad signature, a tampered body and missing headers', async () => {
    expectRefusal(await sync(till, { signature: Buffer.alloc(32, 7).toString('base64') }), 401, 'SIGNATURE_INVALID');
    expectRefusal(await sync({ ...till, secret: 'x'.repeat(43) }), 401, 'SIGNATURE_INVALID');
    expectRefusal(await sync(till, {}, ingestBody.replace('"pending":0', '"pending":1')), 401, 'SIGNATURE_INVALID');
    const bare = await cloud.app.inject({ method: 'POST', url: '/v1/sync/orders', headers: { 'content-type': 'application/json' }, payload: ingestBody });
    expectRefusal(bare, 401, 'SIGNATURE_MISSING');
  });

  it('refuses stale and future timestamps', async () => {
    expectRefusal(await sync(till, { timestamp: String(clock - SIGNATURE_WINDOW_MS - 1) }), 401, 'TIMESTAMP_OUT_OF_WINDOW');
    expectRefusal(await sync(till, { timestamp: String(clock + SIGNATURE_WINDOW_MS + 1) }), 401, 'TIMESTAMP_OUT_OF_WINDOW');
    expect((await sync(till, { timestamp: String(clock - SIGNATURE_WINDOW_MS + 1000) })).statusCode).toBe(200);
  });

  it('refuses a replayed nonce, also on another instance on the same database', async () => {
    const nonce = 'replay-nonce-0123456789';
    expect((await sync(till, { nonce })).statusCode).toBe(200);
    expectRefusal(await sync(till, { nonce }), 401, 'NONCE_REPLAYED');
    // A second instance (same database, same keys) knows the nonce too.
    const otherDb = await openCloudDatabase({ url: cloud.url! });
    const other = await buildCloudApp({ db: otherDb, adminToken: cloud.adminToken, secretKey: cloud.secretKey, now });
    try {
      const headers = signedHeaders(till, { method: 'POST', path: '/v1/sync/orders', body: ingestBody }, { timestamp: String(clock), nonce });
      expectRefusal(await other.inject({ method: 'POST', url: '/v1/sync/orders', headers, payload: ingestBody }), 401, 'NONCE_REPLAYED');
      const fresh = signedHeaders(till, { method: 'POST', path: '/v1/sync/orders', body: ingestBody }, { timestamp: String(clock) });
      expect((await other.inject({ method: 'POST', url: '/v1/sync/orders', headers: fresh, payload: ingestBody })).statusCode).toBe(200);
    } finally {
      await other.close();
      await otherDb.close();
    }
  });

  it('signs the query string too (events)', async () => {
    const path = '/v1/sync/events?after=0&limit=10';
    const ok = await cloud.app.inject({ method: 'GET', url: path, headers: signedHeaders(till, { method: 'GET', path, body: '' }, { timestamp: String(clock) }) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ events: [], cursor: '0' });
    const moved = await cloud.app.inject({
      method: 'GET',
      url: '/v1/sync/events?after=5&limit=10',
      headers: signedHeaders(till, { method: 'GET', path, body: '' }, { timestamp: String(clock) }),
    });
    expectRefusal(moved, 401, 'SIGNATURE_INVALID');
  });

  it('refuses an unknown terminal and a revoked one', async () => {
    expectRefusal(await sync({ terminalId: 'trm_NOSUCHTERMINAL0000', secret: till.secret }), 401, 'TERMINAL_UNKNOWN');
    const doomed = await cloud.enrolTerminal('S001', 'T07');
    expect((await sync(doomed)).statusCode).toBe(200);
    const revoke = await cloud.app.inject({ method: 'POST', url: `/v1/admin/terminals/${doomed.terminalId}/revoke`, headers: { authorization: `Bearer ${cloud.adminToken}` } });
    expect(revoke.statusCode).toBe(200);
    expectRefusal(await sync(doomed), 403, 'TERMINAL_REVOKED');
    const path = '/v1/sync/events';
    const events = await cloud.app.inject({ method: 'GET', url: path, headers: signedHeaders(doomed, { method: 'GET', path, body: '' }, { timestamp: String(clock) }) });
    expectRefusal(events, 403, 'TERMINAL_REVOKED');
  });
});

describe('admin token', () => {
  it('is required on admin routes', async () => {
    expectRefusal(await cloud.app.inject({ method: 'GET', url: '/v1/admin/sync-health' }), 401, 'ADMIN_TOKEN_REQUIRED');
    expectRefusal(await cloud.app.inject({ method: 'GET', url: '/v1/admin/sync-health', headers: { authorization: 'Bearer wrong-token-0000000000' } }), 401, 'ADMIN_TOKEN_REQUIRED');
    expectRefusal(await cloud.app.inject({ method: 'POST', url: '/v1/admin/stores', payload: { code: 'X', name: 'x', timezone: 'UTC' } }), 401, 'ADMIN_TOKEN_REQUIRED');
  });

  it('unknown routes answer a bilingual 404', async () => {
    expectRefusal(await cloud.app.inject({ method: 'GET', url: '/nope' }), 404, 'NOT_FOUND');
  });
});

