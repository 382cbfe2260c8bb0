/**
 * Head-office sales against a real PostgreSQL: the sums by store, terminal, business day and tender
 * equal the sums of the orders that were ingested (computed here from the snapshots), in exact fen;
 * orders that were not sold (cancelled, pending) do not count; a newer version replaces the old one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrolResponse, OrderWire } from '../../electron/sync/wire';
import { makeOrder, Prng, signedHeaders, startTestCloud, type TestCloud } from '../support/cloud';

let cloud: TestCloud;
const prng = new Prng(99);
const sold: OrderWire[] = [];
const DAYS = ['2025-03-01', '2025-03-02', '2025-03-03'];

interface Row {
  storeCode?: string;
  terminalCode?: string;
  businessDate?: string;
  tender?: string;
  orders: number;
  grossFen: number;
  discountFen: number;
  refundFen: number;
  netFen: number;
}

async function push(till: EnrolResponse, orders: OrderWire[]) {
  const body = JSON.stringify({ wireVersion: 1, backlog: { pending: 0, dead: 0, oldestPendingAt: null }, orders });
  const response = await cloud.app.inject({ method: 'POST', url: '/v1/sync/orders', headers: signedHeaders(till, { method: 'POST', path: '/v1/sync/orders', body }), payload: body });
  expect(response.statusCode).toBe(200);
}

async function sales(query: string): Promise<{ rows: Row[]; totals: Row }> {
  const response = await cloud.app.inject({ method: 'GET', url: `/v1/admin/sales?${query}`, headers: { authorization: `Bearer ${cloud.adminToken}` } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { rows: Row[]; totals: Row };
}

function expected(orders: OrderWire[], key: (o: OrderWire) => string) {
  const out = new Map<string, Omit<Row, 'storeCode' | 'terminalCode' | 'businessDate' | 'tender'>>();
  for (const o of orders) {
    const k = key(o);
    const row = out.get(k) ?? { orders: 0, grossFen: 0, discountFen: 0, refundFen: 0, netFen: 0 };
    row.orders += 1;
    row.grossFen += o.subtotalFen + o.deliveryFeeFen;
    row.discountFen += o.lineDiscountFen + o.orderDiscountFen + o.couponFen + o.roundingFen;
    row.refundFen += o.refundedFen;
    row.netFen += o.totalFen - o.refundedFen;
    out.set(k, row);
  }
  return out;
}

beforeAll(async () => {
  cloud = await startTestCloud();
  const tills = await Promise.all([cloud.enrolTerminal('S001', 'T01'), cloud.enrolTerminal('S001', 'T02'), cloud.enrolTerminal('S002', 'T01')]);
  for (const till of tills) {
    const batch: OrderWire[] = [];
    let seq = 0;
    for (const day of DAYS) {
      for (let i = 0; i < 40; i += 1) {
        seq += 1;
        const order = makeOrder(prng, { storeCode: till.storeCode, terminalCode: till.terminalCode, businessDate: day, seq, payments: prng.int(1, 2), refundFen: i % 5 === 0 ? prng.int(1, 300) : 0 });
        batch.push(order);
      }
    }
    // A cancelled and a pending order: never sales.
    batch.push({ ...makeOrder(prng, { storeCode: till.storeCode, terminalCode: till.terminalCode, businessDate: DAYS[0]!, seq: 900 }), state: 'cancelled', refundedFen: 0, refunds: [] });
    batch.push({ ...makeOrder(prng, { storeCode: till.storeCode, terminalCode: till.terminalCode, businessDate: DAYS[0]!, seq: 901 }), state: 'pending_payment', refundedFen: 0, refunds: [] });
    await push(till, batch);
    sold.push(...batch.filter((o) => o.state === 'completed' || o.state === 'partially_refunded'));
    // Version 2 of one order: fully refunded now; the report must use it, not version 1.
    const first = sold.find((o) => o.storeCode === till.storeCode && o.terminalCode === till.terminalCode)!;
    const v2: OrderWire = {
      ...first,
      version: 2,
      state: 'refunded',
      refundedFen: first.payments[0]!.amountFen,
      refunds: [{ id: prng.ulid(), paymentId: first.payments[0]!.id, outRefundNo: `R${first.id}`, amountFen: first.payments[0]!.amountFen, reason: null, state: 'succeeded', automatic: false, providerRefundId: null, createdAt: first.createdAt, succeededAt: first.createdAt }],
    };
    await push(till, [v2]);
    sold[sold.indexOf(first)] = v2;
  }
}, 60_000);
afterAll(async () => cloud?.close());

describe('sales', () => {
  it('by store, terminal and day equal the ingested orders', async () => {
    const range = `from=${DAYS[0]}&to=${DAYS[2]}`;
    const byStore = await sales(`${range}&groupBy=store`);
    const want = expected(sold, (o) => o.storeCode);
    expect(byStore.rows.map(({ storeCode, ...rest }) => [storeCode, rest])).toEqual([...want.entries()].sort());
    const byTerminal = await sales(`${range}&groupBy=terminal`);
    expect(byTerminal.rows.map(({ storeCode, terminalCode, ...rest }) => [`${storeCode}/${terminalCode}`, rest])).toEqual(
      [...expected(sold, (o) => `${o.storeCode}/${o.terminalCode}`).entries()].sort(),
    );
    const byDay = await sales(`${range}&groupBy=day&storeCode=S001`);
    expect(byDay.rows.map(({ businessDate, ...rest }) => [businessDate, rest])).toEqual(
      [...expected(sold.filter((o) => o.storeCode === 'S001'), (o) => o.businessDate).entries()].sort(),
    );
    const all = expected(sold, () => 'all').get('all')!;
    expect(byStore.totals).toEqual(all);
    expect(byStore.totals.netFen).toBe(all.grossFen - all.discountFen - all.refundFen);
  });

  it('by tender equals the succeeded payments less their refunds', async () => {
    const byTender = await sales(`from=${DAYS[0]}&to=${DAYS[2]}&groupBy=tender`);
    const want = new Map<string, { gross: number; refunds: number; orders: Set<string> }>();
    for (const o of sold) {
      for (const p of o.payments) {
        const row = want.get(p.tender) ?? { gross: 0, refunds: 0, orders: new Set() };
        row.gross += p.amountFen;
        row.refunds += o.refunds.filter((r) => r.paymentId === p.id).reduce((sum, r) => sum + r.amountFen, 0);
        row.orders.add(o.id);
        want.set(p.tender, row);
      }
    }
    expect(byTender.rows).toEqual(
      [...want.entries()].sort().map(([tender, row]) => ({ tender, orders: row.orders.size, grossFen: row.gross, discountFen: 0, refundFen: row.refunds, netFen: row.gross - row.refunds })),
    );
    const total = sold.reduce((sum, o) => sum + o.totalFen, 0);
    expect(byTender.totals.grossFen).toBe(total);
    expect(byTender.totals.orders).toBe(sold.length);
  });

  it('a range with nothing in it is zeros, and a bad range is a 400', async () => {
    const empty = await sales('from=2020-01-01&to=2020-01-31');
    expect(empty.rows).toEqual([]);
    expect(empty.totals).toEqual({ orders: 0, grossFen: 0, discountFen: 0, refundFen: 0, netFen: 0 });
    const bad = await cloud.app.inject({ method: 'GET', url: '/v1/admin/sales?from=2025-03-03&to=2025-03-01', headers: { authorization: `Bearer ${cloud.adminToken}` } });
    expect(bad.statusCode).toBe(400);
  });
});
