import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compressedTiming } from '../../electron/payments/attempts/timing';
import { startDemoSandboxes, type DemoSandboxes } from '../../electron/sandbox/demo';
import { buildDayReport } from '../../electron/reports/dayReport';
import type { SyncEnrolmentDto } from '../../electron/api/dto';
import type { CloudDayReport } from '../../cloud/dayReport';
import { PINS, type TestClock } from '../support/core';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { Prng, startTestCloud, type TestCloud } from '../support/cloud';
import { startSyncTill, type SyncTill } from '../support/syncTill';

/**
 * The head office's day view (GET /v1/admin/stores/:storeCode/days/:date) against the till's own
 * 日结: a till makes a random-ish day of real sales through its services — WeChat Pay and Alipay
 * QRs paid at the sandboxes, a split cash + WeChat order, a provider refund, then cash sales over the
 * hours with line and order discounts, coupons, delivery fees, weighed goods, change, cancellations,
 * cash refunds, and on the next business day refunds of the first day's orders — syncs to a real
 * PostgreSQL cloud, and the cloud's figures for each day equal buildDayReport's to the fen.
 *
 * The clock is real time plus a skew the test moves forward (payment drivers keep real timers; the
 * cloud is given the same clock so signed requests stay within its window).
 */
let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(async () => pg?.stop());

const open: (SyncTill | TestCloud | DemoSandboxes)[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await ('cleanup' in thing ? thing.cleanup() : thing.close());
});

const CASHIER = { userId: 'demo-cashier', terminalId: 'demo-terminal' };
const MANAGER = { userId: 'demo-manager', terminalId: 'demo-terminal' };
const approval = { approverId: 'demo-manager' };

async function until<T>(read: () => T, ok: (value: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = read();
    if (ok(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('cloud head-office day view', () => {
  it('equals the till’s 日结 to the fen for every day of a synced random-ish two days', async () => {
    let skew = 0;
    const clock: TestClock = { now: () => Date.now() + skew, advance: (ms) => (skew += ms), set: (ms) => (skew = ms - Date.now()) };
    const cloud = await startTestCloud({ url: await pg.createDatabase('cloud_day'), now: clock.now });
    await cloud.createStore('S001', 'Demo Store');
    const till = await startSyncTill({ clock, shift: false, paymentsManual: false, paymentTiming: compressedTiming(50) });
    const sandboxes = await startDemoSandboxes(till.core.providers, {
      wechat: { userPayingMs: 200, reverseMinAgeMs: 0, refundProcessingMs: 0, notify: { enabled: false } },
      alipay: { userPayingMs: 200, notify: { enabled: false } },
    });
    open.push(cloud, sandboxes, till);
    const core = till.core;
    core.shifts.open({ userId: 'demo-manager', terminalId: CASHIER.terminalId, managerId: 'demo-manager', approverId: null }, { totalFen: 50_000 });

    const unitProducts = core.db.prepare("SELECT id FROM products WHERE sold_by = 'unit' AND active = 1 AND price_fen > 0 ORDER BY id LIMIT 30").all() as { id: number }[];
    const weighed = core.db.prepare("SELECT id FROM products WHERE sold_by = 'weight' AND active = 1 AND price_fen > 0 ORDER BY id LIMIT 5").all() as { id: number }[];
    expect(unitProducts.length).toBeGreaterThan(10);
    expect(weighed.length).toBeGreaterThan(0);
    const prng = new Prng(20261124);
    const pick = <T,>(xs: T[]) => xs[prng.int(0, xs.length - 1)]!;

    /** A cart through the real cart service, checked out into an order. */
    const ring = (actor: typeof CASHIER, options: { discounts: boolean; deliveryFeeFen?: number }) => {
      core.carts.clear(actor);
      const lines = prng.int(1, 4);
      let view;
      for (let i = 0; i < lines; i++) {
        view = prng.next() < 0.25 ? core.carts.addProduct(actor, pick(weighed).id, prng.int(80, 2500)) : core.carts.addProduct(actor, pick(unitProducts).id, prng.int(1, 4));
        if (options.discounts && prng.next() < 0.3) core.carts.setLineDiscount(actor, view.lines.at(-1)!.lineId, { kind: 'percent', bp: prng.int(1, 20) * 100 }, approval);
      }
      if (options.discounts && prng.next() < 0.3) core.carts.setOrderDiscount(actor, { kind: 'amount', fen: prng.int(1, 300) }, approval);
      if (options.discounts && prng.next() < 0.2) core.carts.setCoupon(actor, { code: `C${prng.int(100, 999)}`, fen: prng.int(50, 500) }, approval);
      const cart = core.carts.load(actor.terminalId);
      core.carts.clear(actor);
      const fee = options.deliveryFeeFen ?? 0;
      return core.orders.checkout(actor, cart, fee > 0 ? { delivery: { type: 'delivery', address: '人民路 1 号', feeFen: fee } } : {}).order;
    };
    const qr = async (orderId: string, tender: 'wechat' | 'alipay', amountFen?: number) => {
      const payment = core.payments.startMerchantQr(CASHIER, orderId, tender, amountFen);
      const row = await until(() => core.payments.store.get(payment.id)!, (r) => r.state === 'pending');
      expect((tender === 'wechat' ? sandboxes.wechat.scanAndPay(row.out_trade_no!) : sandboxes.alipay.scanAndPay(row.out_trade_no!)).ok).toBe(true);
      expect((await core.payments.settled(payment.id)).state).toBe('succeeded');
    };

    // Real time: provider sales and a provider refund.
    const wechatOrder = ring(CASHIER, { discounts: true });
    await qr(wechatOrder.id, 'wechat');
    const alipayOrder = ring(MANAGER, { discounts: false, deliveryFeeFen: 800 });
    await qr(alipayOrder.id, 'alipay');
    const split = ring(CASHIER, { discounts: false });
    const cashPart = Math.max(1, Math.floor(split.total_fen / 3));
    core.orders.payCash(CASHIER, split.id, cashPart + 1000, cashPart);
    await qr(split.id, 'wechat');
    expect(core.orders.get(split.id).order.state).toBe('completed');
    const [providerRefund] = core.refunds.requestRefund(CASHIER, { orderId: wechatOrder.id, amountFen: Math.min(120, wechatOrder.total_fen), reason: '退货', approverId: 'demo-manager' });
    expect((await core.refunds.settled(providerRefund!.id)).state).toBe('succeeded');

    // Then cash over the hours (only the till and the cloud see the moved clock from here on).
    const cashOrders: { id: string; total: number }[] = [];
    const cashDay = async (count: number) => {
      for (let i = 0; i < count; i++) {
        clock.advance(prng.int(1, 40) * 60_000);
        const actor = prng.next() < 0.7 ? CASHIER : MANAGER;
        const order = ring(actor, { discounts: true, deliveryFeeFen: prng.next() < 0.15 ? 500 : 0 });
        const roll = prng.next();
        if (roll < 0.1) {
          core.orders.cancel(actor, order.id, '顾客不要了', 'demo-manager');
          continue;
        }
        if (order.total_fen > 0) core.orders.payCash(actor, order.id, Math.ceil((order.total_fen + 1) / 1000) * 1000);
        else core.orders.payCash(actor, order.id, 0);
        cashOrders.push({ id: order.id, total: order.total_fen });
        if (roll > 0.85 && cashOrders.length > 1) {
          const target = pick(cashOrders);
          const left = target.total - core.orders.get(target.id).order.refunded_fen;
          if (left > 0) core.refunds.requestRefund(actor, { orderId: target.id, amountFen: prng.int(1, left), reason: '退货', approverId: 'demo-manager' });
        }
      }
    };
    await cashDay(25);
    // The next business day: more sales, and refunds of the first day's orders.
    clock.advance(24 * 3_600_000);
    const firstDay = [...cashOrders];
    await cashDay(8);
    for (const target of firstDay.slice(0, 4)) {
      const left = target.total - core.orders.get(target.id).order.refunded_fen;
      if (left > 0) core.refunds.requestRefund(CASHIER, { orderId: target.id, amountFen: Math.max(1, Math.floor(left / 2)), reason: '隔日退货', approverId: 'demo-manager' });
    }
    await until(
      () => core.db.prepare("SELECT count(*) AS n FROM refunds WHERE state <> 'succeeded'").get() as { n: number },
      (r) => r.n === 0,
    );

    // Sync everything.
    const owner = await till.login('owner', PINS.owner);
    await till.ok<SyncEnrolmentDto>('sync.enrol', { cloudUrl: cloud.baseUrl, code: await cloud.enrolmentCode('S001') }, owner);
    for (let i = 0; i < 20; i++) {
      const outcome = await core.sync.runOnce();
      if (outcome.kind === 'idle') break;
      expect(outcome.kind).toBe('sent');
    }
    expect(core.db.prepare('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL').get()).toEqual({ n: 0 });

    const days = (core.db.prepare('SELECT business_date AS d FROM orders UNION SELECT business_date FROM refunds ORDER BY 1').all() as { d: string }[]).map((r) => r.d);
    expect(days.length).toBeGreaterThanOrEqual(2);
    const refundDays = core.db.prepare("SELECT count(*) AS n FROM refunds r JOIN orders o ON o.id = r.order_id WHERE r.business_date <> o.business_date AND r.state = 'succeeded'").get() as {
      n: number;
    };
    expect(refundDays.n).toBeGreaterThan(0); // refunds counted on a later day than their sale
    for (const day of days) {
      const till = buildDayReport(core.db, { storeId: core.identity().storeId, businessDate: day, timeZone: 'Asia/Shanghai', dayStartHour: 0, now: core.nowIso() });
      const response = await cloud.app.inject({ method: 'GET', url: `/v1/admin/stores/S001/days/${day}`, headers: { authorization: `Bearer ${cloud.adminToken}` } });
      expect(response.statusCode).toBe(200);
      const head = response.json() as CloudDayReport;
      expect(head.businessDate).toBe(day);
      expect(head.timeZone).toBe('Asia/Shanghai');
      expect(head.totals).toEqual(till.totals);
      expect(head.tenders).toEqual(till.tenders);
      expect(head.hours).toEqual(till.hours);
      expect(head.topProducts).toEqual(till.topProducts);
      expect(head.cashiers).toEqual(till.cashiers.map(({ cashierName: _name, ...rest }) => rest));
    }
    const first = buildDayReport(core.db, { storeId: core.identity().storeId, businessDate: days[0]!, timeZone: 'Asia/Shanghai', dayStartHour: 0, now: core.nowIso() });
    // The day is not trivial: three tenders, several hours, discounts, weighed goods, refunds.
    expect(first.tenders.every((t) => t.takenFen > 0)).toBe(true);
    expect(first.hours.length).toBeGreaterThan(2);
    expect(first.totals.refundsFen).toBeGreaterThan(0);

    // Bad input: an unknown store, an impossible date, no admin token.
    const auth = { authorization: `Bearer ${cloud.adminToken}` };
    expect((await cloud.app.inject({ method: 'GET', url: `/v1/admin/stores/NOPE/days/${days[0]}`, headers: auth })).statusCode).toBe(404);
    expect((await cloud.app.inject({ method: 'GET', url: '/v1/admin/stores/S001/days/2026-02-30', headers: auth })).statusCode).toBe(400);
    expect((await cloud.app.inject({ method: 'GET', url: `/v1/admin/stores/S001/days/${days[0]}` })).statusCode).toBe(401);
  }, 120_000);
});
