import { afterEach, describe, expect, it } from 'vitest';
import { startTestCore, PINS, type TestCore, type TestClock } from '../support/core';
import { startDemoSandboxes, type DemoSandboxes } from '../../electron/sandbox/demo';
import { compressedTiming } from '../../electron/payments/attempts/timing';
import type { DayReportDto, OrderDto, PaymentDto, RefundDto } from '../../electron/api/dto';

/**
 * report.day through the real core and the protocol-faithful sandboxes: a cash sale with change, a
 * WeChat Pay Native QR paid by the sandbox's customer, an Alipay QR, a refund, a cancelled order;
 * the 日结 totals are checked against expectations worked out by hand from the orders, and the
 * method is refused to a cashier.
 */

let t: TestCore | undefined;
let sandboxes: DemoSandboxes | undefined;
afterEach(async () => {
  await t?.cleanup();
  await sandboxes?.close();
  t = undefined;
  sandboxes = undefined;
});

interface Product {
  id: number;
  barcode: string;
  priceFen: number;
  sku: string;
}

function products(tc: TestCore, n: number): Product[] {
  return tc.core.db
    .prepare(
      `SELECT p.id, b.barcode, p.price_fen AS priceFen, p.sku FROM products p JOIN product_barcodes b ON b.product_id = p.id
        WHERE p.sold_by = 'unit' AND p.active = 1 AND p.price_fen > 0 GROUP BY p.id ORDER BY p.id LIMIT ?`,
    )
    .all(n) as Product[];
}

const approval = { username: 'manager', pin: PINS.manager };

describe('report.day (日结) through the API', () => {
  it('cash with change, WeChat QR, Alipay QR, a refund and a cancelled order add up by hand; cashiers are refused', async () => {
    const realClock: TestClock = { now: () => Date.now(), advance: () => {}, set: () => {} };
    t = await startTestCore({ clock: realClock, shift: false, extra: { paymentTiming: compressedTiming(50) } });
    sandboxes = await startDemoSandboxes(t.core.providers, {
      wechat: { userPayingMs: 300, reverseMinAgeMs: 0, refundProcessingMs: 0, notify: { enabled: false } },
      alipay: { userPayingMs: 300, notify: { enabled: false } },
    });
    const tc = t;
    const sb = sandboxes;
    // A sale needs an open drawer: the manager opens this till's shift with a 200-yuan float.
    const managerId = (tc.core.db.prepare("SELECT id FROM users WHERE username = 'manager'").get() as { id: string }).id;
    const terminalId = tc.core.identity().terminalId;
    tc.core.shifts.open({ userId: managerId, terminalId, managerId, approverId: null }, { totalFen: 20_000 });
    const token = await tc.login('cashier', PINS.cashier);
    const catalog = products(tc, 6);
    const [a, b, c, d, e, f] = catalog as [Product, Product, Product, Product, Product, Product];

    const ring = async (items: Product[]) => {
      for (const item of items) await tc.ok('cart.scan', { code: item.barcode }, token);
      return tc.ok<OrderDto>('order.create', {}, token);
    };
    const qr = async (order: OrderDto, tender: 'wechat' | 'alipay') => {
      const payment = await tc.ok<PaymentDto>('payment.startQr', { orderId: order.id, tender }, token);
      for (let i = 0; i < 500 && (await tc.ok<PaymentDto>('payment.get', { paymentId: payment.id }, token)).state !== 'pending'; i++) await new Promise((r) => setTimeout(r, 10));
      const paidAtProvider = tender === 'wechat' ? sb.wechat.scanAndPay(payment.outTradeNo!) : sb.alipay.scanAndPay(payment.outTradeNo!);
      expect(paidAtProvider.ok).toBe(true);
      await tc.core.payments.settled(payment.id);
      return tc.ok<OrderDto>('order.get', { orderId: order.id }, token);
    };

    // 1. Cash: two of a, one of b; the customer hands over 10 yuan more than due.
    const cashOrder = await ring([a, a, b]);
    const cash = await tc.ok<{ order: OrderDto; changeFen: number }>('order.payCash', { orderId: cashOrder.id, tenderedFen: cashOrder.totalFen + 1000 }, token);
    expect(cash.changeFen).toBe(1000);
    // 2. WeChat Pay Native QR, paid by the sandbox's customer.
    const wechatOrder = await qr(await ring([c]), 'wechat');
    // 3. Alipay QR.
    const alipayOrder = await qr(await ring([d, e]), 'alipay');
    for (const order of [cash.order, wechatOrder, alipayOrder]) expect(['paid', 'completed']).toContain(order.state);
    // 4. Cancelled before payment: not a sale.
    const cancelled = await ring([f, f, f]);
    expect((await tc.ok<OrderDto>('order.cancel', { orderId: cancelled.id, reason: '顾客不要了', approval }, token)).state).toBe('cancelled');
    // 5. A refund of 1.50 yuan on the WeChat order (manager approval), settled at the sandbox.
    const [refund] = await tc.ok<RefundDto[]>('refund.create', { orderId: wechatOrder.id, amountFen: 150, reason: '退货', approval }, token);
    expect((await tc.core.refunds.settled(refund!.id)).state).toBe('succeeded');

    const manager = await tc.login('manager', PINS.manager);
    const report = await tc.ok<DayReportDto>('report.day', {}, manager);
    expect(await tc.ok<DayReportDto>('report.day', { date: cash.order.businessDate }, manager)).toMatchObject({ totals: report.totals });

    // By hand: list prices of what was rung up; the orders' own discounts/rounding (demo rounding rule).
    const sales = [cash.order, wechatOrder, alipayOrder];
    const gross = 2 * a.priceFen + b.priceFen + c.priceFen + d.priceFen + e.priceFen;
    const rounding = sales.reduce((s, o) => s + o.price.roundingFen, 0);
    const salesFen = cash.order.totalFen + wechatOrder.totalFen + alipayOrder.totalFen;
    expect(salesFen).toBe(gross - rounding);
    expect(report.businessDate).toBe(cash.order.businessDate);
    expect(report.timeZone).toBe('Asia/Shanghai');
    expect(report.totals).toEqual({
      grossFen: gross,
      lineDiscountsFen: 0,
      orderDiscountsFen: 0,
      couponsFen: 0,
      roundingFen: rounding,
      deliveryFeesFen: 0,
      salesFen,
      taxFen: sales.reduce((s, o) => s + o.price.taxFen, 0),
      refundsFen: 150,
      automaticRefundsFen: 0,
      netFen: salesFen - 150,
      orderCount: 3,
      refundCount: 1,
      averageTicketFen: Math.floor(salesFen / 3),
      itemsSold: 6,
    });
    expect(report.tenders).toEqual([
      { tender: 'cash', takenFen: cash.order.totalFen, paymentCount: 1, refundedFen: 0, refundCount: 0, netFen: cash.order.totalFen },
      { tender: 'wechat', takenFen: wechatOrder.totalFen, paymentCount: 1, refundedFen: 150, refundCount: 1, netFen: wechatOrder.totalFen - 150 },
      { tender: 'alipay', takenFen: alipayOrder.totalFen, paymentCount: 1, refundedFen: 0, refundCount: 0, netFen: alipayOrder.totalFen },
    ]);
    const cashierId = tc.core.db.prepare("SELECT id FROM users WHERE username = 'cashier'").get() as { id: string };
    expect(report.cashiers).toEqual([{ cashierId: cashierId.id, cashierName: expect.any(String), orderCount: 3, salesFen, refundsFen: 150 }]);
    const hourOf = (iso: string) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', hourCycle: 'h23' }).format(new Date(iso)));
    const hours = new Map<number, { orderCount: number; salesFen: number }>();
    for (const o of sales) {
      const h = hours.get(hourOf(o.paidAt!)) ?? { orderCount: 0, salesFen: 0 };
      hours.set(hourOf(o.paidAt!), { orderCount: h.orderCount + 1, salesFen: h.salesFen + o.totalFen });
    }
    expect(report.hours).toEqual([...hours.entries()].sort(([x], [y]) => x - y).map(([hour, v]) => ({ hour, ...v })));
    expect(report.topProducts.find((p) => p.sku === a.sku)).toMatchObject({ quantity: 2, soldBy: 'unit' });
    expect(report.topProducts.find((p) => p.sku === f.sku)).toBeUndefined(); // only on the cancelled order
    expect(report.topProducts.reduce((s, p) => s + p.netFen, 0)).toBe(salesFen);
    expect(report.unfinishedPayments).toEqual([]);
    // The drawer: float + what the customer handed over − change (the shifts module's figures, listed here).
    expect(report.shifts).toHaveLength(1);
    expect(report.shifts[0]).toMatchObject({ terminalId, state: 'open', openingFloatFen: 20_000, cashTakenFen: cash.order.totalFen + 1000, changeGivenFen: 1000 });
    expect(report.shifts[0]!.expectedFen).toBe(20_000 + cash.order.totalFen);
    expect(report.reconciliation).toBeNull();
    // Not enrolled with a cloud: every sold or cancelled order of the day is still waiting to sync.
    expect(report.unsyncedOrders.map((o) => o.orderId).sort()).toEqual([cash.order.id, wechatOrder.id, alipayOrder.id, cancelled.id].sort());
    expect(report.unsyncedOrders.every((o) => !o.dead)).toBe(true);

    // Roles: a cashier may not read the 日结; bad input is a typed validation error.
    expect(await tc.call('report.day', {}, token)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await tc.call('report.day', { date: '2026/11/23' }, manager)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    // Another day is empty.
    const empty = await tc.ok<DayReportDto>('report.day', { date: '2001-01-01' }, manager);
    expect(empty.totals.orderCount).toBe(0);
    expect(empty.tenders.map((x) => x.takenFen)).toEqual([0, 0, 0]);
  });
});
