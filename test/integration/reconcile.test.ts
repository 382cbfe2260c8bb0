import { afterEach, describe, expect, it } from 'vitest';
import { startTestCore, PINS, type TestCore, type TestClock } from '../support/core';
import { startDemoSandboxes, type DemoSandboxes } from '../../electron/sandbox/demo';
import { compressedTiming } from '../../electron/payments/attempts/timing';
import { billsAvailableFrom } from '../../electron/reports/reconcile';
import { listOutboxFor } from '../../db/stores/outbox';
import type { OrderDto, PaymentDto, RefundDto, ReconciliationDto, ReconciliationIssueDto } from '../../electron/api/dto';

/**
 * Reconciliation (对账) through the real core, the real clients and both protocol sandboxes on
 * loopback. The sandboxes and the clients run on the real clock (trades are made "today", China
 * time); bills exist from 10:00 the next day, so before reconciling, the core's clock — and only
 * the core's — is moved to the next morning, as a manager would run it at T+1.
 */
let offset = 0;
const clock: TestClock = { now: () => Date.now() + offset, advance: (ms) => (offset += ms), set: (ms) => (offset = ms - Date.now()) };
const timing = compressedTiming(50);

let t: TestCore | undefined;
let sandboxes: DemoSandboxes | undefined;
afterEach(async () => {
  await t?.cleanup();
  await sandboxes?.close();
  t = undefined;
  sandboxes = undefined;
  offset = 0;
});

const chinaDate = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

async function start() {
  offset = 0;
  t = await startTestCore({ clock, extra: { paymentTiming: timing } });
  sandboxes = await startDemoSandboxes(t.core.providers, {
    wechat: { refundProcessingMs: 0, billAvailability: 'immediate', notify: { enabled: false } },
    alipay: { billAvailability: 'immediate', notify: { enabled: false } },
  });
  const core = t.core;
  const terminalId = core.identity().terminalId;
  if (!core.shifts.current(terminalId)) {
    const manager = core.db.prepare("SELECT id FROM users WHERE username = 'manager'").get() as { id: string };
    core.shifts.open({ userId: manager.id, terminalId, managerId: manager.id, approverId: null }, { totalFen: 0 });
  }
  return { t, sb: sandboxes, cashier: await t.login('cashier', PINS.cashier), day: chinaDate(Date.now()) };
}

let barcodeCursor = 0;
async function ringUp(tc: TestCore, token: string): Promise<OrderDto> {
  const rows = tc.core.db
    .prepare("SELECT b.barcode FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE p.sold_by = 'unit' AND p.active = 1 AND p.price_fen > 0 ORDER BY p.id LIMIT 2 OFFSET ?")
    .all(barcodeCursor++ % 40) as { barcode: string }[];
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

/** A QR sale paid by the customer through the sandbox, settled locally. */
async function qrSale(tc: TestCore, sb: DemoSandboxes, token: string, tender: 'wechat' | 'alipay') {
  const order = await ringUp(tc, token);
  const payment = await tc.ok<PaymentDto>('payment.startQr', { orderId: order.id, tender }, token);
  await until(() => tc.ok<PaymentDto>('payment.get', { paymentId: payment.id }, token), (p) => p.state === 'pending');
  expect((tender === 'wechat' ? sb.wechat.scanAndPay(payment.outTradeNo!) : sb.alipay.scanAndPay(payment.outTradeNo!)).ok).toBe(true);
  expect((await tc.core.payments.settled(payment.id)).state).toBe('succeeded');
  return { order, payment, outTradeNo: payment.outTradeNo! };
}

async function refund(tc: TestCore, token: string, orderId: string, amountFen: number): Promise<RefundDto> {
  const [created] = await tc.ok<RefundDto[]>('refund.create', { orderId, amountFen, reason: 'customer returned it', approval: { username: 'manager', pin: PINS.manager } }, token);
  return created!;
}

/** The manager runs the reconciliation the next morning (core clock at D+1 10:01 China time). */
async function nextMorning(tc: TestCore, day: string): Promise<string> {
  offset = billsAvailableFrom(day) + 60_000 - Date.now();
  return tc.login('manager', PINS.manager);
}

const brief = (issues: ReconciliationIssueDto[]) =>
  issues
    .map((i) => ({ provider: i.provider, kind: i.kind, outTradeNo: i.outTradeNo, outRefundNo: i.outRefundNo, action: i.suggestedAction, repairable: i.repairable }))
    .sort((a, b) => `${a.provider}${a.kind}${a.outTradeNo}`.localeCompare(`${b.provider}${b.kind}${b.outTradeNo}`));

describe('reconciliation against the sandboxes’ trade bills', () => {
  it('a clean day matches with no issues; the run is kept and read back; cashiers and an early run are refused', async () => {
    const { t, sb, cashier, day } = await start();
    const w1 = await qrSale(t, sb, cashier, 'wechat');
    const w2 = await qrSale(t, sb, cashier, 'wechat');
    const a1 = await qrSale(t, sb, cashier, 'alipay');
    const wr = await refund(t, cashier, w2.order.id, 100);
    const ar = await refund(t, cashier, a1.order.id, 50);
    expect((await t.core.refunds.settled(wr.id)).state).toBe('succeeded');
    expect((await t.core.refunds.settled(ar.id)).state).toBe('succeeded');

    // Today's bills do not exist yet (T+1): refused with a typed bilingual error.
    const early = await t.call('reconcile.run', { date: day }, await t.login('manager', PINS.manager));
    expect(early).toMatchObject({ ok: false, error: { code: 'RECONCILIATION_TOO_EARLY' } });
    if (!early.ok) expect(early.error.message.zh).toContain('T+1');

    const manager = await nextMorning(t, day);
    expect(await t.call('reconcile.run', { date: day }, await t.login('cashier', PINS.cashier))).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await t.ok('reconcile.get', { date: day }, manager)).toBeNull();
    const run = await t.ok<ReconciliationDto>('reconcile.run', { date: day }, manager);
    expect(run.issues).toEqual([]);
    const wechat = run.providers.find((p) => p.provider === 'wechat')!;
    const alipay = run.providers.find((p) => p.provider === 'alipay')!;
    expect(wechat).toMatchObject({ status: 'matched', billRows: 3, matchedRows: 3, billRefundsFen: 100, error: null });
    expect(wechat.billPaymentsFen).toBe(w1.order.totalFen + w2.order.totalFen);
    expect(alipay).toMatchObject({ status: 'matched', billRows: 2, matchedRows: 2, billPaymentsFen: a1.order.totalFen, billRefundsFen: 50 });
    expect(run).toMatchObject({ storeId: t.core.identity().storeId, businessDate: day });
    expect(await t.ok('reconcile.get', { date: day }, manager)).toEqual(run);
    expect(t.core.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'reconciliation.run'").get()).toEqual({ n: 1 });
  });

  it('reports a dropped line, a foreign line, an amount mismatch and refunds missing on each side, each once', async () => {
    const { t, sb, cashier, day } = await start();
    const dropped = await qrSale(t, sb, cashier, 'wechat');
    const altered = await qrSale(t, sb, cashier, 'wechat');
    const refundAltered = await qrSale(t, sb, cashier, 'wechat');
    const clean = await qrSale(t, sb, cashier, 'alipay');
    const alipayDropped = await qrSale(t, sb, cashier, 'alipay');
    const refundDropped = await qrSale(t, sb, cashier, 'alipay');
    const r1 = await refund(t, cashier, refundAltered.order.id, 200);
    const r2 = await refund(t, cashier, refundDropped.order.id, 300);
    await t.core.refunds.settled(r1.id);
    await t.core.refunds.settled(r2.id);
    // A refund the provider made while the till never heard back (the till went down mid-refund).
    const unconfirmed = await qrSale(t, sb, cashier, 'wechat');
    sb.wechat.configure({ refundProcessingMs: 800 });
    const r3 = await refund(t, cashier, unconfirmed.order.id, 150);
    await until(() => t.core.db.prepare('SELECT state FROM refunds WHERE id = ?').get(r3.id) as { state: string }, (r) => r.state === 'pending');
    await t.core.refunds.stop();
    await until(() => (sb.wechat.settle(), sb.wechat.refunds().find((r) => r.outRefundNo === r3.outRefundNo)?.status), (s) => s === 'SUCCESS');
    expect((t.core.db.prepare('SELECT state FROM refunds WHERE id = ?').get(r3.id) as { state: string }).state).toBe('pending');

    sb.wechat.injectBillFault({ kind: 'drop-line', outTradeNo: dropped.outTradeNo });
    sb.wechat.injectBillFault({ kind: 'alter-amount', outTradeNo: altered.outTradeNo, amountFen: altered.order.totalFen + 1 });
    sb.wechat.injectBillFault({ kind: 'alter-amount', outTradeNo: refundAltered.outTradeNo, line: 'refund', amountFen: 199 });
    sb.wechat.injectBillFault({ kind: 'add-foreign-payment', billDate: day, outTradeNo: 'POS2-000123', amountFen: 4_321 });
    sb.alipay.injectBillFault({ kind: 'drop-line', outTradeNo: alipayDropped.outTradeNo });
    sb.alipay.injectBillFault({ kind: 'drop-line', outTradeNo: refundDropped.outTradeNo, line: 'refund' });
    const ourLost = 'T01KQ3Z5Y8W0000000000000000';
    sb.alipay.injectBillFault({ kind: 'add-foreign-payment', billDate: day, outTradeNo: ourLost, amountFen: 990 });

    const manager = await nextMorning(t, day);
    const run = await t.ok<ReconciliationDto>('reconcile.run', { date: day }, manager);
    const r3Row = t.core.db.prepare('SELECT out_refund_no FROM refunds WHERE id = ?').get(r3.id) as { out_refund_no: string };
    expect(brief(run.issues)).toEqual(
      brief([
        { provider: 'wechat', kind: 'missing_at_provider', outTradeNo: dropped.outTradeNo, outRefundNo: null, suggestedAction: 'query_provider', repairable: false },
        { provider: 'wechat', kind: 'amount_mismatch', outTradeNo: altered.outTradeNo, outRefundNo: null, suggestedAction: 'investigate', repairable: false },
        { provider: 'wechat', kind: 'refund_amount_mismatch', outTradeNo: refundAltered.outTradeNo, outRefundNo: r1.outRefundNo, suggestedAction: 'investigate', repairable: false },
        { provider: 'wechat', kind: 'missing_locally', outTradeNo: 'POS2-000123', outRefundNo: null, suggestedAction: 'investigate', repairable: false },
        { provider: 'wechat', kind: 'refund_missing_locally', outTradeNo: unconfirmed.outTradeNo, outRefundNo: r3Row.out_refund_no, suggestedAction: 'query_refund', repairable: false },
        { provider: 'alipay', kind: 'missing_at_provider', outTradeNo: alipayDropped.outTradeNo, outRefundNo: null, suggestedAction: 'query_provider', repairable: false },
        { provider: 'alipay', kind: 'refund_missing_at_provider', outTradeNo: refundDropped.outTradeNo, outRefundNo: r2.outRefundNo, suggestedAction: 'query_refund', repairable: false },
        { provider: 'alipay', kind: 'missing_locally', outTradeNo: ourLost, outRefundNo: null, suggestedAction: 'refund_customer', repairable: false },
      ] as unknown as ReconciliationIssueDto[]),
    );
    const byKind = (provider: string, kind: string) => run.issues.find((i) => i.provider === provider && i.kind === kind)!;
    expect(byKind('wechat', 'amount_mismatch')).toMatchObject({ localFen: altered.order.totalFen, providerFen: altered.order.totalFen + 1, orderId: altered.order.id, orderNo: altered.order.orderNo });
    expect(byKind('wechat', 'refund_amount_mismatch')).toMatchObject({ localFen: 200, providerFen: 199 });
    expect(byKind('wechat', 'missing_locally')).toMatchObject({ localFen: null, providerFen: 4_321, orderId: null });
    expect(byKind('wechat', 'missing_at_provider')).toMatchObject({ localFen: dropped.order.totalFen, providerFen: null, orderId: dropped.order.id });
    const wechat = run.providers.find((p) => p.provider === 'wechat')!;
    // Bill rows: dropped gone; altered, refundAltered (+ its refund), unconfirmed (+ its refund), foreign.
    expect(wechat).toMatchObject({ status: 'mismatches', billRows: 6, matchedRows: 2 });
    expect(run.providers.find((p) => p.provider === 'alipay')).toMatchObject({ status: 'mismatches', billRows: 3, matchedRows: 2 });
    expect(clean.outTradeNo).toBeTruthy();

    // A non-repairable issue cannot be "repaired".
    const refused = await t.call('reconcile.repair', { issueId: byKind('wechat', 'missing_at_provider').id, approval: { username: 'manager', pin: PINS.manager } }, manager);
    expect(refused).toMatchObject({ ok: false, error: { code: 'RECONCILIATION_NOT_REPAIRABLE' } });
    if (!refused.ok) expect(refused.error.message.zh).toMatch(/不能自动修复/);
  });

  it('a payment the provider took after the till gave up is repaired with a manager PIN: order paid, audited, once', async () => {
    const { t, sb, cashier, day } = await start();
    // The customer is still on the password screen when the cashier cancels; the till confirms the
    // close, and the payment completes at the provider afterwards, its notification lost.
    const lateOrders: { order: OrderDto; payment: PaymentDto }[] = [];
    for (let i = 0; i < 2; i += 1) {
      const order = await ringUp(t, cashier);
      const payment = await t.ok<PaymentDto>('payment.startQr', { orderId: order.id, tender: 'wechat' }, cashier);
      await until(() => t.ok<PaymentDto>('payment.get', { paymentId: payment.id }, cashier), (p) => p.state === 'pending');
      sb.wechat.scanAndPay(payment.outTradeNo!, { completesDespiteClose: true, delayMs: 2_500 });
      await t.ok('payment.cancel', { paymentId: payment.id }, cashier);
      expect((await t.core.payments.settled(payment.id)).state).toBe('closed');
      lateOrders.push({ order, payment });
    }
    const [kept, cancelled] = lateOrders as [(typeof lateOrders)[0], (typeof lateOrders)[0]];
    await t.ok('order.cancel', { orderId: cancelled.order.id, reason: 'customer left' }, cashier);
    for (const { payment } of lateOrders) {
      await until(() => sb.wechat.trade(payment.outTradeNo!)?.state, (s) => s === 'SUCCESS', 10_000);
    }
    expect((await t.ok<OrderDto>('order.get', { orderId: kept.order.id }, cashier)).state).toBe('pending_payment');

    const manager = await nextMorning(t, day);
    const run = await t.ok<ReconciliationDto>('reconcile.run', { date: day }, manager);
    expect(brief(run.issues)).toEqual(
      brief(
        lateOrders.map(({ payment }) => ({ provider: 'wechat', kind: 'not_paid_locally', outTradeNo: payment.outTradeNo, outRefundNo: null, suggestedAction: 'repair', repairable: true })) as unknown as ReconciliationIssueDto[],
      ),
    );
    const issueOf = (paymentId: string) => run.issues.find((i) => i.outTradeNo === lateOrders.find((l) => l.payment.id === paymentId)!.payment.outTradeNo)!;
    const keptIssue = issueOf(kept.payment.id);

    // Refused without a PIN (schema), with a wrong PIN, by a cashier's approval and for a cashier.
    expect(await t.call('reconcile.repair', { issueId: keptIssue.id }, manager)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await t.call('reconcile.repair', { issueId: keptIssue.id, approval: { username: 'manager', pin: '0000' } }, manager)).toMatchObject({ ok: false, error: { code: 'APPROVAL_INVALID' } });
    expect(await t.call('reconcile.repair', { issueId: keptIssue.id, approval: { username: 'cashier', pin: PINS.cashier } }, manager)).toMatchObject({ ok: false, error: { code: 'APPROVAL_INVALID' } });
    expect(await t.call('reconcile.repair', { issueId: keptIssue.id, approval: { username: 'manager', pin: PINS.manager } }, await t.login('cashier', PINS.cashier))).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect((t.core.db.prepare('SELECT state FROM payments WHERE id = ?').get(kept.payment.id) as { state: string }).state).toBe('closed');

    const outboxBefore = listOutboxFor(t.core.db, kept.order.id).length;
    const repaired = await t.ok<ReconciliationIssueDto>('reconcile.repair', { issueId: keptIssue.id, approval: { username: 'manager', pin: PINS.manager } }, manager);
    const managerId = (t.core.db.prepare("SELECT id FROM users WHERE username = 'manager'").get() as { id: string }).id;
    expect(repaired).toMatchObject({ id: keptIssue.id, repairable: true, repairedBy: managerId });
    expect(repaired.repairedAt).toBeTruthy();
    const order = await t.ok<OrderDto>('order.get', { orderId: kept.order.id }, manager);
    expect(['paid', 'completed']).toContain(order.state);
    expect(order.paidFen).toBe(kept.order.totalFen);
    expect(listOutboxFor(t.core.db, kept.order.id).length).toBeGreaterThan(outboxBefore);
    const audit = t.core.db.prepare("SELECT user_id, approver_id, target, details FROM audit_log WHERE action = 'reconciliation.repair'").all() as {
      user_id: string;
      approver_id: string;
      target: string;
      details: string;
    }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ user_id: managerId, approver_id: managerId, target: kept.payment.outTradeNo });
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ outcome: 'applied', amountFen: kept.order.totalFen });

    // Twice: refused, nothing applied again.
    expect(await t.call('reconcile.repair', { issueId: keptIssue.id, approval: { username: 'manager', pin: PINS.manager } }, manager)).toMatchObject({
      ok: false,
      error: { code: 'RECONCILIATION_ALREADY_REPAIRED' },
    });
    expect((await t.ok<OrderDto>('order.get', { orderId: kept.order.id }, manager)).paidFen).toBe(kept.order.totalFen);

    // The cancelled order cannot take the money: the repair refunds it automatically, as a late success would.
    const cancelledIssue = issueOf(cancelled.payment.id);
    const second = await t.ok<ReconciliationIssueDto>('reconcile.repair', { issueId: cancelledIssue.id, approval: { username: 'manager', pin: PINS.manager } }, manager);
    expect(second.repairedAt).toBeTruthy();
    const detail = await until(
      () => t.ok<OrderDto & { refunds: RefundDto[] }>('order.get', { orderId: cancelled.order.id }, manager),
      (o) => o.refunds.some((r) => r.automatic && r.state === 'succeeded'),
    );
    expect(detail.state).toBe('cancelled');
    expect(detail.refunds.find((r) => r.automatic)!.amountFen).toBe(cancelled.order.totalFen);
    expect(t.core.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'payment.late_success_refund'").get()).toEqual({ n: 1 });

    // Reconciled again: the repaired payments and the automatic refund now match.
    const again = await t.ok<ReconciliationDto>('reconcile.run', { date: day }, manager);
    expect(again.issues).toEqual([]);
    expect(again.runId).toBeGreaterThan(run.runId);
    // The earlier run keeps its issues, marked repaired.
    const first = t.core.db.prepare('SELECT count(*) AS n FROM reconciliation_issues WHERE run_id = ? AND repaired_at IS NOT NULL').get(run.runId);
    expect(first).toEqual({ n: 2 });
  });

  it('an empty day (NO_STATEMENT_EXIST), an unconfigured provider, a failed download and a bill still being generated', async () => {
    const { t, sb, cashier, day } = await start();
    await qrSale(t, sb, cashier, 'alipay');
    const manager = await nextMorning(t, day);
    const quiet = new Date(Date.parse(`${day}T00:00:00Z`) - 5 * 86_400_000).toISOString().slice(0, 10);
    const empty = await t.ok<ReconciliationDto>('reconcile.run', { date: quiet }, manager);
    expect(empty.issues).toEqual([]);
    expect(empty.providers.map((p) => [p.provider, p.status, p.billRows])).toEqual([
      ['wechat', 'empty', 0],
      ['alipay', 'empty', 0],
    ]);

    // WeChat's bill endpoint fails: WeChat 'failed' with a typed bilingual error, Alipay still reconciled.
    sb.wechat.injectFault({ op: 'tradebill', kind: 'system-error-500', applied: false, times: 10 });
    const failed = await t.ok<ReconciliationDto>('reconcile.run', { date: day }, manager);
    sb.wechat.clearFaults();
    const wf = failed.providers.find((p) => p.provider === 'wechat')!;
    expect(wf.status).toBe('failed');
    expect(wf.error?.code).toBe('RECONCILIATION_BILL_FAILED');
    expect(wf.error?.message.zh).toContain('微信支付');
    expect(wf.error?.message.en).toContain('WeChat Pay');
    expect(failed.providers.find((p) => p.provider === 'alipay')).toMatchObject({ status: 'matched', billRows: 1, matchedRows: 1 });

    // Before the provider's cut-off WeChat answers STATEMENT_CREATING (the sandbox's clock is still "today").
    sb.wechat.configure({ billAvailability: 'next-day-10am' });
    const creating = await t.ok<ReconciliationDto>('reconcile.run', { date: day }, manager);
    expect(creating.providers.find((p) => p.provider === 'wechat')).toMatchObject({ status: 'failed', error: { code: 'RECONCILIATION_BILL_NOT_READY' } });

    // No Alipay set up: 'unconfigured', WeChat reconciled alone.
    t.core.providers.set('alipay', undefined);
    sb.wechat.configure({ billAvailability: 'immediate' });
    const single = await t.ok<ReconciliationDto>('reconcile.run', { date: day }, manager);
    expect(single.providers.map((p) => [p.provider, p.status])).toEqual([
      ['wechat', 'empty'],
      ['alipay', 'unconfigured'],
    ]);
    expect(single.issues).toEqual([]);
    // The latest run is what the day report shows.
    expect((await t.ok<ReconciliationDto>('reconcile.get', { date: day }, manager)).runId).toBe(single.runId);
  });
});
