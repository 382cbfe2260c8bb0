import { afterEach, describe, expect, it } from 'vitest';
import { startTestCore, PINS, type TestCore, type TestClock } from '../support/core';
import { registerSandboxClients, startDemoSandboxes, type DemoSandboxes } from '../../electron/sandbox/demo';
import { compressedTiming } from '../../electron/payments/attempts/timing';
import { authCodeWithSuffix as wechatCode } from '../../electron/sandbox/wechatpay';
import { authCodeWithSuffix as alipayCode } from '../../electron/sandbox/alipay';
import type { OrderDto, PaymentDto, RefundDto } from '../../electron/api/dto';
import type { PaymentProgress } from '../../electron/payments/attempts/engine';

/**
 * The real attempt engine, the real clients and both protocol sandboxes on loopback, with the
 * providers' schedule compressed 50×. Wall clock is real: the sandboxes' timers and ours agree.
 */
const realClock: TestClock = { now: () => Date.now(), advance: () => {}, set: () => {} };
const timing = compressedTiming(50);

let t: TestCore | undefined;
let sandboxes: DemoSandboxes | undefined;
afterEach(async () => {
  await t?.cleanup();
  await sandboxes?.close();
  t = undefined;
  sandboxes = undefined;
});

async function start(): Promise<{ t: TestCore; sb: DemoSandboxes; token: string; progress: PaymentProgress[] }> {
  t = await startTestCore({ clock: realClock, extra: { paymentTiming: timing } });
  sandboxes = await startDemoSandboxes(t.core.providers, {
    wechat: { userPayingMs: 300, reverseMinAgeMs: 0, refundProcessingMs: 100, notify: { enabled: false } },
    alipay: { userPayingMs: 300, notify: { enabled: false } },
  });
  const progress: PaymentProgress[] = [];
  t.core.events.on('payment.progress', (p) => progress.push(p));
  return { t, sb: sandboxes, token: await t.login('cashier', PINS.cashier), progress };
}

async function ringUp(tc: TestCore, token: string, n = 2): Promise<OrderDto> {
  const rows = tc.core.db
    .prepare("SELECT b.barcode FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE p.sold_by = 'unit' AND p.active = 1 AND p.price_fen > 0 ORDER BY p.id LIMIT ?")
    .all(n) as { barcode: string }[];
  for (const { barcode } of rows) await tc.ok('cart.scan', { code: barcode }, token);
  return tc.ok<OrderDto>('order.create', {}, token);
}

async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const order = (tc: TestCore, token: string, id: string) => tc.ok<OrderDto>('order.get', { orderId: id }, token);

describe('merchant QR', () => {
  for (const tender of ['wechat', 'alipay'] as const) {
    it(`${tender}: shows the provider's code, and completes the order when the customer pays`, async () => {
      const { t, sb, token, progress } = await start();
      const created = await ringUp(t, token);
      const payment = await t.ok<PaymentDto>('payment.startQr', { orderId: created.id, tender }, token);
      expect(payment.state).toBe('created');
      expect((await order(t, token, created.id)).state).toBe('paying');
      const waiting = await until(() => t.ok<PaymentDto>('payment.get', { paymentId: payment.id }, token), (p) => p.state === 'pending');
      expect(waiting.codeUrl).toMatch(tender === 'wechat' ? /^weixin:\/\/wxpay\/bizpayurl\?pr=/ : /^https:\/\/qr\.alipay\.com\//);
      expect(progress.some((p) => p.stage === 'waiting_for_scan' && p.codeUrl === waiting.codeUrl)).toBe(true);
      const paidAt = tender === 'wechat' ? sb.wechat.scanAndPay(payment.outTradeNo!) : sb.alipay.scanAndPay(payment.outTradeNo!);
      expect(paidAt).toBeTruthy();
      const final = await t.core.payments.settled(payment.id);
      expect(final.state).toBe('succeeded');
      expect(final.provider_trade_no).toBeTruthy();
      const done = await order(t, token, created.id);
      expect(done.state).toBe('completed');
      expect(done.paidFen).toBe(created.totalFen);
      expect(progress.at(-1)?.stage).toBe('paid');
    });
  }

  it('cancelled by the cashier: closed at the provider, and the order takes cash instead', async () => {
    const { t, sb, token } = await start();
    const created = await ringUp(t, token);
    const payment = await t.ok<PaymentDto>('payment.startQr', { orderId: created.id, tender: 'wechat' }, token);
    await until(() => t.ok<PaymentDto>('payment.get', { paymentId: payment.id }, token), (p) => p.state === 'pending');
    const cancelled = await t.ok<PaymentDto>('payment.cancel', { paymentId: payment.id }, token);
    expect(cancelled.state).toBe('closing');
    expect((await order(t, token, created.id)).state).toBe('pending_payment');
    expect((await t.core.payments.settled(payment.id)).state).toBe('closed');
    expect(sb.wechat.trade(payment.outTradeNo!)?.state).toBe('CLOSED');
    const cash = await t.ok<{ order: OrderDto }>('order.payCash', { orderId: created.id, tenderedFen: created.totalFen }, token);
    expect(cash.order.state).toBe('completed');
  });

  it('paid after close: the late success is refunded automatically, never dropped', async () => {
    const { t, sb, token } = await start();
    const created = await ringUp(t, token);
    const payment = await t.ok<PaymentDto>('payment.startQr', { orderId: created.id, tender: 'wechat' }, token);
    await until(() => t.ok<PaymentDto>('payment.get', { paymentId: payment.id }, token), (p) => p.state === 'pending');
    // The customer is on the password screen when the cashier gives up and takes cash.
    sb.wechat.scanAndPay(payment.outTradeNo!, { completesDespiteClose: true, delayMs: 50 });
    await t.ok('payment.cancel', { paymentId: payment.id }, token);
    await t.ok('order.payCash', { orderId: created.id, tenderedFen: created.totalFen }, token);
    const final = await t.core.payments.settled(payment.id);
    expect(final.state).toBe('succeeded');
    const detail = await until(() => order(t, token, created.id), (o) => o.refunds.some((r) => r.state === 'succeeded'));
    const refund = detail.refunds.find((r) => r.automatic)!;
    expect(refund.amountFen).toBe(created.totalFen);
    expect(refund.paymentId).toBe(payment.id);
    expect(t.core.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'payment.late_success_refund'").get()).toEqual({ n: 1 });
    // Money in: one cash tender + one QR; money out: the QR refunded. Net = the order total, once.
    const net = detail.payments.filter((p) => p.state === 'succeeded').reduce((s, p) => s + p.amountFen, 0) - detail.refunds.filter((r) => r.state === 'succeeded').reduce((s, r) => s + r.amountFen, 0);
    expect(net).toBe(created.totalFen);
  });
});

describe('customer payment code', () => {
  it('refuses a code that belongs to no provider before any network call', async () => {
    const { t, token } = await start();
    const created = await ringUp(t, token);
    for (const code of ['6901234567892', '621234567890123456', '13456', 'abcdefghijklmnopqr']) {
      const response = await t.call('payment.scanCode', { orderId: created.id, code }, token);
      expect(response).toMatchObject({ ok: false, error: { code: 'PAYMENT_CODE_INVALID' } });
    }
    expect(t.core.db.prepare('SELECT count(*) AS n FROM payments').get()).toEqual({ n: 0 });
    expect((await order(t, token, created.id)).state).toBe('pending_payment');
  });

  it('wechat USERPAYING then success: waits for the password, then completes', async () => {
    const { t, token, progress } = await start();
    const created = await ringUp(t, token);
    const payment = await t.ok<PaymentDto>('payment.scanCode', { orderId: created.id, code: wechatCode('02') }, token);
    expect(payment.authCodeTail).toHaveLength(4);
    expect((await t.core.payments.settled(payment.id)).state).toBe('succeeded');
    expect(progress.some((p) => p.paymentId === payment.id && p.stage === 'customer_paying')).toBe(true);
    expect((await order(t, token, created.id)).state).toBe('completed');
  });

  it('alipay 10003 then success', async () => {
    const { t, token } = await start();
    const created = await ringUp(t, token);
    const payment = await t.ok<PaymentDto>('payment.scanCode', { orderId: created.id, code: alipayCode('02') }, token);
    expect(payment.tender).toBe('alipay');
    expect((await t.core.payments.settled(payment.id)).state).toBe('succeeded');
    expect((await order(t, token, created.id)).state).toBe('completed');
  });

  for (const [tender, code] of [
    ['wechat', () => wechatCode('04')],
    ['alipay', () => alipayCode('04')],
  ] as const) {
    it(`${tender}: a customer who never confirms is reversed after the query window`, async () => {
      const { t, sb, token } = await start();
      const created = await ringUp(t, token);
      const payment = await t.ok<PaymentDto>('payment.scanCode', { orderId: created.id, code: code() }, token);
      const final = await t.core.payments.settled(payment.id);
      expect(['reversed', 'closed']).toContain(final.state);
      const remote = tender === 'wechat' ? sb.wechat.trade(payment.outTradeNo!)?.state : sb.alipay.trade(payment.outTradeNo!)?.state;
      expect(['REVOKED', 'TRADE_CLOSED', 'CLOSED']).toContain(remote);
      expect((await order(t, token, created.id)).state).toBe('pending_payment');
    });
  }

  it('wechat SYSTEM_ERROR although the money was taken: unknown, resolved by query to paid (no second charge)', async () => {
    const { t, sb, token } = await start();
    const created = await ringUp(t, token);
    const payment = await t.ok<PaymentDto>('payment.scanCode', { orderId: created.id, code: wechatCode('05') }, token);
    expect((await t.core.payments.settled(payment.id)).state).toBe('succeeded');
    expect(sb.wechat.trades().filter((trade) => trade.state === 'SUCCESS')).toHaveLength(1);
    expect((await order(t, token, created.id)).state).toBe('completed');
  });

  it('a declined code fails with the provider reason and frees the order', async () => {
    const { t, token, progress } = await start();
    const created = await ringUp(t, token);
    const payment = await t.ok<PaymentDto>('payment.scanCode', { orderId: created.id, code: wechatCode('07') }, token);
    const final = await t.core.payments.settled(payment.id);
    expect(final.state).toBe('failed');
    expect(final.failure_code).toBe('NOTENOUGH');
    expect(progress.find((p) => p.paymentId === payment.id && p.stage === 'failed')?.failure?.code).toBe('NOTENOUGH');
    expect((await order(t, token, created.id)).state).toBe('pending_payment');
  });
});

describe('split tender and one live attempt', () => {
  it('takes part in cash and the rest by QR, and allows only one live attempt', async () => {
    const { t, sb, token } = await start();
    const created = await ringUp(t, token, 3);
    await t.ok('order.payCash', { orderId: created.id, tenderedFen: 1000, amountFen: 500 }, token);
    const qr = await t.ok<PaymentDto>('payment.startQr', { orderId: created.id, tender: 'alipay' }, token);
    expect(qr.amountFen).toBe(created.totalFen - 500);
    const second = await t.call('payment.startQr', { orderId: created.id, tender: 'wechat' }, token);
    expect(second).toMatchObject({ ok: false, error: { code: 'PAYMENT_IN_PROGRESS' } });
    const cashWhilePaying = await t.call('order.payCash', { orderId: created.id, tenderedFen: 100_000 }, token);
    expect(cashWhilePaying).toMatchObject({ ok: false, error: { code: 'PAYMENT_IN_PROGRESS' } });
    await until(() => t.ok<PaymentDto>('payment.get', { paymentId: qr.id }, token), (p) => p.state === 'pending');
    sb.alipay.scanAndPay(qr.outTradeNo!);
    await t.core.payments.settled(qr.id);
    const done = await order(t, token, created.id);
    expect(done.state).toBe('completed');
    expect(done.payments.map((p) => [p.tender, p.amountFen])).toEqual([
      ['cash', 500],
      ['alipay', created.totalFen - 500],
    ]);
  });
});

describe('refunds', () => {
  it('partial then full refund to the original tender, with a manager PIN, never above what was paid', async () => {
    const { t, sb, token } = await start();
    const created = await ringUp(t, token, 3);
    const payment = await t.ok<PaymentDto>('payment.scanCode', { orderId: created.id, code: wechatCode('01') }, token);
    await t.core.payments.settled(payment.id);
    const approval = { username: 'manager', pin: PINS.manager };
    expect(await t.call('refund.create', { orderId: created.id, amountFen: 100, reason: '退货', approval: { username: 'cashier', pin: PINS.cashier } }, token)).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL_INVALID' },
    });
    const [first] = await t.ok<RefundDto[]>('refund.create', { orderId: created.id, amountFen: 100, reason: '退货', approval }, token);
    expect(first!.outRefundNo).toBe(`R${created.orderNo}-1`);
    expect((await t.core.refunds.settled(first!.id)).state).toBe('succeeded');
    expect((await order(t, token, created.id)).state).toBe('partially_refunded');
    const over = await t.call('refund.create', { orderId: created.id, amountFen: created.totalFen, reason: 'too much', approval }, token);
    expect(over).toMatchObject({ ok: false, error: { code: 'REFUND_EXCEEDS_PAID' } });
    const [rest] = await t.ok<RefundDto[]>('refund.create', { orderId: created.id, amountFen: created.totalFen - 100, reason: '整单退', approval }, token);
    expect((await t.core.refunds.settled(rest!.id)).state).toBe('succeeded');
    const done = await order(t, token, created.id);
    expect(done.state).toBe('refunded');
    expect(done.refundedFen).toBe(created.totalFen);
    expect(sb.wechat.refunds().filter((r) => r.outTradeNo === payment.outTradeNo).map((r) => r.refundFen).sort((a, b) => a - b)).toEqual([100, created.totalFen - 100].sort((a, b) => a - b));
    expect(t.core.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'refund.requested'").get()).toEqual({ n: 2 });
  });

  it('the database refuses a refund row above the payment even if the code were wrong', async () => {
    const { t, token } = await start();
    const created = await ringUp(t, token);
    const paid = await t.ok<{ order: OrderDto }>('order.payCash', { orderId: created.id, tenderedFen: created.totalFen }, token);
    const paymentId = paid.order.payments[0]!.id;
    const insert = () =>
      t.core.db
        .prepare(
          "INSERT INTO refunds (id, order_id, payment_id, out_refund_no, amount_fen, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'created', 'x', 'x')",
        )
        .run(`X${Math.random()}`, created.id, paymentId, `X${Math.random()}`, created.totalFen + 1);
    expect(insert).toThrow(/REFUND_EXCEEDS_PAID/);
  });
});

describe('restart', () => {
  it('resumes an unfinished attempt after the process died, and resolves it by query', async () => {
    const { t: first, sb, token } = await start();
    const created = await ringUp(first, token);
    const payment = await first.ok<PaymentDto>('payment.startQr', { orderId: created.id, tender: 'wechat' }, token);
    await until(() => first.ok<PaymentDto>('payment.get', { paymentId: payment.id }, token), (p) => p.state === 'pending');
    // Kill the engine without letting it finish, pay at the provider while the till is down, restart.
    await first.core.payments.stop();
    sb.wechat.scanAndPay(payment.outTradeNo!);
    const second = await first.reopen();
    t = second;
    registerSandboxClients(second.core.providers, sb);
    const final = await second.core.payments.settled(payment.id);
    expect(final.state).toBe('succeeded');
    const token2 = await second.login('cashier', PINS.cashier);
    expect((await order(second, token2, created.id)).state).toBe('completed');
  });
});
