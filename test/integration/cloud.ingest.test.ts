/**
 * Cloud ingest against a real PostgreSQL: accepted / duplicate / stale / rejected per order,
 * duplicates inside one batch, child rows replaced on a higher version, ownership (another
 * terminal's or store's order id), exact fen totals, per-terminal gaps recorded and cleared, the
 * reported backlog, and a constant number of statements per batch (500 orders = 1 order).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCloudApp } from '../../cloud/app';
import { instrumentDatabase, openCloudDatabase, toInt } from '../../cloud/db';
import type { EnrolResponse, IngestResponse, OrderWire } from '../../electron/sync/wire';
import { makeOrder, Prng, signedHeaders, startTestCloud, type TestCloud } from '../support/cloud';

let cloud: TestCloud;
let till: EnrolResponse;
const prng = new Prng(20250115);
const DAY = '2025-01-15';

async function push(credentials: { terminalId: string; secret: string }, orders: unknown[], backlog = { pending: 0, dead: 0, oldestPendingAt: null as string | null }, app = cloud.app) {
  const body = JSON.stringify({ wireVersion: 1, backlog, orders });
  const response = await app.inject({ method: 'POST', url: '/v1/sync/orders', headers: signedHeaders(credentials, { method: 'POST', path: '/v1/sync/orders', body }), payload: body });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as IngestResponse).results;
}

const order = (seq: number, extra: Partial<Parameters<typeof makeOrder>[1]> = {}) =>
  makeOrder(prng, { storeCode: 'S001', terminalCode: 'T01', businessDate: DAY, seq, payments: 2, ...extra });

async function stored(id: string) {
  const [row] = await cloud.db.query<{ version: unknown; total_fen: unknown; state: string }>('SELECT version, total_fen, state FROM orders WHERE id = $1', [id]);
  const lines = await cloud.db.query<{ line_no: unknown; net_fen: unknown }>('SELECT line_no, net_fen FROM order_lines WHERE order_id = $1 ORDER BY line_no', [id]);
  const payments = await cloud.db.query<{ amount_fen: unknown }>('SELECT amount_fen FROM order_payments WHERE order_id = $1', [id]);
  const refunds = await cloud.db.query<{ amount_fen: unknown }>('SELECT amount_fen FROM order_refunds WHERE order_id = $1', [id]);
  return { row, lines, payments, refunds };
}

beforeAll(async () => {
  cloud = await startTestCloud();
  till = await cloud.enrolTerminal('S001', 'T01');
});
afterAll(async () => cloud?.close());

describe('ingest', () => {
  it('answers accepted, duplicate, stale and rejected per order; the good ones land', async () => {
    const a = order(1);
    const b = order(2);
    const first = await push(till, [a, b, { id: 'not-a-ulid' }]);
    expect(first.map((r) => r.status)).toEqual(['accepted', 'accepted', 'rejected']);
    expect(first[2]?.reason?.code).toBe('INVALID_ORDER');
    expect(first[2]?.reason?.zh).toBeTruthy();
    expect(first[2]?.reason?.en).toBeTruthy();

    const again = await push(till, [a, { ...b, version: 2, state: 'refunded', refundedFen: b.totalFen }]);
    expect(again.map((r) => r.status)).toEqual(['duplicate', 'accepted']);
    const older = await push(till, [b]);
    expect(older).toEqual([{ orderId: b.id, index: 0, version: 1, status: 'stale' }]);
    expect(toInt((await stored(b.id)).row?.version)).toBe(2);
  });

  it('stores fen exactly, child rows included', async () => {
    const o = order(3, { refundFen: 150 });
    expect((await push(till, [o]))[0]?.status).toBe('accepted');
    const { row, lines, payments, refunds } = await stored(o.id);
    expect(toInt(row?.total_fen)).toBe(o.totalFen);
    expect(lines.map((l) => toInt(l.net_fen))).toEqual(o.lines.map((l) => l.netFen));
    expect(payments.map((p) => toInt(p.amount_fen)).sort()).toEqual(o.payments.map((p) => p.amountFen).sort());
    expect(refunds.map((r) => toInt(r.amount_fen))).toEqual([150]);
  });

  it('replaces lines, payments and refunds when a higher version arrives', async () => {
    const v1 = order(4, { lines: 5, refundFen: 100 });
    await push(till, [v1]);
    const v2: OrderWire = { ...order(4, { lines: 2, id: v1.id }), version: 2 };
    expect((await push(till, [v2]))[0]?.status).toBe('accepted');
    const { lines, payments, refunds } = await stored(v1.id);
    expect(lines).toHaveLength(2);
    expect(payments.map((p) => toInt(p.amount_fen)).sort()).toEqual(v2.payments.map((p) => p.amountFen).sort());
    expect(refunds).toHaveLength(0);
  });

  it('keeps the highest version of an order sent twice in one batch', async () => {
    const v1 = order(5);
    const v3 = { ...v1, version: 3, state: 'refunded' as const, refundedFen: v1.totalFen };
    const results = await push(till, [v1, v3, { ...v3 }, { ...v1, version: 2 }]);
    expect(results.map((r) => r.status)).toEqual(['stale', 'accepted', 'duplicate', 'stale']);
    expect(toInt((await stored(v1.id)).row?.version)).toBe(3);
  });

  it('refuses orders of another terminal, and ids owned by another store', async () => {
    const foreign = makeOrder(prng, { storeCode: 'S001', terminalCode: 'T99', businessDate: DAY, seq: 1 });
    const [wrong] = await push(till, [foreign]);
    expect(wrong?.status).toBe('rejected');
    expect(wrong?.reason?.code).toBe('WRONG_TERMINAL');

    const other = await cloud.enrolTerminal('S002', 'T01');
    const mine = order(6);
    await push(till, [mine]);
    const hijack = { ...mine, storeCode: 'S002', version: 9 };
    const [conflict] = await push(other, [hijack]);
    expect(conflict?.status).toBe('rejected');
    expect(conflict?.reason?.code).toBe('ORDER_ID_CONFLICT');
    expect(toInt((await stored(mine.id)).row?.version)).toBe(1);
  });

  it('rejects what the database would refuse instead of failing the batch', async () => {
    const good = order(7);
    const badDate = { ...order(8), businessDate: '2025-02-30' };
    const dupLines = order(9);
    dupLines.lines[1] = { ...dupLines.lines[1]!, lineNo: 1 };
    const results = await push(till, [good, badDate, dupLines]);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'rejected', 'rejected']);
  });

  it('records gaps in the order numbers, clears them when the order arrives, and keeps the backlog', async () => {
    const gapTill = await cloud.enrolTerminal('S003', 'G1');
    const mk = (seq: number) => makeOrder(prng, { storeCode: 'S003', terminalCode: 'G1', businessDate: DAY, seq });
    const missing = mk(3);
    const late = mk(6);
    await push(gapTill, [mk(1), mk(2), mk(4), mk(5), mk(7)], { pending: 2, dead: 1, oldestPendingAt: '2025-01-15T02:00:00.000Z' });
    const health = async () => {
      const response = await cloud.app.inject({ method: 'GET', url: '/v1/admin/sync-health?storeCode=S003', headers: { authorization: `Bearer ${cloud.adminToken}` } });
      expect(response.statusCode).toBe(200);
      return (response.json() as { terminals: { openGapCount: number; gaps: { seq: number; businessDate: string }[]; backlog: { pending: number; dead: number } }[] }).terminals[0]!;
    };
    let h = await health();
    expect(h.gaps.map((g) => g.seq)).toEqual([3, 6]);
    expect(h.gaps[0]?.businessDate).toBe(DAY);
    expect(h.backlog).toMatchObject({ pending: 2, dead: 1 });
    await push(gapTill, [missing], { pending: 1, dead: 1, oldestPendingAt: null });
    h = await health();
    expect(h.gaps.map((g) => g.seq)).toEqual([6]);
    expect(h.backlog.pending).toBe(1);
    await push(gapTill, [late]);
    h = await health();
    expect(h.openGapCount).toBe(0);
    const filled = await cloud.db.query<{ n: unknown }>("SELECT count(*) AS n FROM sync_gaps WHERE filled_at IS NOT NULL AND terminal_code = 'G1'");
    expect(toInt(filled[0]?.n)).toBe(2);
  });

  it('runs a constant number of statements per batch: 500 orders cost what 1 order costs', async () => {
    const statements: string[] = [];
    const db = instrumentDatabase(await openCloudDatabase({ url: cloud.url! }), (text) => statements.push(text));
    const app = await buildCloudApp({ db, adminToken: cloud.adminToken, secretKey: cloud.secretKey, migrate: false });
    try {
      const bulk = await cloud.enrolTerminal('S004', 'B1');
      const mk = (seq: number) => makeOrder(prng, { storeCode: 'S004', terminalCode: 'B1', businessDate: DAY, seq, lines: 5, payments: 2, refundFen: seq % 7 === 0 ? 50 : 0 });
      statements.length = 0;
      await push(bulk, [mk(1)], undefined, app);
      const one = statements.length;
      statements.length = 0;
      const batch = Array.from({ length: 500 }, (_, i) => mk(i + 2));
      const results = await push(bulk, batch, undefined, app);
      expect(results.every((r) => r.status === 'accepted')).toBe(true);
      const many = statements.length;
      expect(many).toBe(one);
      expect(many).toBeLessThanOrEqual(10);
      // Re-sending the same 500 (a retry after a timeout) also costs the same, and changes nothing.
      statements.length = 0;
      const again = await push(bulk, batch, undefined, app);
      expect(again.every((r) => r.status === 'duplicate')).toBe(true);
      expect(statements.length).toBeLessThanOrEqual(one);
      const [count] = await cloud.db.query<{ n: unknown }>("SELECT count(*) AS n FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.terminal_code = 'B1'");
      expect(toInt(count?.n)).toBe(501 * 5);
    } finally {
      await app.close();
      await db.close();
    }
  });

  it('refuses a malformed envelope with a bilingual 400', async () => {
    const body = JSON.stringify({ wireVersion: 2, backlog: { pending: 0, dead: 0, oldestPendingAt: null }, orders: [] });
    const response = await cloud.app.inject({ method: 'POST', url: '/v1/sync/orders', headers: signedHeaders(till, { method: 'POST', path: '/v1/sync/orders', body }), payload: body });
    expect(response.statusCode).toBe(400);
    expect((response.json() as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
  });
});
