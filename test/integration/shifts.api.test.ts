import { afterEach, describe, expect, it } from 'vitest';
import { startTestCore, PINS, type TestCore } from '../support/core';
import type { OrderDto, ShiftCashDto, ShiftDto, ShiftReportDto, StatusDto } from '../../electron/api/dto';
import type { PaymentRow } from '../../db/stores/orders';

/**
 * Shifts and the cash drawer through the dispatcher: who may open, move cash and close; the count
 * by denomination; one open shift per terminal; no sale and no cash refund without an open shift;
 * orders, payments and refunds stamped with the shift (refunds also with their business day);
 * expected cash and the difference at close; the X report; the audit trail.
 */

let t: TestCore | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const approval = { username: 'manager', pin: PINS.manager };

function barcodes(tc: TestCore, n: number): string[] {
  return (
    tc.core.db
      .prepare(
        `SELECT b.barcode FROM products p JOIN product_barcodes b ON b.product_id = p.id
          WHERE p.sold_by = 'unit' AND p.active = 1 AND p.price_fen > 0 GROUP BY p.id ORDER BY p.id LIMIT ?`,
      )
      .all(n) as { barcode: string }[]
  ).map((r) => r.barcode);
}

async function cashSale(tc: TestCore, token: string, tenderedExtraFen: number, codes = barcodes(tc, 2)): Promise<{ order: OrderDto; changeFen: number }> {
  for (const code of codes) await tc.ok('cart.scan', { code }, token);
  const order = await tc.ok<OrderDto>('order.create', {}, token);
  return tc.ok<{ order: OrderDto; changeFen: number }>('order.payCash', { orderId: order.id, tenderedFen: order.totalFen + tenderedExtraFen }, token);
}

const userId = (tc: TestCore, username: string) => (tc.core.db.prepare('SELECT id FROM users WHERE username = ?').get(username) as { id: string }).id;

describe('shifts and the cash drawer', () => {
  it('opens by denomination, refuses sales without a shift, moves cash, closes with the difference, and the next float is its own count', async () => {
    t = await startTestCore({ shift: false });
    const cashier = await t.login('cashier', PINS.cashier);
    const manager = await t.login('manager', PINS.manager);
    const managerId = userId(t, 'manager');

    expect((await t.ok<StatusDto>('status.get', {}, cashier)).shift).toBeNull();
    expect(await t.ok<ShiftDto | null>('shift.current', {}, cashier)).toBeNull();

    // No shift: the sale is refused at checkout, with a bilingual typed error; the cart is kept.
    for (const code of barcodes(t, 1)) await t.ok('cart.scan', { code }, cashier);
    const refused = await t.call('order.create', {}, cashier);
    expect(refused).toMatchObject({ ok: false, error: { code: 'SHIFT_NOT_OPEN' } });
    if (!refused.ok) {
      expect(refused.error.message.zh).toMatch(/开班/);
      expect(refused.error.message.en).toMatch(/shift/i);
    }
    expect((t.core.db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n).toBe(0);
    await t.ok('cart.clear', {}, cashier);

    // Only a manager opens: a cashier needs an approval, and a wrong PIN is refused.
    expect(await t.call('shift.open', { floatFen: 10_000 }, cashier)).toMatchObject({ ok: false, error: { code: 'APPROVAL_REQUIRED' } });
    expect(await t.call('shift.open', { floatFen: 10_000, approval: { username: 'manager', pin: '9999' } }, cashier)).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL_INVALID' },
    });
    expect(await t.call('shift.open', { floatFen: 10_000, approval: { username: 'cashier', pin: PINS.cashier } }, cashier)).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL_INVALID' },
    });
    // Denominations: the total is computed from them; a given total that disagrees is refused; unknown notes too.
    const denominations = { '10000': 2, '1000': 3, '50': 4 };
    expect(await t.call('shift.open', { floatFen: 23_000, denominations }, manager)).toMatchObject({ ok: false, error: { code: 'SHIFT_COUNT_MISMATCH' } });
    expect(await t.call('shift.open', { denominations: { '3000': 1 } }, manager)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await t.call('shift.open', {}, manager)).toMatchObject({ ok: false, error: { code: 'SHIFT_COUNT_INVALID' } });
    expect(await t.call('shift.list', { date: '2026-11-23' }, manager)).toMatchObject({ ok: true, result: [] });

    const opened = await t.ok<ShiftDto>('shift.open', { floatFen: 23_200, denominations }, manager);
    expect(opened).toMatchObject({ state: 'open', openingFloatFen: 23_200, expectedFen: 23_200, openedBy: managerId, businessDate: '2026-11-23', countedFen: null, differenceFen: null });
    expect(JSON.parse((t.core.db.prepare('SELECT opening_count FROM shifts WHERE id = ?').get(opened.shiftId) as { opening_count: string }).opening_count)).toEqual(denominations);
    expect((await t.ok<StatusDto>('status.get', {}, cashier)).shift).toEqual({ id: opened.shiftId, openedAt: opened.openedAt, openedByName: opened.openedByName });

    // One open shift per terminal: the API refuses, and the unique index is the last guard.
    expect(await t.call('shift.open', { floatFen: 0 }, manager)).toMatchObject({ ok: false, error: { code: 'SHIFT_ALREADY_OPEN' } });
    expect(() =>
      t!.core.db
        .prepare("INSERT INTO shifts (id, store_id, terminal_id, business_date, state, opened_by, opened_at, opening_float_fen) VALUES ('X', ?, ?, '2026-11-23', 'open', ?, 'now', 0)")
        .run(t!.core.identity().storeId, t!.core.identity().terminalId, managerId),
    ).toThrow(/UNIQUE/);

    // A cash sale with change: orders and payments carry the shift.
    const sale = await cashSale(t, cashier, 1_234);
    expect(sale.changeFen).toBe(1_234);
    const orderRow = t.core.db.prepare('SELECT shift_id FROM orders WHERE id = ?').get(sale.order.id) as { shift_id: string };
    const paymentRow = t.core.db.prepare('SELECT shift_id, tendered_fen, change_fen FROM payments WHERE order_id = ?').get(sale.order.id) as PaymentRow;
    expect(orderRow.shift_id).toBe(opened.shiftId);
    expect(paymentRow).toMatchObject({ shift_id: opened.shiftId, tendered_fen: sale.order.totalFen + 1_234, change_fen: 1_234 });

    // Cash out by a cashier with a manager's approval (the manager is on record), cash in by the manager.
    expect(await t.call('shift.cashMovement', { kind: 'out', amountFen: 5_000, reason: '存银行' }, cashier)).toMatchObject({ ok: false, error: { code: 'APPROVAL_REQUIRED' } });
    expect(await t.call('shift.cashMovement', { kind: 'out', amountFen: 5_000, reason: '   ', approval }, cashier)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await t.call('shift.cashMovement', { kind: 'out', amountFen: 0, reason: 'x', approval }, cashier)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const afterOut = await t.ok<ShiftDto>('shift.cashMovement', { kind: 'out', amountFen: 5_000, reason: '存银行', approval }, cashier);
    expect(afterOut.movements).toMatchObject([{ kind: 'out', amountFen: 5_000, reason: '存银行', userId: managerId }]);
    t.clock.advance(60_000);
    const afterIn = await t.ok<ShiftDto>('shift.cashMovement', { kind: 'in', amountFen: 1_000, reason: '补零钱' }, manager);
    expect(afterIn.movements.map((m) => m.kind)).toEqual(['out', 'in']);

    // A cash refund (manager approved) is paid out of this drawer, on today's business day.
    const refunds = await t.ok<{ id: string }[]>('refund.create', { orderId: sale.order.id, amountFen: 300, reason: '退货', approval }, cashier);
    const refundRow = t.core.db.prepare('SELECT shift_id, business_date, state FROM refunds WHERE id = ?').get(refunds[0]!.id);
    expect(refundRow).toEqual({ shift_id: opened.shiftId, business_date: '2026-11-23', state: 'succeeded' });

    const expected = 23_200 + (sale.order.totalFen + 1_234) - 1_234 - 300 + 1_000 - 5_000;
    const current = (await t.ok<ShiftDto>('shift.current', {}, cashier))!;
    expect(current).toMatchObject({
      cashTakenFen: sale.order.totalFen + 1_234,
      changeGivenFen: 1_234,
      cashRefundsFen: 300,
      cashInFen: 1_000,
      cashOutFen: 5_000,
      expectedFen: expected,
    });

    // The X report: manager only; defaults to the open shift.
    expect(await t.call('shift.report', {}, cashier)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await t.call('shift.list', { date: '2026-11-23' }, cashier)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const report = await t.ok<ShiftReportDto>('shift.report', {}, manager);
    expect(report.cash.shiftId).toBe(opened.shiftId);
    expect(report.cash.expectedFen).toBe(expected);
    expect(report.sales).toEqual({ salesFen: sale.order.totalFen, orderCount: 1, refundsFen: 300, netFen: sale.order.totalFen - 300 });
    expect(report.tenders.find((x) => x.tender === 'cash')).toEqual({ tender: 'cash', takenFen: sale.order.totalFen, paymentCount: 1, refundedFen: 300, refundCount: 1, netFen: sale.order.totalFen - 300 });
    expect(report.movements).toHaveLength(2);

    // Close: a cashier needs approval; the count is short by 3 yuan.
    expect(await t.call('shift.close', { countedFen: expected - 300 }, cashier)).toMatchObject({ ok: false, error: { code: 'APPROVAL_REQUIRED' } });
    t.clock.advance(60_000);
    const closed = await t.ok<ShiftCashDto>('shift.close', { countedFen: expected - 300, note: '少三元' }, manager);
    expect(closed).toMatchObject({ state: 'closed', expectedFen: expected, countedFen: expected - 300, differenceFen: -300, closedBy: managerId });
    expect(await t.ok<ShiftDto | null>('shift.current', {}, cashier)).toBeNull();
    expect(await t.call('shift.close', { countedFen: 0 }, manager)).toMatchObject({ ok: false, error: { code: 'SHIFT_NOT_OPEN' } });
    expect(await t.call('shift.cashMovement', { kind: 'in', amountFen: 100, reason: 'x' }, manager)).toMatchObject({ ok: false, error: { code: 'SHIFT_NOT_OPEN' } });

    // Closed: no sale and no cash refund (the cash would leave no drawer); the closed report still prints.
    for (const code of barcodes(t, 1)) await t.ok('cart.scan', { code }, cashier);
    expect(await t.call('order.create', {}, cashier)).toMatchObject({ ok: false, error: { code: 'SHIFT_NOT_OPEN' } });
    expect(await t.call('refund.create', { orderId: sale.order.id, amountFen: 100, reason: '退货', approval }, cashier)).toMatchObject({ ok: false, error: { code: 'SHIFT_NOT_OPEN' } });
    expect((await t.ok<ShiftReportDto>('shift.report', { shiftId: opened.shiftId }, manager)).cash).toMatchObject({ state: 'closed', differenceFen: -300 });

    // The next shift's float is its own count, never the previous close.
    const next = await t.ok<ShiftDto>('shift.open', { floatFen: 50_000, approval }, cashier);
    expect(next).toMatchObject({ openingFloatFen: 50_000, expectedFen: 50_000, openedBy: managerId });
    const listed = await t.ok<ShiftCashDto[]>('shift.list', { date: '2026-11-23' }, manager);
    expect(listed.map((s) => [s.shiftId, s.state, s.openingFloatFen, s.differenceFen])).toEqual([
      [opened.shiftId, 'closed', 23_200, -300],
      [next.shiftId, 'open', 50_000, null],
    ]);
    // The refused order was never made: the one pending cart sells in the new shift.
    const secondOrder = await t.ok<OrderDto>('order.create', {}, cashier);
    expect((t.core.db.prepare('SELECT shift_id FROM orders WHERE id = ?').get(secondOrder.id) as { shift_id: string }).shift_id).toBe(next.shiftId);

    // The audit trail: who opened, moved, closed (and who approved), with the difference.
    const audit = t.core.db.prepare("SELECT action, user_id, approver_id, target, details FROM audit_log WHERE action LIKE 'shift.%' ORDER BY id").all() as {
      action: string;
      user_id: string;
      approver_id: string | null;
      target: string;
      details: string;
    }[];
    expect(audit.map((a) => a.action)).toEqual(['shift.opened', 'shift.cash_out', 'shift.cash_in', 'shift.closed', 'shift.opened']);
    expect(audit[1]).toMatchObject({ user_id: userId(t, 'cashier'), approver_id: managerId, target: opened.shiftId });
    expect(audit[2]).toMatchObject({ user_id: managerId, approver_id: null });
    expect(JSON.parse(audit[3]!.details)).toMatchObject({ countedFen: expected - 300, expectedFen: expected, differenceFen: -300, note: '少三元' });
    expect(audit[4]).toMatchObject({ user_id: userId(t, 'cashier'), approver_id: managerId, target: next.shiftId });
    // No outbox row for shifts: the sync worker sends orders only.
    expect((t.core.db.prepare("SELECT count(*) AS n FROM outbox WHERE kind = 'shift'").get() as { n: number }).n).toBe(0);
  });

  it('stamps refunds with the shift and their own business day (store day start), including cancel refunds and automatic refunds', async () => {
    t = await startTestCore({ extra: { paymentsManual: true } });
    let manager = await t.login('manager', PINS.manager);
    await t.ok('settings.set', { key: 'store.businessDayStartHour', value: 4 }, manager);
    const first = t.core.shifts.current(t.core.identity().terminalId)!;

    // 2026-11-24 02:30 Beijing is still the 23rd's business day (day starts at 04:00).
    t.clock.set(Date.parse('2026-11-23T18:30:00.000Z'));
    let cashier = await t.login('cashier', PINS.cashier);
    const sale = await cashSale(t, cashier, 0);
    expect(sale.order.businessDate).toBe('2026-11-23');

    // The next morning, a new shift: the refund counts on the 24th, out of the new drawer.
    t.clock.set(Date.parse('2026-11-24T02:00:00.000Z'));
    cashier = await t.login('cashier', PINS.cashier);
    manager = await t.login('manager', PINS.manager);
    await t.ok('shift.close', { countedFen: 0 }, manager);
    const second = await t.ok<ShiftDto>('shift.open', { floatFen: 0 }, manager);
    expect(second.businessDate).toBe('2026-11-24');
    const [refund] = await t.ok<{ id: string }[]>('refund.create', { orderId: sale.order.id, amountFen: 100, reason: '退货', approval }, cashier);
    expect(t.core.db.prepare('SELECT shift_id, business_date FROM refunds WHERE id = ?').get(refund!.id)).toEqual({ shift_id: second.shiftId, business_date: '2026-11-24' });
    expect((await t.ok<ShiftDto>('shift.current', {}, cashier)).cashRefundsFen).toBe(100);
    // The first shift's frozen expected did not move.
    expect(t.core.shifts.cash(first.id)).toMatchObject({ state: 'closed', cashRefundsFen: 0 });

    // Cancel of a part-paid order (split tender: cash first): the cash handed back is a refund row of this shift.
    for (const code of barcodes(t, 2)) await t.ok('cart.scan', { code }, cashier);
    const part = await t.ok<OrderDto>('order.create', {}, cashier);
    await t.ok('order.payCash', { orderId: part.id, tenderedFen: 100, amountFen: 100 }, cashier);
    await t.ok('order.cancel', { orderId: part.id, reason: '顾客不要了', approval }, cashier);
    expect(t.core.db.prepare('SELECT amount_fen, state, shift_id, business_date FROM refunds WHERE order_id = ?').all(part.id)).toEqual([
      { amount_fen: 100, state: 'succeeded', shift_id: second.shiftId, business_date: '2026-11-24' },
    ]);

    // An automatic refund (a provider success that landed on an order that could not take it) is
    // stamped the same way, with the terminal's open shift.
    const now = t.core.nowIso();
    t.core.db
      .prepare(
        `INSERT INTO payments (id, order_id, tender, method, out_trade_no, amount_fen, change_fen, state, created_at, updated_at, succeeded_at, shift_id)
         VALUES ('P-LATE', ?, 'wechat', 'merchant_qr', 'TLATE000001', 200, 0, 'succeeded', ?, ?, ?, ?)`,
      )
      .run(part.id, now, now, now, second.shiftId);
    const late = t.core.db.prepare("SELECT * FROM payments WHERE id = 'P-LATE'").get() as PaymentRow;
    const automaticId = t.core.refunds.createAutomaticRefund(late, 'paid after the attempt was abandoned');
    expect(t.core.db.prepare('SELECT automatic, shift_id, business_date FROM refunds WHERE id = ?').get(automaticId)).toEqual({ automatic: 1, shift_id: second.shiftId, business_date: '2026-11-24' });
    // A provider refund is not drawer cash.
    expect((await t.ok<ShiftDto>('shift.current', {}, cashier)).cashRefundsFen).toBe(200);
  });
});
