import { afterEach, describe, expect, it } from 'vitest';
import { startTestCore, PINS, type TestCore } from '../support/core';
import type { CartView } from '../../electron/checkout/cart';
import type { CashPaymentDto, OrderDto, OrderSummaryDto } from '../../electron/api/dto';

let current: TestCore | undefined;
afterEach(async () => {
  await current?.cleanup();
  current = undefined;
});

async function start(): Promise<TestCore> {
  current = await startTestCore();
  return current;
}

function unitBarcodes(t: TestCore, n: number): { barcode: string; priceFen: number }[] {
  return t.core.db
    .prepare(
      `SELECT b.barcode, p.price_fen AS priceFen FROM product_barcodes b JOIN products p ON p.id = b.product_id
       WHERE p.sold_by = 'unit' AND p.active = 1 AND p.price_fen > 0 ORDER BY p.id LIMIT ?`,
    )
    .all(n) as { barcode: string; priceFen: number }[];
}

describe('sessions', () => {
  it('logs in with a PIN and rejects a wrong one with the attempts left', async () => {
    const t = await start();
    const wrong = await t.call('session.login', { username: 'cashier', pin: '0000' });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) {
      expect(wrong.error.code).toBe('WRONG_PIN');
      expect(wrong.error.message.zh).toContain('还可尝试 4 次');
      expect(wrong.error.message.en).toContain('4 attempts left');
    }
    const token = await t.login('cashier', PINS.cashier);
    const session = await t.ok<{ user: { role: string }; businessDate: string }>('session.current', {}, token);
    expect(session.user.role).toBe('cashier');
    expect(session.businessDate).toBe('2026-11-23');
  });

  it('locks a user after repeated wrong PINs, keeps the lock across a restart, and unlocks after the lockout', async () => {
    let t = await start();
    for (let i = 0; i < 4; i++) expect((await t.call('session.login', { username: 'cashier', pin: '0000' })).ok).toBe(false);
    const fifth = await t.call('session.login', { username: 'cashier', pin: '0000' });
    expect(!fifth.ok && fifth.error.code).toBe('USER_LOCKED');
    const rightPinWhileLocked = await t.call('session.login', { username: 'cashier', pin: PINS.cashier });
    expect(!rightPinWhileLocked.ok && rightPinWhileLocked.error.code).toBe('USER_LOCKED');
    t = await t.reopen();
    current = t;
    const afterRestart = await t.call('session.login', { username: 'cashier', pin: PINS.cashier });
    expect(!afterRestart.ok && afterRestart.error.code).toBe('USER_LOCKED');
    t.clock.advance(5 * 60_000 + 1);
    expect(await t.login('cashier', PINS.cashier)).toBeTruthy();
    const audit = await t.ok<{ action: string }[]>('audit.list', { action: 'user.locked' }, await t.login('manager', PINS.manager));
    expect(audit).toHaveLength(1);
  });

  it('answers an unknown user exactly like a wrong PIN', async () => {
    const t = await start();
    const response = await t.call('session.login', { username: 'nobody', pin: '1234' });
    expect(!response.ok && response.error.code).toBe('WRONG_PIN');
  });

  it('refuses calls without a session, with an unknown token, after idle expiry, and with the wrong role', async () => {
    const t = await start();
    expect(await t.call('cart.get', {})).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
    expect(await t.call('cart.get', {}, 'forged-token')).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
    const token = await t.login('cashier', PINS.cashier);
    expect(await t.call('users.list', {}, token)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await t.call('settings.set', { key: 'checkout.roundingRule', value: 'drop_jiao' }, token)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    t.clock.advance(13 * 3_600_000);
    expect(await t.call('cart.get', {}, token)).toMatchObject({ ok: false, error: { code: 'SESSION_EXPIRED' } });
  });

  it('disabling a user ends their session at the next call', async () => {
    const t = await start();
    const cashier = await t.login('cashier', PINS.cashier);
    const manager = await t.login('manager', PINS.manager);
    await t.ok('users.setActive', { userId: 'demo-cashier', active: false }, manager);
    expect(await t.call('cart.get', {}, cashier)).toMatchObject({ ok: false, error: { code: 'SESSION_EXPIRED' } });
    expect(await t.call('session.login', { username: 'cashier', pin: PINS.cashier })).toMatchObject({ ok: false, error: { code: 'USER_INACTIVE' } });
  });

  it('does not let a manager create an owner', async () => {
    const t = await start();
    const manager = await t.login('manager', PINS.manager);
    const response = await t.call('users.create', { username: 'boss2', displayName: 'Boss', role: 'owner', pin: '4321' }, manager);
    expect(response).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const created = await t.ok<{ username: string }>('users.create', { username: 'xiaoli', displayName: '小李', role: 'cashier', pin: '4321' }, manager);
    expect(created.username).toBe('xiaoli');
    expect(await t.login('xiaoli', '4321')).toBeTruthy();
  });
});

describe('typed errors for bad input', () => {
  it('reports unknown methods and invalid input in both languages', async () => {
    const t = await start();
    const token = await t.login('cashier', PINS.cashier);
    const unknown = await t.call('order.explode', {}, token);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    const negative = await t.call('cart.setQuantity', { lineId: 'L1', quantity: -3 }, token);
    expect(negative).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    if (!negative.ok) {
      expect(negative.error.message.zh).toMatch(/^输入无效/);
      expect(negative.error.message.en).toMatch(/^Invalid input: quantity/);
    }
    const huge = await t.call('cart.scan', { code: 'x'.repeat(10_000) }, token);
    expect(huge).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const unknownBarcode = await t.call('cart.scan', { code: '6900000000000' }, token);
    expect(unknownBarcode.ok).toBe(false);
    const extra = await t.call('order.payCash', { orderId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', tenderedFen: 100, hack: true }, token);
    expect(extra).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const float = await t.call('order.payCash', { orderId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', tenderedFen: 10.5 }, token);
    expect(float).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const missing = await t.call('order.get', { orderId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }, token);
    expect(missing).toMatchObject({ ok: false, error: { code: 'ORDER_NOT_FOUND' } });
  });
});

describe('cart and discounts', () => {
  it('scans, merges repeated scans, edits quantity and removes lines', async () => {
    const t = await start();
    const token = await t.login('cashier', PINS.cashier);
    const [a, b] = unitBarcodes(t, 2);
    await t.ok('cart.scan', { code: a!.barcode }, token);
    await t.ok('cart.scan', { code: b!.barcode }, token);
    let cart = await t.ok<CartView>('cart.scan', { code: a!.barcode }, token);
    expect(cart.lines).toHaveLength(2);
    expect(cart.lines[1]!.quantity).toBe(2); // merged and moved to the bottom
    expect(cart.totals.subtotalFen).toBe(2 * a!.priceFen + b!.priceFen);
    cart = await t.ok<CartView>('cart.setQuantity', { lineId: cart.lines[0]!.lineId, quantity: 3 }, token);
    expect(cart.totals.subtotalFen).toBe(2 * a!.priceFen + 3 * b!.priceFen);
    cart = await t.ok<CartView>('cart.removeLine', { lineId: cart.lines[0]!.lineId }, token);
    expect(cart.lines).toHaveLength(1);
    const tooMany = await t.call('cart.setQuantity', { lineId: cart.lines[0]!.lineId, quantity: 10_000 }, token);
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'QUANTITY_INVALID' } });
  });

  it('keeps the cart across a restart', async () => {
    let t = await start();
    let token = await t.login('cashier', PINS.cashier);
    const [a] = unitBarcodes(t, 1);
    await t.ok('cart.scan', { code: a!.barcode }, token);
    t = await t.reopen();
    current = t;
    token = await t.login('cashier', PINS.cashier);
    const cart = await t.ok<CartView>('cart.get', {}, token);
    expect(cart.lines).toHaveLength(1);
  });

  it('needs a manager PIN for a discount above the cap, refuses a cashier as approver, and audits the approval', async () => {
    const t = await start();
    const token = await t.login('cashier', PINS.cashier);
    const [a] = unitBarcodes(t, 1);
    await t.ok('cart.scan', { code: a!.barcode }, token);
    // Cap is 10 % by default: 5 % passes, 30 % needs a manager.
    const small = await t.ok<CartView>('cart.setOrderDiscount', { discount: { kind: 'percent', bp: 500 } }, token);
    expect(small.totals.orderDiscountFen).toBeGreaterThan(0);
    const before = await t.ok<CartView>('cart.get', {}, token);
    const big = await t.call('cart.setOrderDiscount', { discount: { kind: 'percent', bp: 3000 } }, token);
    expect(big).toMatchObject({ ok: false, error: { code: 'APPROVAL_REQUIRED' } });
    expect(await t.ok<CartView>('cart.get', {}, token)).toEqual(before); // nothing half-applied
    const byCashier = await t.call('cart.setOrderDiscount', { discount: { kind: 'percent', bp: 3000 }, approval: { username: 'cashier', pin: PINS.cashier } }, token);
    expect(byCashier).toMatchObject({ ok: false, error: { code: 'APPROVAL_INVALID' } });
    const wrongPin = await t.call('cart.setOrderDiscount', { discount: { kind: 'percent', bp: 3000 }, approval: { username: 'manager', pin: '0000' } }, token);
    expect(wrongPin).toMatchObject({ ok: false, error: { code: 'APPROVAL_INVALID' } });
    const approved = await t.ok<CartView>('cart.setOrderDiscount', { discount: { kind: 'percent', bp: 3000 }, approval: { username: 'manager', pin: PINS.manager } }, token);
    expect(approved.approvedBy).toBe('demo-manager');
    expect(approved.needsApproval).toBe(false);
    const order = await t.ok<OrderDto>('order.create', {}, token);
    expect(order.price.discountApprovedBy).toBe('demo-manager');
    const audit = t.core.db.prepare("SELECT * FROM audit_log WHERE action = 'discount.over_cap'").all() as { approver_id: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]!.approver_id).toBe('demo-manager');
  });

  it('always needs a manager to override a price', async () => {
    const t = await start();
    const token = await t.login('cashier', PINS.cashier);
    const [a] = unitBarcodes(t, 1);
    const cart = await t.ok<CartView>('cart.scan', { code: a!.barcode }, token);
    const lineId = cart.lines[0]!.lineId;
    expect(await t.call('cart.overridePrice', { lineId, unitPriceFen: 1 }, token)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const overridden = await t.ok<CartView>('cart.overridePrice', { lineId, unitPriceFen: 1, approval: { username: 'manager', pin: PINS.manager } }, token);
    expect(overridden.lines[0]!.unitPriceFen).toBe(1);
    expect(t.core.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'cart.price_override'").get()).toEqual({ n: 1 });
  });
});

describe('orders', () => {
  async function ringUp(t: TestCore, token: string, n = 2): Promise<OrderDto> {
    for (const { barcode } of unitBarcodes(t, n)) await t.ok('cart.scan', { code: barcode }, token);
    return t.ok<OrderDto>('order.create', {}, token);
  }

  it('creates an order from the cart, empties the cart, and pays it in cash with change', async () => {
    const t = await start();
    const token = await t.login('cashier', PINS.cashier);
    const order = await ringUp(t, token);
    expect(order.state).toBe('pending_payment');
    expect(order.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(order.orderNo).toBe('S001-T01-20261123-0001');
    expect((await t.ok<CartView>('cart.get', {}, token)).lines).toHaveLength(0);
    expect(order.lines.reduce((sum, line) => sum + line.netFen, 0)).toBe(order.totalFen);
    const short = await t.call('order.payCash', { orderId: order.id, tenderedFen: order.totalFen - 1 }, token);
    expect(short).toMatchObject({ ok: false, error: { code: 'PAYMENT_INSUFFICIENT' } });
    const tendered = Math.ceil((order.totalFen + 1) / 10_000) * 10_000; // next 100-yuan note
    const paid = await t.ok<CashPaymentDto>('order.payCash', { orderId: order.id, tenderedFen: tendered }, token);
    expect(paid.changeFen).toBe(tendered - order.totalFen);
    expect(paid.order.state).toBe('completed');
    expect(paid.order.paidFen).toBe(order.totalFen);
    expect(paid.order.payments).toHaveLength(1);
    const outbox = t.core.db.prepare('SELECT kind, aggregate_version FROM outbox WHERE aggregate_id = ? ORDER BY id').all(order.id);
    expect(outbox).toEqual([
      { kind: 'order', aggregate_version: 2 },
      { kind: 'order', aggregate_version: 3 },
    ]);
    const again = await t.call('order.payCash', { orderId: order.id, tenderedFen: tendered }, token);
    expect(again).toMatchObject({ ok: false, error: { code: 'ILLEGAL_TRANSITION' } });
    expect(t.core.db.prepare('SELECT count(*) AS n FROM payments WHERE order_id = ?').get(order.id)).toEqual({ n: 1 });
  });

  it('takes split cash tenders and settles only when they cover the total', async () => {
    const t = await start();
    const token = await t.login('cashier', PINS.cashier);
    const order = await ringUp(t, token, 3);
    const first = await t.ok<CashPaymentDto>('order.payCash', { orderId: order.id, tenderedFen: 100, amountFen: 100 }, token);
    expect(first.order.state).toBe('pending_payment');
    expect(first.order.dueFen).toBe(order.totalFen - 100);
    const over = await t.call('order.payCash', { orderId: order.id, tenderedFen: order.totalFen, amountFen: order.totalFen }, token);
    expect(over).toMatchObject({ ok: false, error: { code: 'PAYMENT_EXCEEDS_DUE' } });
    const rest = await t.ok<CashPaymentDto>('order.payCash', { orderId: order.id, tenderedFen: order.totalFen }, token);
    expect(rest.order.state).toBe('completed');
    expect(rest.changeFen).toBe(100);
    expect(rest.order.payments.map((p) => p.amountFen)).toEqual([100, order.totalFen - 100]);
  });

  it('cancels an unpaid order, refuses to cancel a completed one, and needs a manager when cash was taken', async () => {
    const t = await start();
    const token = await t.login('cashier', PINS.cashier);
    const unpaid = await ringUp(t, token);
    const cancelled = await t.ok<OrderDto>('order.cancel', { orderId: unpaid.id, reason: '顾客不要了' }, token);
    expect(cancelled.state).toBe('cancelled');
    expect(t.core.db.prepare("SELECT count(*) AS n FROM outbox WHERE aggregate_id = ?").get(unpaid.id)).toEqual({ n: 1 });

    const paid = await ringUp(t, token);
    await t.ok('order.payCash', { orderId: paid.id, tenderedFen: paid.totalFen }, token);
    expect(await t.call('order.cancel', { orderId: paid.id, reason: 'x' }, token)).toMatchObject({ ok: false, error: { code: 'ILLEGAL_TRANSITION' } });

    const part = await ringUp(t, token);
    await t.ok('order.payCash', { orderId: part.id, tenderedFen: 50, amountFen: 50 }, token);
    expect(await t.call('order.cancel', { orderId: part.id, reason: 'x' }, token)).toMatchObject({ ok: false, error: { code: 'APPROVAL_REQUIRED' } });
    const withApproval = await t.ok<OrderDto>('order.cancel', { orderId: part.id, reason: '找零', approval: { username: 'manager', pin: PINS.manager } }, token);
    expect(withApproval.state).toBe('cancelled');
    expect(withApproval.refundedFen).toBe(50);
    expect(withApproval.refunds).toHaveLength(1);
  });

  it('numbers orders gaplessly per terminal and business day, cancelled ones included', async () => {
    const t = await start();
    const token = await t.login('cashier', PINS.cashier);
    const numbers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const order = await ringUp(t, token, 1);
      numbers.push(order.orderNo);
      if (i % 2 === 0) await t.ok('order.cancel', { orderId: order.id, reason: 'test' }, token);
    }
    expect(numbers.map((n) => n.slice(-4))).toEqual(['0001', '0002', '0003', '0004', '0005']);
    t.clock.advance(24 * 3_600_000);
    const tomorrow = await ringUp(t, await t.login('cashier', PINS.cashier), 1);
    expect(tomorrow.orderNo).toBe('S001-T01-20261124-0001');
    const listed = await t.ok<OrderSummaryDto[]>('order.listByDay', { date: '2026-11-23' }, await t.login('cashier', PINS.cashier));
    expect(listed).toHaveLength(5);
    expect(await t.ok<OrderSummaryDto[]>('order.listByDay', {}, await t.login('cashier', PINS.cashier))).toHaveLength(1);
  });

  it('writes nothing when a step inside the payment transaction fails', async () => {
    const t = await start();
    const token = await t.login('cashier', PINS.cashier);
    const order = await ringUp(t, token);
    // Make the final state change fail after the payment row was inserted.
    t.core.db.exec("CREATE TRIGGER fail_completion BEFORE UPDATE OF state ON orders WHEN NEW.state = 'completed' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;");
    const response = await t.call('order.payCash', { orderId: order.id, tenderedFen: order.totalFen }, token);
    expect(response.ok).toBe(false);
    const row = t.core.db.prepare('SELECT state, paid_fen, version FROM orders WHERE id = ?').get(order.id);
    expect(row).toEqual({ state: 'pending_payment', paid_fen: 0, version: 1 });
    expect(t.core.db.prepare('SELECT count(*) AS n FROM payments').get()).toEqual({ n: 0 });
    expect(t.core.db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
  });

  it('lets only one of two writers move an order (conditional UPDATE)', async () => {
    const t = await start();
    const token = await t.login('cashier', PINS.cashier);
    const order = await ringUp(t, token);
    const first = t.core.orders.transition.bind(t.core.orders);
    t.core.db.transaction(() => first(order.id, 'pending_payment', 'cancelled'))();
    expect(() => t.core.db.transaction(() => first(order.id, 'pending_payment', 'paid'))()).toThrowError(/changed elsewhere/);
  });

  it('keeps the audit log append-only', async () => {
    const t = await start();
    await t.login('cashier', PINS.cashier);
    expect(() => t.core.db.prepare('DELETE FROM audit_log').run()).toThrow(/AUDIT_LOG_APPEND_ONLY/);
    expect(() => t.core.db.prepare("UPDATE audit_log SET action = 'x'").run()).toThrow(/AUDIT_LOG_APPEND_ONLY/);
  });
});
