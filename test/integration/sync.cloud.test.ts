import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { currentStatus } from '../../electron/api/status';
import { PROVIDER_TIMING, type PaymentTiming } from '../../electron/payments/attempts/timing';
import { startDemoSandboxes, type DemoSandboxes } from '../../electron/sandbox/demo';
import { SnapshotReader } from '../../electron/sync/snapshot';
import { WIRE_VERSION, type IngestResponse } from '../../electron/sync/wire';
import type { DeadLetterDto, SyncEnrolmentDto, SyncStatusDto } from '../../electron/api/dto';
import { PINS } from '../support/core';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { signedHeaders, startTestCloud, type TestCloud } from '../support/cloud';
import { CASHIER, cartOf, outboxState, startSyncTill, type SyncTill } from '../support/syncTill';

/**
 * The sync worker against the real cloud (cloud/app.ts, Fastify) on a real PostgreSQL 15 started
 * by the test: enrol then drain, totals to the fen, a refund after sync re-sent at a higher version
 * (the cloud keeps the highest, a stale re-send changes nothing), an order the cloud rejects goes to
 * the dead letters while the rest lands, a revoked terminal stops with the cloud's reason, and a
 * provider notification travels sandbox → cloud (verified) → relayed → till, which confirms by query.
 * Each test gets its own database in the one cluster.
 */
let pg: TestPostgres;
let dbSeq = 0;
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(async () => pg?.stop());

const open: (SyncTill | TestCloud | DemoSandboxes)[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await ('cleanup' in thing ? thing.cleanup() : thing.close());
});

async function setup(options: Parameters<typeof startSyncTill>[0] = {}) {
  const cloud = await startTestCloud({ url: await pg.createDatabase(`sync_${++dbSeq}`) });
  await cloud.createStore('S001', 'Demo Store');
  const till = await startSyncTill({ realClock: true, ...options });
  open.push(cloud, till);
  return { cloud, till };
}

async function enrol(till: SyncTill, cloud: TestCloud): Promise<SyncEnrolmentDto> {
  const owner = await till.login('owner', PINS.owner);
  return till.ok<SyncEnrolmentDto>('sync.enrol', { cloudUrl: cloud.baseUrl, code: await cloud.enrolmentCode('S001') }, owner);
}

async function drain(till: SyncTill, max = 100): Promise<string[]> {
  const kinds: string[] = [];
  for (let i = 0; i < max; i++) {
    const outcome = await till.core.sync.runOnce();
    kinds.push(outcome.kind);
    if (outcome.kind === 'idle' || outcome.kind === 'paused') break;
    if (outcome.kind === 'waiting') await new Promise((resolve) => setTimeout(resolve, Math.max(0, outcome.untilMs - Date.now())));
    if (outcome.kind === 'failed' && outcome.retryAtMs !== null) await new Promise((resolve) => setTimeout(resolve, Math.max(0, outcome.retryAtMs! - Date.now())));
  }
  return kinds;
}

interface CloudTotals {
  orders: number;
  total: number;
  paid: number;
  refunded: number;
}

async function cloudTotals(cloud: TestCloud): Promise<CloudTotals> {
  const [row] = await cloud.db.query<{ orders: string; total: string | null; paid: string | null; refunded: string | null }>(
    'SELECT count(*) AS orders, sum(total_fen) AS total, sum(paid_fen) AS paid, sum(refunded_fen) AS refunded FROM orders',
  );
  return { orders: Number(row!.orders), total: Number(row!.total ?? 0), paid: Number(row!.paid ?? 0), refunded: Number(row!.refunded ?? 0) };
}

function tillTotals(till: SyncTill, where = "state IN ('completed', 'refunded', 'partially_refunded', 'cancelled')"): CloudTotals {
  const row = till.core.db.prepare(`SELECT count(*) AS orders, sum(total_fen) AS total, sum(paid_fen) AS paid, sum(refunded_fen) AS refunded FROM orders WHERE ${where}`).get() as {
    orders: number;
    total: number | null;
    paid: number | null;
    refunded: number | null;
  };
  return { orders: row.orders, total: row.total ?? 0, paid: row.paid ?? 0, refunded: row.refunded ?? 0 };
}

describe('sync against the real cloud on PostgreSQL', () => {
  it('enrols with a code from the head office, drains the backlog; every order once, totals to the fen', async () => {
    const { cloud, till } = await setup({ settings: { 'sync.maxBatchOrders': 25 } });
    const ids = Array.from({ length: 60 }, (_, i) => till.sale(1 + (i % 4)));
    const enrolment = await enrol(till, cloud);
    expect(enrolment).toMatchObject({ storeCode: 'S001', terminalCode: 'T01', terminalId: expect.any(String) });
    expect(await drain(till)).toEqual(['sent', 'sent', 'sent', 'idle']);
    expect(await cloudTotals(cloud)).toEqual(tillTotals(till));
    const stored = await cloud.db.query<{ id: string; version: number; order_no: string }>('SELECT id, version, order_no FROM orders ORDER BY id');
    expect(stored.map((o) => o.id)).toEqual([...ids].sort());
    for (const o of stored) expect(Number(o.version)).toBe(till.core.orders.get(o.id).order.version);
    const [lines] = await cloud.db.query<{ n: string }>('SELECT count(*) AS n FROM order_lines');
    expect(Number(lines!.n)).toBe((till.core.db.prepare('SELECT count(*) AS n FROM order_lines').get() as { n: number }).n);
    expect(outboxState(till.core)).toMatchObject({ pending: 0, dead: 0 });
    const status = await till.ok<SyncStatusDto>('sync.status', {}, await till.login('cashier', PINS.cashier));
    expect(status).toMatchObject({ state: 'idle', pending: 0, dead: 0, lastError: null });
    // The head office sees the till's backlog report on its sync-health page.
    const health = await fetch(`${cloud.baseUrl}/v1/admin/sync-health`, { headers: { authorization: `Bearer ${cloud.adminToken}` } }).then((r) => r.json() as Promise<{ terminals: { terminalId: string; ordersStored: number }[] }>);
    expect(health.terminals.find((t) => t.terminalId === enrolment.terminalId)?.ordersStored).toBe(60);
  });

  it('a refund after sync re-sends the order at a higher version; the cloud keeps the highest, a stale re-send changes nothing', async () => {
    const { cloud, till } = await setup();
    const enrolment = await enrol(till, cloud);
    const id = till.sale(3);
    await drain(till);
    const reader = new SnapshotReader(till.core.db, () => ({ storeCode: 'S001', terminalCode: 'T01' }));
    const before = reader.read(id);
    if (!before.ok) throw new Error(before.reason);
    till.refundCash(id, 150);
    expect(outboxState(till.core).pending).toBe(1);
    await drain(till);
    const [row] = await cloud.db.query<{ version: number; refunded_fen: string; state: string }>('SELECT version, refunded_fen, state FROM orders WHERE id = $1', [id]);
    expect({ version: Number(row!.version), refunded: Number(row!.refunded_fen), state: row!.state }).toEqual({ version: before.order.version + 1, refunded: 150, state: 'partially_refunded' });
    const [refunds] = await cloud.db.query<{ n: string }>('SELECT count(*) AS n FROM order_refunds WHERE order_id = $1', [id]);
    expect(Number(refunds!.n)).toBe(1);

    // The old snapshot arrives late (a retry from before the refund): stale, nothing changes.
    const secret = till.core.vault!.reveal('sync.terminalSecret')!;
    const body = JSON.stringify({ wireVersion: WIRE_VERSION, backlog: { pending: 0, dead: 0, oldestPendingAt: null }, orders: [before.order] });
    const response = await fetch(`${cloud.baseUrl}/v1/sync/orders`, {
      method: 'POST',
      headers: signedHeaders({ terminalId: enrolment.terminalId, secret }, { method: 'POST', path: '/v1/sync/orders', body }),
      body,
    });
    const answer = (await response.json()) as IngestResponse;
    expect(answer.results[0]).toMatchObject({ orderId: id, status: 'stale' });
    const [after] = await cloud.db.query<{ version: number; refunded_fen: string }>('SELECT version, refunded_fen FROM orders WHERE id = $1', [id]);
    expect(Number(after!.version)).toBe(before.order.version + 1);
    expect(Number(after!.refunded_fen)).toBe(150);
    expect(await cloudTotals(cloud)).toEqual(tillTotals(till));
  });

  it('an order the cloud rejects goes to the dead letters with its bilingual reason; the rest lands', async () => {
    const { cloud, till } = await setup({ settings: { 'sync.maxBatchOrders': 10 } });
    await enrol(till, cloud);
    const ids = Array.from({ length: 20 }, () => till.sale());
    // Passes the wire schema (YYYY-MM-DD) but is no calendar date: the cloud refuses it.
    till.core.db.prepare("UPDATE orders SET business_date = '2026-02-30' WHERE id = ?").run(ids[13]);
    await drain(till);
    expect(await cloudTotals(cloud)).toEqual(tillTotals(till, `state = 'completed' AND id <> '${ids[13]}'`));
    const dead = await till.ok<DeadLetterDto[]>('sync.deadLetters', {}, await till.login('manager', PINS.manager));
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      orderId: ids[13],
      error: { code: 'SYNC_ORDER_REJECTED', message: { zh: expect.stringContaining('不是有效日期'), en: expect.stringContaining('not a calendar date') } },
    });
    expect(outboxState(till.core)).toMatchObject({ pending: 0, dead: 2 });
  });

  it('a revoked terminal stops and shows the cloud’s reason; a new code resumes', async () => {
    const { cloud, till } = await setup();
    const first = await enrol(till, cloud);
    till.sale();
    await drain(till);
    const revoke = await fetch(`${cloud.baseUrl}/v1/admin/terminals/${first.terminalId}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${cloud.adminToken}` } });
    expect(revoke.status).toBe(200);
    till.sale();
    expect(await drain(till)).toEqual(['failed', 'paused']);
    const status = till.core.sync.status();
    expect(status).toMatchObject({ state: 'paused', pending: 2, lastError: { code: 'SYNC_AUTH_REFUSED', message: { en: expect.stringContaining('TERMINAL_REVOKED') } } });
    // The status bar (status.get) carries the same error, in both languages.
    expect(currentStatus(till.core).sync).toMatchObject({ pending: 2, lastError: { code: 'SYNC_AUTH_REFUSED', message: { zh: expect.any(String), en: expect.stringContaining('TERMINAL_REVOKED') } } });
    // Nothing more is tried until the till is enrolled again.
    expect((await till.core.sync.runOnce()).kind).toBe('paused');
    await enrol(till, cloud);
    expect(await drain(till)).toEqual(['sent', 'idle']);
    expect((await cloudTotals(cloud)).orders).toBe(2);
  });

  it('a provider notification goes sandbox → cloud (verified) → relayed to the till, which confirms by query', async () => {
    const SLOW: PaymentTiming = { ...PROVIDER_TIMING, qrFastPollMs: 60_000, qrSlowPollMs: 60_000, unknownRetryMs: 60_000, sweepIntervalMs: 600_000 };
    const { cloud, till } = await setup({ paymentsManual: false, paymentTiming: SLOW });
    const sandboxes = await startDemoSandboxes(till.core.providers);
    open.unshift(sandboxes);
    const keys = sandboxes.wechat.keys;
    const configured = await fetch(`${cloud.baseUrl}/v1/admin/stores/S001/providers`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${cloud.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        wechat: {
          mchid: keys.mchid,
          appid: keys.appid,
          apiV3Key: keys.apiV3Key,
          platformPublicKeyId: keys.publicKey.id,
          platformPublicKeyPem: keys.publicKey.publicKeyPem,
          platformCertificates: { [keys.platformCertificate.serial]: keys.platformCertificate.certificatePem },
        },
      }),
    });
    expect(configured.status, await configured.clone().text()).toBe(200);
    const { terminalId } = await enrol(till, cloud);
    const core = till.core;
    const order = core.orders.checkout(CASHIER, cartOf(core)).order;
    const payment = core.payments.startMerchantQr(CASHIER, order.id, 'wechat');
    for (let i = 0; i < 250 && !core.payments.store.get(payment.id)!.code_url; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const outTradeNo = core.payments.store.get(payment.id)!.out_trade_no!;
    expect(sandboxes.wechat.scanAndPay(outTradeNo).ok).toBe(true);
    // The sandbox delivers to the cloud's notify URL for this terminal; the cloud verifies and stores it.
    let delivered = false;
    for (let i = 0; i < 250 && !delivered; i++) {
      delivered = sandboxes.wechat.notifications().some((d) => d.status !== undefined && d.status < 300);
      if (!delivered) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(sandboxes.wechat.notifications()[0]).toMatchObject({ url: `${cloud.baseUrl}/v1/notify/wechat/${terminalId}` });
    expect(delivered).toBe(true);
    expect(core.payments.store.get(payment.id)!.state).toBe('pending');
    expect(await core.sync.pollEventsOnce()).toBe(1);
    for (let i = 0; i < 250 && core.payments.store.get(payment.id)!.state !== 'succeeded'; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(core.payments.store.get(payment.id)!.state).toBe('succeeded');
    expect(core.orders.get(order.id).order.state).toBe('completed');
  });
});
