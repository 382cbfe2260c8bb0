/**
 * `npm run cloud` as a process (cloud/main.ts): on a real PostgreSQL through DATABASE_URL, and on
 * PGlite with no DATABASE_URL (the demo default, smaller run): prints `cloud listening on …`, serves
 * the API, and on SIGTERM stops accepting, finishes what is in flight, closes the database, exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrolResponse, IngestResponse } from '../../electron/sync/wire';
import { makeOrder, Prng, signedHeaders } from '../support/cloud';
import { startPostgres, type TestPostgres } from '../support/postgres';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let cluster: TestPostgres;

beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(async () => cluster?.stop());

async function startCloud(env: Record<string, string>): Promise<{ child: ChildProcess; baseUrl: string; output: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cloud/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, CLOUD_PORT: '0', CLOUD_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      output.push(line);
      const match = /^cloud listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`cloud exited ${code}: ${output.join('\n')}`)));
  });
  return { child, baseUrl, output };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

async function walkThrough(baseUrl: string, adminToken: string, storeCode: string) {
  const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  expect(await (await fetch(`${baseUrl}/health`)).json()).toEqual({ ok: true, db: 'up' });
  expect((await fetch(`${baseUrl}/v1/admin/stores`, { method: 'POST', headers: admin, body: JSON.stringify({ code: storeCode, name: '测试店', timezone: 'Asia/Shanghai' }) })).status).toBe(201);
  const { code } = (await (await fetch(`${baseUrl}/v1/admin/stores/${storeCode}/enrolment-codes`, { method: 'POST', headers: { authorization: admin.authorization } })).json()) as { code: string };
  const enrolled = (await (await fetch(`${baseUrl}/v1/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, terminalCode: 'T01', name: '一号机' }) })).json()) as EnrolResponse;
  const prng = new Prng(3);
  const orders = Array.from({ length: 20 }, (_, i) => makeOrder(prng, { storeCode, terminalCode: 'T01', businessDate: '2025-01-15', seq: i + 1 }));
  const body = JSON.stringify({ wireVersion: 1, backlog: { pending: 0, dead: 0, oldestPendingAt: null }, orders });
  const response = await fetch(`${baseUrl}/v1/sync/orders`, { method: 'POST', headers: signedHeaders(enrolled, { method: 'POST', path: '/v1/sync/orders', body }), body });
  expect(response.status).toBe(200);
  const answer = (await response.json()) as IngestResponse;
  expect(answer.results.every((r) => r.status === 'accepted')).toBe(true);
  const sales = (await (await fetch(`${baseUrl}/v1/admin/sales?from=2025-01-15&to=2025-01-15`, { headers: { authorization: admin.authorization } })).json()) as { totals: { orders: number; netFen: number } };
  expect(sales.totals.orders).toBe(20);
  expect(sales.totals.netFen).toBe(orders.reduce((sum, o) => sum + o.totalFen - o.refundedFen, 0));
  return { enrolled, body };
}

describe('npm run cloud', () => {
  it('runs on PostgreSQL and shuts down gracefully on SIGTERM, finishing the request in flight', async () => {
    const url = await cluster.createDatabase('process_pg');
    const adminToken = `admin-${randomBytes(8).toString('hex')}`;
    const { child, baseUrl } = await startCloud({ DATABASE_URL: url, CLOUD_ADMIN_TOKEN: adminToken, CLOUD_SECRET_KEY: randomBytes(32).toString('hex'), CLOUD_DATA_DIR: ':memory:' });
    try {
      const { enrolled } = await walkThrough(baseUrl, adminToken, 'P001');
      // A big batch in flight when SIGTERM arrives still gets its answer.
      const prng = new Prng(4);
      const orders = Array.from({ length: 500 }, (_, i) => makeOrder(prng, { storeCode: 'P001', terminalCode: 'T01', businessDate: '2025-01-16', seq: i + 1 }));
      const body = JSON.stringify({ wireVersion: 1, backlog: { pending: 0, dead: 0, oldestPendingAt: null }, orders });
      const inFlight = fetch(`${baseUrl}/v1/sync/orders`, { method: 'POST', headers: signedHeaders(enrolled, { method: 'POST', path: '/v1/sync/orders', body }), body });
      await new Promise((resolve) => setTimeout(resolve, 30));
      child.kill('SIGTERM');
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(((await response.json()) as IngestResponse).results.filter((r) => r.status === 'accepted')).toHaveLength(500);
      expect(await exited(child)).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);

  it('runs on PGlite with no DATABASE_URL, generating and keeping its admin token and secret key (0600)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'till-cloud-'));
    const env: Record<string, string> = { CLOUD_DATA_DIR: dataDir, DATABASE_URL: '' };
    delete process.env.CLOUD_ADMIN_TOKEN;
    try {
      const first = await startCloud(env);
      const tokenLine = first.output.find((line) => line.startsWith('admin token'));
      const adminToken = tokenLine?.split(': ').at(-1) ?? '';
      expect(adminToken.length).toBeGreaterThan(16);
      expect(statSync(join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dataDir, 'admin.token')).mode & 0o777).toBe(0o600);
      await walkThrough(first.baseUrl, adminToken, 'L001');
      first.child.kill('SIGINT');
      expect(await exited(first.child)).toBe(0);
      // Second start: same data, same token.
      const second = await startCloud(env);
      const sales = await fetch(`${second.baseUrl}/v1/admin/sales?from=2025-01-15&to=2025-01-15`, { headers: { authorization: `Bearer ${adminToken}` } });
      expect(((await sales.json()) as { totals: { orders: number } }).totals.orders).toBe(20);
      second.child.kill('SIGTERM');
      expect(await exited(second.child)).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
