import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestCore, type TestClock, type TestCore } from '../support/core';
import { registerSandboxClients, startDemoSandboxes, type DemoSandboxes } from '../../electron/sandbox/demo';
import { compressedTiming } from '../../electron/payments/attempts/timing';
import { authCodeWithSuffix as wechatCode } from '../../electron/sandbox/wechatpay';
import { runSimulation, formatReport, type SimulationReport } from '../support/payments/simulator';
import { checkInvariants, type LedgerTrade } from '../support/payments/invariants';

/**
 * The payment fault simulator (test/support/payments/simulator.ts): ≥ 1,000 random schedules of
 * faults, customers, cashiers, notifications and restarts against the real engines, clients and
 * sandboxes, then the money invariants between the store and the providers' books.
 *
 *   TILL_SIM_SEED=<n> TILL_SIM_SCHEDULES=<n> npx vitest run test/integration/payments.reliability.test.ts
 *   TILL_SIM_ONLY=12,345 (with the seed of a failed run) replays those schedules alone.
 */
const SEED = Number(process.env.TILL_SIM_SEED ?? 20261123);
const SCHEDULES = Number(process.env.TILL_SIM_SCHEDULES ?? 1_000);
const ONLY = process.env.TILL_SIM_ONLY ? process.env.TILL_SIM_ONLY.split(',').map(Number) : undefined;

const realClock: TestClock = { now: () => Date.now(), advance: () => {}, set: () => {} };

/**
 * Regressions the simulator found, each reduced to one schedule on one shared core and one pair of
 * in-process sandboxes (2048-bit keys, as in production). Each failed before its fix.
 */
describe('regressions found by the simulator', () => {
  let t: TestCore;
  let sandboxes: DemoSandboxes;
  const actor = { userId: 'demo-cashier', terminalId: 'demo-terminal' };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const until = async (done: () => boolean, ms = 3_000) => {
    for (const started = Date.now(); !done() && Date.now() - started < ms; ) await sleep(10);
  };

  beforeAll(async () => {
    t = await startTestCore({ clock: realClock, extra: { paymentTiming: compressedTiming(100) } });
    sandboxes = await startDemoSandboxes(t.core.providers, { wechat: { notify: { enabled: false } }, alipay: { notify: { enabled: false } } });
  }, 60_000);
  afterAll(async () => {
    await t?.cleanup();
    await sandboxes?.close();
  });
  beforeEach(() => {
    sandboxes.wechat.clearFaults();
    sandboxes.wechat.configure({ refundProcessingMs: 50, paymentVisibilityLagMs: 0, reverseMinAgeMs: 0 });
  });

  function newOrder() {
    const barcode = (t.core.db.prepare("SELECT b.barcode FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE p.sold_by = 'unit' AND p.price_fen > 0 LIMIT 1").get() as { barcode: string }).barcode;
    t.core.carts.scan(actor, barcode);
    return t.core.orders.checkout(actor, t.core.carts.load(actor.terminalId)).order;
  }

  /** A WeChat QR the customer pays 800 ms after the cashier gave up: the attempt ends `closed` first. */
  async function paidAfterClose() {
    const order = newOrder();
    const payment = t.core.payments.startMerchantQr(actor, order.id, 'wechat');
    await until(() => t.core.payments.store.get(payment.id)!.state === 'pending');
    sandboxes.wechat.scanAndPay(payment.out_trade_no!, { completesDespiteClose: true, delayMs: 800 });
    t.core.payments.cancelAttempt(actor, payment.id);
    expect((await t.core.payments.settled(payment.id)).state).toBe('closed');
    await until(() => sandboxes.wechat.trade(payment.out_trade_no!)?.state === 'SUCCESS');
    expect(sandboxes.wechat.trade(payment.out_trade_no!)?.state).toBe('SUCCESS');
    return { order, payment };
  }

  const successNotification = (outTradeNo: string, totalFen: number) =>
    ({ kind: 'payment', provider: 'wechat', eventId: `EV-${outTradeNo}`, trade: { status: 'success', providerState: 'SUCCESS', outTradeNo, totalFen } }) as const;

  /**
   * electron/payments/refunds/refundEngine.ts: the QR is paid while the cashier gives up, and the order
   * is then abandoned or paid in cash. The late success cannot be applied to the order and is refunded
   * automatically; that money never counted towards the order, so its refund must not count against
   * it (it used to retry for ever on a cancelled order, and mark a cash-paid order `refunded`).
   */
  for (const then of ['order cancelled', 'paid in cash'] as const) {
    it(`automatic refund, ${then}: the refund completes and the order's books are untouched`, async () => {
      const order = newOrder();
      const payment = t.core.payments.startMerchantQr(actor, order.id, 'wechat');
      await until(() => t.core.payments.store.get(payment.id)!.state === 'pending');
      // In one tick: the cashier gives up, settles the order another way, and the customer's payment lands.
      t.core.payments.cancelAttempt(actor, payment.id);
      if (then === 'order cancelled') t.core.orders.cancel(actor, order.id, 'customer left');
      else t.core.orders.payCash(actor, order.id, order.total_fen);
      expect(sandboxes.wechat.scanAndPay(payment.out_trade_no!).ok).toBe(true);

      expect((await t.core.payments.settled(payment.id)).state).toBe('succeeded');
      const refund = t.core.orders.get(order.id).refunds.find((r) => r.automatic === 1)!;
      expect(refund.amount_fen).toBe(order.total_fen);
      await until(() => !['created', 'pending', 'unknown'].includes(t.core.refunds.get(refund.id)!.state));
      expect(t.core.refunds.get(refund.id)!.state).toBe('succeeded');
      expect(sandboxes.wechat.refunds().filter((r) => r.outTradeNo === payment.out_trade_no).map((r) => [r.status, r.refundFen])).toEqual([['SUCCESS', order.total_fen]]);
      const after = t.core.orders.get(order.id).order;
      if (then === 'order cancelled') expect([after.state, after.paid_fen, after.refunded_fen]).toEqual(['cancelled', 0, 0]);
      else expect([after.state, after.paid_fen, after.refunded_fen]).toEqual(['completed', order.total_fen, 0]);
    });
  }

  /** electron/payments/attempts/engine.ts: the re-check was fire-and-forget; stop() closed the store under it. */
  it('close() waits for an in-flight re-check (a stale success for a reversed code): nothing rejects unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const order = newOrder();
      // The customer never confirms: the code payment is reversed after the query window.
      const payment = t.core.payments.startCustomerCode(actor, order.id, wechatCode('04'));
      expect((await t.core.payments.settled(payment.id)).state).toBe('reversed');
      // A success notification for it (stale, or replayed) arrives just as the till is closed.
      t.core.payments.handleNotification(successNotification(payment.out_trade_no!, payment.amount_fen));
      const file = t.file;
      t = await t.reopen();
      registerSandboxClients(t.core.providers, sandboxes);
      await sleep(200);
      expect(unhandled.map((reason) => String(reason))).toEqual([]);
      expect(t.core.payments.store.get(payment.id)!.state).toBe('reversed');
      expect(t.file).toBe(file);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  /**
   * electron/payments/attempts/engine.ts: the notification is signed by the provider and already
   * acknowledged, so it will not come again: a re-check whose query fails (timeout, 5xx) or does not
   * show the payment yet (query lag) must ask again, not drop the success.
   */
  for (const trouble of ['the query fails once', 'the query lags behind the notification'] as const) {
    it(`late success, ${trouble}: the re-check asks again and records it`, async () => {
      const { order, payment } = await paidAfterClose();
      if (trouble === 'the query fails once') sandboxes.wechat.injectFault({ op: 'query', kind: 'system-error-500', applied: false, times: 1 });
      else sandboxes.wechat.configure({ paymentVisibilityLagMs: 400 });
      t.core.payments.handleNotification(successNotification(payment.out_trade_no!, payment.amount_fen));
      await until(() => t.core.payments.store.get(payment.id)!.state === 'succeeded');
      expect(t.core.payments.store.get(payment.id)!.state).toBe('succeeded');
      // Not applied twice, not dropped: the order (still open) takes the money.
      expect(t.core.orders.get(order.id).order.state).toBe('completed');
    });
  }

  /** electron/payments/attempts/engine.ts: the re-check lived only in memory; a restart lost it. */
  it('late success, the till restarts before the provider answers the re-check: the restarted till still records it', async () => {
    const { order, payment } = await paidAfterClose();
    // WeChat cannot answer a query for a while; the notification is handled (and acknowledged) meanwhile.
    sandboxes.wechat.injectFault({ op: 'query', kind: 'system-error-500', applied: false, times: 10_000 });
    t.core.payments.handleNotification(successNotification(payment.out_trade_no!, payment.amount_fen));
    await sleep(200);
    t = await t.reopen();
    sandboxes.wechat.clearFaults();
    registerSandboxClients(t.core.providers, sandboxes);
    await until(() => t.core.payments.store.get(payment.id)!.state === 'succeeded');
    expect(t.core.payments.store.get(payment.id)!.state).toBe('succeeded');
    expect(t.core.orders.get(order.id).order.state).toBe('completed');
  });
});

describe('payment fault simulator', () => {
  let report: SimulationReport | undefined;
  let keptFile: string | undefined;
  let ledger: LedgerTrade[] = [];
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'till-sim-check-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`${ONLY ? `replays schedules ${ONLY.join(',')}` : `runs ${SCHEDULES} seeded schedules`} concurrently on one core with faults and restarts; the books agree`, { timeout: 120_000 }, async () => {
    report = await runSimulation({
      seed: SEED,
      schedules: SCHEDULES,
      ...(ONLY ? { only: ONLY } : {}),
      concurrency: 64,
      restartGapMs: [1_000, 3_000],
      beforeCheck: (file, trades) => {
        // Keep a copy for the checker's own test below.
        keptFile = join(dir, 'till.sqlite');
        copyFileSync(file, keptFile);
        ledger = trades;
      },
    });
    console.log(formatReport(report));
    if (!ONLY) expect(report.schedules).toBeGreaterThanOrEqual(1_000);
    expect(report.unexpected).toEqual([]);
    expect(report.violations).toEqual([]);
    // Every attempt final well within the providers' (compressed) windows: 20 s here is over an hour of
    // provider time at 200×, against a 5-minute QR and a 30-second code window.
    for (const [kind, ms] of Object.entries(report.maxTimeToFinalMs)) expect(ms, kind).toBeLessThan(20_000);
    // The run must have exercised what it claims to.
    if (!ONLY) {
      expect(report.restarts.graceful + report.restarts.abrupt).toBeGreaterThanOrEqual(4);
      expect(report.faults.injectedUses - report.faults.leftoverUses).toBeGreaterThan(report.schedules / 2);
      expect(report.invariants.automaticRefunds).toBeGreaterThan(0);
      expect(report.invariants.reversedAfterPayment).toBeGreaterThan(0);
      expect(report.notifications.rejected.wechat + report.notifications.rejected.alipay).toBeGreaterThan(0);
      expect(report.notifications.selfForgedRejected).toBeGreaterThan(0);
      expect(report.notifications.whileDown).toBeGreaterThan(0);
      expect(report.notifications.held).toBeGreaterThan(0);
    }
  });

  it('the invariant checker flags planted inconsistencies in the store the run left behind', () => {
    expect(keptFile, 'the simulation kept a copy of its store').toBeTruthy();
    const db = new BetterSqlite3(keptFile!);
    try {
      expect(checkInvariants(db, ledger).violations).toEqual([]);
      const paid = db.prepare("SELECT * FROM payments WHERE tender <> 'cash' AND state = 'succeeded' AND id NOT IN (SELECT payment_id FROM refunds) LIMIT 2").all() as {
        id: string;
        out_trade_no: string;
      }[];
      const refund = db.prepare("SELECT * FROM refunds WHERE state = 'succeeded' AND automatic = 1 LIMIT 1").get() as { id: string } | undefined;
      const lateOnPaidOrder = db
        .prepare("SELECT r.id FROM refunds r JOIN orders o ON o.id = r.order_id WHERE r.automatic = 1 AND o.state = 'completed' AND r.id <> ? LIMIT 1")
        .get(refund?.id ?? '') as { id: string } | undefined;
      const neverPaid = db.prepare("SELECT id FROM payments WHERE tender <> 'cash' AND state = 'closed' AND provider_state = 'CLOSED' LIMIT 1").get() as { id: string } | undefined;
      expect(paid.length).toBe(2);
      expect(refund).toBeDefined();
      expect(lateOnPaidOrder).toBeDefined();
      expect(neverPaid).toBeDefined();
      // 1. A payment the provider took, recorded as closed (a paid order left unpaid locally).
      db.prepare("UPDATE payments SET state = 'closed' WHERE id = ?").run(paid[0]!.id);
      // 2. A trade the till never made, paid at the provider.
      const ghost: LedgerTrade = { provider: 'wechat', outTradeNo: 'TGHOST0000000000000000000001', totalFen: 100, state: 'SUCCESS', paid: true, pending: false, refunds: [] };
      // 3. An automatic refund lost locally (double capture kept).
      db.prepare("UPDATE refunds SET state = 'pending' WHERE id = ?").run(refund!.id);
      // 4. An attempt left unfinished.
      db.prepare("UPDATE payments SET state = 'unknown' WHERE id = ?").run(paid[1]!.id);
      // 5. The refund of a late success on an order paid another way refused: the order keeps two payments.
      db.prepare("UPDATE refunds SET state = 'failed' WHERE id = ?").run(lateOnPaidOrder!.id);
      // 6. A closed, never-paid attempt recorded as succeeded.
      db.prepare("UPDATE payments SET state = 'succeeded' WHERE id = ?").run(neverPaid!.id);
      const kinds = new Set(checkInvariants(db, [...ledger, ghost]).violations.map((v) => v.kind));
      for (const kind of [
        'paid-at-provider-not-locally',
        'money-mismatch',
        'order-books',
        'unknown-trade',
        'refund-not-final',
        'refund-lost-locally',
        'payment-not-final',
        'automatic-refund-incomplete',
        'double-capture-kept',
        'two-tenders-kept',
        'refund-failed',
        'succeeded-not-paid-at-provider',
      ]) {
        expect(kinds, kind).toContain(kind);
      }
    } finally {
      db.close();
    }
  });
});
