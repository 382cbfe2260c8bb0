import { afterEach, describe, expect, it } from 'vitest';
import { startTestCore, PINS, type TestCore, type TestClock } from '../support/core';
import { startFakePrinter } from '../support/fakePrinter';
import { decodeGb18030 } from '../support/gb18030';
import { startDemoSandboxes, type DemoSandboxes } from '../../electron/sandbox/demo';
import { compressedTiming } from '../../electron/payments/attempts/timing';
import { authCodeWithSuffix as wechatCode } from '../../electron/sandbox/wechatpay';
import type { PaymentProvider } from '../../electron/payments/provider';
import type { OrderDto, OrderSummaryDto, PaymentDto, RefundDto, StatusDto } from '../../electron/api/dto';
import type { RefundProgress } from '../../electron/payments/refunds/refundEngine';

/**
 * Order history (order.listByDay with `q`), refunds from the history screen (refund.create with a
 * manager PIN, cash and QR), reprints, and the status bar's status.get — all through the dispatcher.
 */

let t: TestCore | undefined;
let sandboxes: DemoSandboxes | undefined;
const closers: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  await t?.cleanup();
  await sandboxes?.close();
  for (const close of closers.splice(0)) await close();
  t = undefined;
  sandboxes = undefined;
});

interface Product {
  id: number;
  name: string;
  barcode: string;
  priceFen: number;
  initials: string;
}

function products(tc: TestCore, n: number): Product[] {
  return tc.core.db
    .prepare(
      `SELECT p.id, p.name, b.barcode, p.price_fen AS priceFen, p.pinyin_initials AS initials FROM products p
         JOIN product_barcodes b ON b.product_id = p.id
        WHERE p.sold_by = 'unit' AND p.active = 1 AND p.price_fen > 0 GROUP BY p.id ORDER BY p.id LIMIT ?`,
    )
    .all(n) as Product[];
}

async function cashSale(tc: TestCore, token: string, items: Product[]): Promise<OrderDto> {
  for (const item of items) await tc.ok('cart.scan', { code: item.barcode }, token);
  const order = await tc.ok<OrderDto>('order.create', {}, token);
  return (await tc.ok<{ order: OrderDto }>('order.payCash', { orderId: order.id, tenderedFen: order.totalFen + 500 }, token)).order;
}

const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const numbers = (rows: OrderSummaryDto[]) => rows.map((r) => r.orderNo).sort();
const approval = { username: 'manager', pin: PINS.manager };

describe('order history search (order.listByDay q)', () => {
  it('finds the day’s orders by number, amount in yuan and product; pages; refuses bad input with a typed error', async () => {
    t = await startTestCore();
    let token = await t.login('cashier', PINS.cashier);
    const catalog = products(t, 40);
    // Five orders with distinct single products, so every search has one known answer.
    const picks = [catalog[3]!, catalog[11]!, catalog[19]!, catalog[27]!, catalog[35]!];
    const orders: OrderDto[] = [];
    for (const pick of picks) {
      orders.push(await cashSale(t, token, [pick]));
      t.clock.advance(60_000);
    }
    const list = (input: Record<string, unknown>) => t!.ok<OrderSummaryDto[]>('order.listByDay', input, token);

    expect(numbers(await list({}))).toEqual(numbers(orders as OrderSummaryDto[]));
    // newest first
    expect((await list({}))[0]!.orderNo).toBe(orders[4]!.orderNo);

    // by order number: its sequence digits, its ending, the full number
    const third = orders[2]!;
    expect((await list({ q: String(third.seq) })).map((r) => r.orderNo)).toContain(third.orderNo);
    expect((await list({ q: third.orderNo.slice(-4) })).map((r) => r.orderNo)).toEqual([third.orderNo]);
    expect((await list({ q: third.orderNo })).map((r) => r.orderNo)).toEqual([third.orderNo]);

    // by amount in yuan: exact, and the prefix typed so far
    const second = orders[1]!;
    const exact = await list({ q: yuan(second.totalFen) });
    expect(exact.map((r) => r.orderNo)).toContain(second.orderNo);
    expect(exact.every((r) => r.totalFen === second.totalFen || r.orderNo === second.orderNo || picks.some((p) => p.name.includes(yuan(second.totalFen))))).toBe(true);
    expect((await list({ q: `¥${yuan(second.totalFen)}` })).map((r) => r.orderNo)).toContain(second.orderNo);
    expect((await list({ q: String(Math.floor(second.totalFen / 100)) })).map((r) => r.orderNo)).toContain(second.orderNo);

    // by product: name substring, and pinyin initials
    const fourth = orders[3]!;
    const name = picks[3]!.name;
    expect((await list({ q: name })).map((r) => r.orderNo)).toEqual([fourth.orderNo]);
    const initials = picks[3]!.initials;
    if (/^[a-z]+$/.test(initials)) expect((await list({ q: initials.toUpperCase() })).map((r) => r.orderNo)).toContain(fourth.orderNo);

    // nothing matches; LIKE wildcards are literal
    expect(await list({ q: 'no such thing at all' })).toEqual([]);
    expect(await list({ q: '%' })).toEqual([]);
    expect(await list({ q: '_' })).toEqual([]);
    // an empty or blank query is no filter
    expect(await list({ q: '   ' })).toHaveLength(5);

    // paging: two pages of two and a last page of one, no order twice
    const pages = [await list({ limit: 2, offset: 0 }), await list({ limit: 2, offset: 2 }), await list({ limit: 2, offset: 4 })];
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(numbers(pages.flat())).toEqual(numbers(orders as OrderSummaryDto[]));
    const searchPage = await list({ q: String(Math.floor(orders[0]!.totalFen / 100)), limit: 1, offset: 1 });
    expect(searchPage.length).toBeLessThanOrEqual(1);

    // other days: an empty day, and a full order number still finds yesterday's order today
    expect(await list({ date: '2026-11-22' })).toEqual([]);
    t.clock.advance(24 * 3_600_000);
    token = await t.login('cashier', PINS.cashier); // the next morning's session
    expect(await list({})).toEqual([]);
    expect((await list({ q: third.orderNo })).map((r) => [r.orderNo, r.businessDate])).toEqual([[third.orderNo, third.businessDate]]);
    expect((await list({ q: third.orderNo, offset: 1 })).length).toBe(0);

    // bad input: typed, bilingual
    const long = await t.call('order.listByDay', { q: 'x'.repeat(65) }, token);
    expect(long).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    if (!long.ok) {
      expect(long.error.message.zh).toMatch(/输入无效/);
      expect(long.error.message.en).toMatch(/Invalid input/);
    }
    expect(await t.call('order.listByDay', { q: 12 }, token)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await t.call('order.listByDay', { q: 'x' })).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
  });
});

describe('refunds from the history screen', () => {
  it('cash: refuses a wrong manager PIN and an amount above what is refundable; refunds at once; prints the refund receipt', async () => {
    t = await startTestCore();
    const printer = await startFakePrinter();
    closers.push(() => printer.close());
    const manager = await t.login('manager', PINS.manager);
    await t.ok('settings.set', { key: 'printing.receiptPrinter', value: { kind: 'network', host: '127.0.0.1', port: printer.port, paperWidth: 80 } }, manager);
    const token = await t.login('cashier', PINS.cashier);
    const order = await cashSale(t, token, products(t, 2));

    const wrongPin = await t.call('refund.create', { orderId: order.id, amountFen: 100, reason: '退货', approval: { username: 'manager', pin: '0000' } }, token);
    expect(wrongPin).toMatchObject({ ok: false, error: { code: 'APPROVAL_INVALID' } });
    const cashierApproves = await t.call('refund.create', { orderId: order.id, amountFen: 100, reason: '退货', approval: { username: 'cashier', pin: PINS.cashier } }, token);
    expect(cashierApproves).toMatchObject({ ok: false, error: { code: 'APPROVAL_INVALID' } });
    if (!cashierApproves.ok) expect(cashierApproves.error.message).toEqual({ zh: expect.stringMatching(/店长/), en: expect.stringMatching(/manager/) });
    const tooMuch = await t.call('refund.create', { orderId: order.id, amountFen: order.totalFen + 1, reason: '退货', approval }, token);
    expect(tooMuch).toMatchObject({ ok: false, error: { code: 'REFUND_EXCEEDS_PAID' } });
    if (!tooMuch.ok) expect(tooMuch.error.message.en).toContain(`¥${yuan(order.totalFen)}`);
    expect(await t.call('refund.create', { orderId: order.id, amountFen: 0, reason: '退货', approval }, token)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await t.call('refund.create', { orderId: order.id, amountFen: 100, reason: '  ', approval }, token)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });

    // partial, then the rest: cash refunds are done when they are made
    const [part] = await t.ok<RefundDto[]>('refund.create', { orderId: order.id, amountFen: 150, reason: '少一件', approval }, token);
    expect(part).toMatchObject({ amountFen: 150, state: 'succeeded', outRefundNo: `R${order.orderNo}-1` });
    let detail = await t.ok<OrderDto>('order.get', { orderId: order.id }, token);
    expect(detail).toMatchObject({ state: 'partially_refunded', refundedFen: 150 });
    const rest = order.totalFen - 150;
    expect(await t.call('refund.create', { orderId: order.id, amountFen: rest + 1, reason: '整单退', approval }, token)).toMatchObject({
      ok: false,
      error: { code: 'REFUND_EXCEEDS_PAID' },
    });
    const [full] = await t.ok<RefundDto[]>('refund.create', { orderId: order.id, amountFen: rest, reason: '整单退', approval }, token);
    expect(full!.state).toBe('succeeded');
    detail = await t.ok<OrderDto>('order.get', { orderId: order.id }, token);
    expect(detail).toMatchObject({ state: 'refunded', refundedFen: order.totalFen });
    expect(detail.refunds.map((r) => r.amountFen)).toEqual([150, rest]);
    expect(await t.call('refund.create', { orderId: order.id, amountFen: 1, reason: '再退', approval }, token)).toMatchObject({
      ok: false,
      error: { code: 'REFUND_NOT_ALLOWED' },
    });

    // the refund receipt variant goes to the printer
    const printed = await t.ok<{ printer: string }>('receipt.print', { orderId: order.id, language: 'zh-CN', refundId: full!.id }, token);
    expect(printed.printer).toBe('network');
    await printer.waitForJobs(1);
    const text = decodeGb18030(Buffer.from(printer.received()));
    expect(text).toContain(order.orderNo);
    expect(text).toMatch(/退款/);
    // the refunded order is still found by its amount
    const found = await t.ok<OrderSummaryDto[]>('order.listByDay', { q: yuan(order.totalFen) }, token);
    expect(found.find((r) => r.id === order.id)).toMatchObject({ state: 'refunded', refundedFen: order.totalFen });
    expect(t.core.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'refund.requested' AND approver_id IS NOT NULL").get()).toEqual({ n: 2 });
  });

  it('QR (WeChat Pay Native, sandbox): the refund is processing, then succeeds; progress events say so; wrong PIN and too much are refused', async () => {
    const realClock: TestClock = { now: () => Date.now(), advance: () => {}, set: () => {} };
    t = await startTestCore({ clock: realClock, extra: { paymentTiming: compressedTiming(50) } });
    sandboxes = await startDemoSandboxes(t.core.providers, {
      wechat: { userPayingMs: 300, reverseMinAgeMs: 0, refundProcessingMs: 300, notify: { enabled: false } },
      alipay: { userPayingMs: 300, notify: { enabled: false } },
    });
    const progress: RefundProgress[] = [];
    t.core.events.on('refund.progress', (p) => progress.push(p));
    const token = await t.login('cashier', PINS.cashier);
    for (const item of products(t, 3)) await t.ok('cart.scan', { code: item.barcode }, token);
    const created = await t.ok<OrderDto>('order.create', {}, token);
    // Merchant QR: the customer scans the till's code and pays (the sandbox's "scan and pay").
    const payment = await t.ok<PaymentDto>('payment.startQr', { orderId: created.id, tender: 'wechat' }, token);
    for (let i = 0; i < 500 && (await t.ok<PaymentDto>('payment.get', { paymentId: payment.id }, token)).state !== 'pending'; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await t.ok<PaymentDto>('payment.get', { paymentId: payment.id }, token)).codeUrl).toMatch(/^weixin:\/\//);
    expect(sandboxes.wechat.scanAndPay(payment.outTradeNo!).ok).toBe(true);
    await t.core.payments.settled(payment.id);
    const paid = await t.ok<OrderDto>('order.get', { orderId: created.id }, token);
    expect(paid.state).toBe('completed');
    expect(paid.payments[0]!.outTradeNo).toBeTruthy();
    expect(paid.payments[0]!.providerTradeNo).toBeTruthy();

    expect(await t.call('refund.create', { orderId: created.id, amountFen: 100, reason: '退货', approval: { username: 'manager', pin: '9999' } }, token)).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL_INVALID' },
    });
    expect(await t.call('refund.create', { orderId: created.id, amountFen: created.totalFen + 100, reason: '退货', approval }, token)).toMatchObject({
      ok: false,
      error: { code: 'REFUND_EXCEEDS_PAID' },
    });

    const [refund] = await t.ok<RefundDto[]>('refund.create', { orderId: created.id, amountFen: 100, reason: '退货', approval }, token);
    expect(refund!.state).toBe('created'); // written before the provider is called
    const settled = await t.core.refunds.settled(refund!.id);
    expect(settled.state).toBe('succeeded');
    const states = progress.filter((p) => p.refundId === refund!.id).map((p) => p.state);
    expect(states[0]).toBe('created');
    expect(states).toContain('pending'); // PROCESSING at the provider
    expect(states.at(-1)).toBe('succeeded');
    const after = await t.ok<OrderDto>('order.get', { orderId: created.id }, token);
    expect(after).toMatchObject({ state: 'partially_refunded', refundedFen: 100 });
    expect(after.refunds[0]).toMatchObject({ amountFen: 100, state: 'succeeded', outRefundNo: `R${created.orderNo}-1` });
    // the refund receipt renders with the refund's number
    const html = await t.ok<{ html: string }>('receipt.html', { orderId: created.id, language: 'en', refundId: refund!.id }, token);
    expect(html.html).toContain(`R${created.orderNo}-1`);
  });
});

describe('reprint', () => {
  it('is audited with the order number and who reprinted it', async () => {
    t = await startTestCore();
    const token = await t.login('cashier', PINS.cashier);
    const order = await cashSale(t, token, products(t, 1));
    expect(await t.ok('receipt.print', { orderId: order.id, language: 'en' }, token)).toEqual({ printer: 'none' });
    expect(t.core.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'receipt.reprinted'").get()).toEqual({ n: 0 });
    await t.ok('receipt.print', { orderId: order.id, language: 'zh-CN', reprint: true }, token);
    const manager = await t.login('manager', PINS.manager);
    const audit = await t.ok<{ action: string; target: string; userId: string }[]>('audit.list', { action: 'receipt.reprinted' }, manager);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'receipt.reprinted', target: order.orderNo, userId: order.cashierId });
  });
});

describe('status.get', () => {
  it('counts the sync backlog, shows the open shift, and providers unconfigured without a provider', async () => {
    t = await startTestCore();
    expect(await t.call('status.get', {})).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
    const token = await t.login('cashier', PINS.cashier);
    const before = await t.ok<StatusDto>('status.get', {}, token);
    // startTestCore opened a shift on the demo terminal as the demo manager.
    const open = t.core.shifts.current(t.core.identity().terminalId)!;
    expect(before.shift).toEqual({ id: open.id, openedAt: open.opened_at, openedByName: '李强 (店长)' });
    expect(before.sync.lastSuccessAt).toBeNull();
    expect(before.providers.wechat.state).toBe('unconfigured');
    expect(before.providers.alipay.state).toBe('unconfigured');
    expect(before.printer).toEqual({ kind: 'none', target: null, paperWidth: 80, lastResult: null });
    expect(await t.call('status.get', { extra: 1 }, token)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });

    const order = await cashSale(t, token, products(t, 2));
    const after = await t.ok<StatusDto>('status.get', {}, token);
    expect(after.sync.pending).toBeGreaterThan(before.sync.pending);
    expect(after.sync.oldestPendingAt).not.toBeNull();
    // a refund is one more row for the cloud
    await t.ok('refund.create', { orderId: order.id, amountFen: 100, reason: '退货', approval }, token);
    expect((await t.ok<StatusDto>('status.get', {}, token)).sync.pending).toBeGreaterThan(after.sync.pending);
    // rows the cloud acknowledged leave the backlog
    t.core.db.prepare('UPDATE outbox SET sent_at = ?').run(t.core.nowIso());
    expect((await t.ok<StatusDto>('status.get', {}, token)).sync).toEqual({ pending: 0, oldestPendingAt: null, lastSuccessAt: null, lastError: null });
  });

  it('shows the printer and the last print: printed to the fake printer, then unreachable (typed), with printer.status events', async () => {
    t = await startTestCore();
    const printer = await startFakePrinter();
    closers.push(() => printer.close());
    const events: { printer: string; ok: boolean; message?: string }[] = [];
    t.core.events.on('printer.status', (e) => events.push(e));
    const manager = await t.login('manager', PINS.manager);
    await t.ok('settings.set', { key: 'printing.receiptPrinter', value: { kind: 'network', host: '127.0.0.1', port: printer.port, paperWidth: 58 } }, manager);
    const token = await t.login('cashier', PINS.cashier);
    const order = await cashSale(t, token, products(t, 1));

    await t.ok('receipt.print', { orderId: order.id, language: 'zh-CN' }, token);
    let status = await t.ok<StatusDto>('status.get', {}, token);
    expect(status.printer).toMatchObject({ kind: 'network', target: `127.0.0.1:${printer.port}`, paperWidth: 58 });
    expect(status.printer.lastResult).toMatchObject({ ok: true, printer: 'network', orderNo: order.orderNo, reprint: false, refund: false, error: null });

    await printer.setMode('refuse');
    const failed = await t.call('receipt.print', { orderId: order.id, language: 'en', reprint: true }, token);
    expect(failed).toMatchObject({ ok: false, error: { code: 'PRINTER_UNREACHABLE' } });
    status = await t.ok<StatusDto>('status.get', {}, token);
    expect(status.printer.lastResult).toMatchObject({ ok: false, printer: 'network', reprint: true, error: { code: 'PRINTER_UNREACHABLE' } });
    expect(status.printer.lastResult!.error!.message.zh).toMatch(/无法连接打印机/);
    expect(events.map((e) => e.ok)).toEqual([true, false]);

    // back online: the next print clears the failure
    await printer.setMode('normal');
    await t.ok('receipt.print', { orderId: order.id, language: 'en', reprint: true }, token);
    expect((await t.ok<StatusDto>('status.get', {}, token)).printer.lastResult).toMatchObject({ ok: true, error: null });
  });

  it('judges provider health from stored attempts: ok in the sandbox, degraded while an attempt is unresolved', async () => {
    t = await startTestCore({ extra: { paymentsManual: true } });
    const token = await t.login('cashier', PINS.cashier);
    // A registered client that is never called (drivers are off): health is read from the store only.
    t.core.providers.set('wechat', { client: { name: 'wechat', merchantId: '1900000001' } as unknown as PaymentProvider, sandbox: true });
    let status = await t.ok<StatusDto>('status.get', {}, token);
    expect(status.providers.wechat).toEqual({ state: 'ok', sandbox: true, unresolved: 0, lastSuccessAt: null, lastErrorCode: null });
    expect(status.providers.alipay.state).toBe('unconfigured');

    for (const item of products(t, 1)) await t.ok('cart.scan', { code: item.barcode }, token);
    const order = await t.ok<OrderDto>('order.create', {}, token);
    const insert = (id: string, state: string, failureCode: string | null, createdAt: string) =>
      t!.core.db
        .prepare(
          `INSERT INTO payments (id, order_id, tender, method, out_trade_no, amount_fen, state, failure_code, created_at, updated_at)
           VALUES (?, ?, 'wechat', 'merchant_qr', ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, order.id, `T${id}`, order.totalFen, state, failureCode, createdAt, createdAt);
    const now = t.core.nowIso();
    insert('01JD0000000000000000000001', 'unknown', 'NETWORK', now);
    status = await t.ok<StatusDto>('status.get', {}, token);
    expect(status.providers.wechat).toMatchObject({ state: 'degraded', unresolved: 1, lastErrorCode: 'NETWORK' });

    // resolved (closed with no money) but still the latest, recent attempt with a transport error: degraded
    t.core.db.prepare("UPDATE payments SET state = 'closed' WHERE id = '01JD0000000000000000000001'").run();
    status = await t.ok<StatusDto>('status.get', {}, token);
    expect(status.providers.wechat).toMatchObject({ state: 'degraded', unresolved: 0 });
    // a quarter of an hour later it no longer says anything about the provider
    t.clock.advance(16 * 60_000);
    expect((await t.ok<StatusDto>('status.get', {}, token)).providers.wechat.state).toBe('ok');
    // a clear refusal (failed) is the customer's problem, not the provider's
    t.core.db.prepare("UPDATE payments SET state = 'failed' WHERE id = '01JD0000000000000000000001'").run();
    insert('01JD0000000000000000000002', 'failed', 'NOTENOUGH', t.core.nowIso());
    expect((await t.ok<StatusDto>('status.get', {}, token)).providers.wechat.state).toBe('ok');
  });

  it('sandbox providers report ok with the last success', async () => {
    const realClock: TestClock = { now: () => Date.now(), advance: () => {}, set: () => {} };
    t = await startTestCore({ clock: realClock, extra: { paymentTiming: compressedTiming(50) } });
    sandboxes = await startDemoSandboxes(t.core.providers, { wechat: { notify: { enabled: false } }, alipay: { notify: { enabled: false } } });
    const token = await t.login('cashier', PINS.cashier);
    for (const item of products(t, 1)) await t.ok('cart.scan', { code: item.barcode }, token);
    const created = await t.ok<OrderDto>('order.create', {}, token);
    const payment = await t.ok<PaymentDto>('payment.scanCode', { orderId: created.id, code: wechatCode('01') }, token);
    await t.core.payments.settled(payment.id);
    const status = await t.ok<StatusDto>('status.get', {}, token);
    expect(status.providers.wechat).toMatchObject({ state: 'ok', sandbox: true, unresolved: 0 });
    expect(status.providers.wechat.lastSuccessAt).not.toBeNull();
    expect(status.providers.alipay).toMatchObject({ state: 'ok', sandbox: true, lastSuccessAt: null });
  });
});
