import type { Database } from 'better-sqlite3';
import { PaymentStore, type PaymentRow, type PaymentState } from '../../../db/stores/payments';
import { appendAudit } from '../../../db/stores/audit';
import { TillError } from '../../api/errors';
import type { OrderService } from '../../checkout/orders';
import { providerForAuthCode, tail } from '../codeRouting';
import { ProviderError, type PaymentProvider, type ProviderName, type ProviderNotification, type TradeInfo } from '../provider';
import { PROVIDER_TIMING, type PaymentTiming } from './timing';
import type { RefundEngine } from '../refunds/refundEngine';

/** What the UI shows while a payment runs (payment.progress events). */
export type PaymentStage =
  | 'creating'
  | 'waiting_for_scan'
  | 'customer_paying'
  | 'checking'
  | 'closing'
  | 'reversing'
  | 'paid'
  | 'failed'
  | 'closed'
  | 'reversed'
  | 'late_success_refunding'
  | 'needs_attention';

export interface PaymentProgress {
  orderId: string;
  /** The till the order belongs to: a customer display follows only its own terminal. */
  terminalId: string;
  paymentId: string;
  outTradeNo: string;
  tender: 'wechat' | 'alipay';
  method: 'merchant_qr' | 'customer_code';
  stage: PaymentStage;
  amountFen: number;
  codeUrl?: string;
  expiresAt?: string;
  failure?: { code: string; message: string };
}

export interface Actor {
  userId: string;
  terminalId: string;
}

export interface PaymentEngineOptions {
  db: Database;
  orders: OrderService;
  providers: () => Partial<Record<ProviderName, PaymentProvider>>;
  refunds: () => RefundEngine;
  timing?: PaymentTiming;
  clock?: () => number;
  onProgress?: (progress: PaymentProgress) => void;
  /** A description sent to the provider (shown in the customer's payment app). */
  describe?: (orderNo: string) => string;
  notifyUrl?: (provider: ProviderName) => string | undefined;
  log?: (message: string) => void;
}

const LIVE: readonly PaymentState[] = ['created', 'pending', 'unknown'];
const UNFINISHED: readonly PaymentState[] = ['created', 'pending', 'unknown', 'closing'];
const FINAL: ReadonlySet<PaymentState> = new Set(['succeeded', 'failed', 'closed', 'reversed']);

/** Per-process secrets of a fresh attempt: the customer's code is used once and never stored. */
interface FreshCall {
  authCode?: string;
}

/**
 * Payment attempts against WeChat Pay / Alipay (architecture.md §5, payment-protocols.md §8).
 *
 * Each attempt is a row written before any network call; every decision after that is taken by
 * `step()` from the persisted row and the wall clock, so a restart resumes exactly where the
 * process died. One driver loop runs per unfinished attempt; notifications only wake it early,
 * the provider's query is the truth. Outcomes that are not clearly success or failure are
 * `unknown` and are resolved by query → close/reverse → query, never by guessing.
 */
export class PaymentEngine {
  readonly store: PaymentStore;
  private readonly db: Database;
  private readonly timing: PaymentTiming;
  private readonly clock: () => number;
  private readonly drivers = new Map<string, Promise<void>>();
  private readonly wakers = new Map<string, () => void>();
  /** Re-checks of closed attempts (paid-after-close notifications), awaited by stop() like the drivers. */
  private readonly rechecks = new Set<Promise<void>>();
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private stopped = false;

  constructor(private readonly options: PaymentEngineOptions) {
    this.db = options.db;
    this.store = new PaymentStore(options.db);
    this.timing = options.timing ?? PROVIDER_TIMING;
    this.clock = options.clock ?? Date.now;
  }

  private nowIso(): string {
    return new Date(this.clock()).toISOString();
  }

  private provider(name: ProviderName): PaymentProvider {
    const provider = this.options.providers()[name];
    if (!provider) throw new TillError('PROVIDER_NOT_CONFIGURED', { provider: name });
    return provider;
  }

  // ── starting attempts ────────────────────────────────────────────────────────────────

  /** Merchant-presented QR (WeChat Native / Alipay precreate). Returns the persisted attempt at once. */
  startMerchantQr(actor: Actor, orderId: string, tender: ProviderName, amountFen?: number): PaymentRow {
    this.provider(tender);
    const row = this.createAttempt(actor, orderId, tender, 'merchant_qr', amountFen, null);
    this.drive(row.id, {});
    return row;
  }

  /** Customer-presented code (付款码): provider chosen by the code's prefix and length. */
  startCustomerCode(actor: Actor, orderId: string, rawCode: string, amountFen?: number): PaymentRow {
    const { provider, authCode } = providerForAuthCode(rawCode);
    this.provider(provider);
    const row = this.createAttempt(actor, orderId, provider, 'customer_code', amountFen, tail(authCode));
    this.drive(row.id, { authCode });
    return row;
  }

  private createAttempt(
    actor: Actor,
    orderId: string,
    tender: ProviderName,
    method: 'merchant_qr' | 'customer_code',
    amountFen: number | undefined,
    authCodeTail: string | null,
  ): PaymentRow {
    return this.db.transaction(() => {
      const detail = this.options.orders.get(orderId);
      const order = detail.order;
      if (order.state !== 'pending_payment') {
        throw new TillError(order.state === 'paying' ? 'PAYMENT_IN_PROGRESS' : 'ILLEGAL_TRANSITION', {
          orderId,
          from: order.state,
          to: 'paying',
          fromZh: order.state,
          toZh: '支付中',
        });
      }
      const due = order.total_fen - order.paid_fen;
      const amount = amountFen ?? due;
      if (!Number.isSafeInteger(amount) || amount <= 0) throw new TillError('PAYMENT_INSUFFICIENT', { due });
      if (amount > due) throw new TillError('PAYMENT_EXCEEDS_DUE', { due });
      // A sale's payment belongs to the terminal's open shift; none open, no payment.
      const shiftId = this.options.orders.requireShift(actor.terminalId);
      const now = this.clock();
      const id = this.options.orders.newUlid();
      const row: PaymentRow = {
        id,
        order_id: orderId,
        tender,
        method,
        // One number per attempt, never reused: alphanumeric, 27 chars, fits both providers' rules.
        out_trade_no: `T${id}`,
        amount_fen: amount,
        tendered_fen: null,
        change_fen: 0,
        state: 'created',
        provider_trade_no: null,
        provider_state: null,
        code_url: null,
        auth_code_tail: authCodeTail,
        failure_code: null,
        failure_message: null,
        expires_at: method === 'merchant_qr' ? new Date(now + this.timing.qrLifetimeMs).toISOString() : null,
        next_check_at: null,
        check_count: 0,
        created_by: actor.userId,
        created_at: new Date(now).toISOString(),
        updated_at: new Date(now).toISOString(),
        succeeded_at: null,
        finished_at: null,
        shift_id: shiftId,
      };
      this.options.orders.store.insertPayment(row);
      this.options.orders.transition(orderId, 'pending_payment', 'paying');
      return row;
    })();
  }

  /**
   * The cashier gives up on an attempt (cancel button, customer leaves). The order is free for
   * another tender at once; the attempt goes on closing/reversing at the provider in the
   * background, and a payment that still lands is applied or refunded, never dropped.
   */
  cancelAttempt(actor: Actor, paymentId: string): PaymentRow {
    const row = this.db.transaction(() => {
      const current = this.store.get(paymentId);
      if (!current) throw new TillError('PAYMENT_NOT_FOUND', { paymentId });
      if (!LIVE.includes(current.state)) return current;
      const closing = this.store.transition(paymentId, LIVE, 'closing', this.nowIso());
      if (!closing) return this.store.get(paymentId)!;
      this.options.orders.releaseAttempt(current.order_id);
      appendAudit(this.db, { at: this.nowIso(), terminalId: actor.terminalId, userId: actor.userId, action: 'payment.cancelled', target: current.out_trade_no });
      return closing;
    })();
    this.emit(row, row.method === 'customer_code' ? 'reversing' : 'closing');
    this.drive(row.id);
    return row;
  }

  /** A verified notification (relayed by the cloud): wake the attempt so it queries now. */
  handleNotification(notification: ProviderNotification): void {
    if (notification.kind !== 'payment') {
      this.options.refunds().handleNotification(notification);
      return;
    }
    this.wake(notification.trade.outTradeNo, notification.trade.status === 'success');
  }

  /**
   * Wakes the attempt with this out_trade_no so it queries the provider now (a notification the
   * cloud verified and relayed, electron/sync). `claimedPaid` is only a hint: it makes a closed
   * merchant QR (or another final, unpaid attempt) re-check by query; nothing is ever settled on
   * the claim itself. Returns whether an attempt was found.
   */
  wake(outTradeNo: string, claimedPaid: boolean): boolean {
    const row = this.store.byOutTradeNo(outTradeNo);
    if (!row) {
      this.options.log?.(`notification for unknown out_trade_no ${outTradeNo}`);
      return false;
    }
    if (FINAL.has(row.state)) {
      // A success notified for an attempt we closed: re-check it (paid-after-close).
      if (row.state === 'closed' && row.method === 'merchant_qr' && claimedPaid) {
        // Back to closing, in the store, so the re-check survives a restart: the driver confirms it by
        // query (asking again while the query fails or lags) and settles or closes it for good.
        const reopened = this.store.transition(row.id, ['closed'], 'closing', this.nowIso(), {
          next_check_at: new Date(this.clock() + this.timing.closeGraceMs).toISOString(),
        });
        if (reopened) this.drive(row.id);
        return true;
      }
      if (row.state !== 'succeeded' && claimedPaid) {
        const recheck: Promise<void> = this.recheckFinal(row.id)
          .catch((error: unknown) => this.options.log?.(`payment ${row.id} re-check failed: ${error instanceof Error ? error.message : String(error)}`))
          .finally(() => this.rechecks.delete(recheck));
        this.rechecks.add(recheck);
      }
      return true;
    }
    this.drive(row.id);
    return true;
  }

  /** Starts the sweeper and resumes every unfinished attempt (after a restart). */
  start(): void {
    this.stopped = false;
    this.sweep();
    this.sweeper = setInterval(() => this.sweep(), this.timing.sweepIntervalMs);
    this.sweeper.unref?.();
  }

  sweep(): void {
    for (const row of this.store.unfinished()) this.drive(row.id);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    for (const wake of this.wakers.values()) wake();
    await Promise.allSettled([...this.drivers.values(), ...this.rechecks]);
  }

  /** Resolves when the attempt is final (tests, the fault simulator, the API's wait). */
  async settled(paymentId: string): Promise<PaymentRow> {
    for (;;) {
      const driver = this.drivers.get(paymentId);
      const row = this.store.get(paymentId);
      if (!row) throw new TillError('PAYMENT_NOT_FOUND', { paymentId });
      if (FINAL.has(row.state) || !driver) return row;
      await driver;
    }
  }

  isDriving(paymentId: string): boolean {
    return this.drivers.has(paymentId);
  }

  // ── the driver loop ─────────────────────────────────────────────────────────────────

  private drive(paymentId: string, fresh?: FreshCall): void {
    if (this.stopped) return;
    if (this.drivers.has(paymentId)) {
      this.wakers.get(paymentId)?.();
      return;
    }
    const run = async () => {
      let first = fresh;
      while (!this.stopped) {
        const row = this.store.get(paymentId);
        if (!row || FINAL.has(row.state)) return;
        let waitMs: number | null;
        try {
          waitMs = await this.step(row, first);
        } catch (error) {
          // A bug or a database error must not kill the loop silently; back off and retry.
          this.options.log?.(`payment ${paymentId} step failed: ${error instanceof Error ? error.message : String(error)}`);
          waitMs = this.timing.unknownRetryMs;
        }
        first = undefined;
        if (waitMs === null) return;
        if (waitMs > 0) await this.sleep(paymentId, waitMs);
      }
    };
    const driver = run().finally(() => {
      this.drivers.delete(paymentId);
      this.wakers.delete(paymentId);
    });
    this.drivers.set(paymentId, driver);
  }

  private sleep(paymentId: string, ms: number): Promise<void> {
    // A step that was mid-call when stop() woke the sleepers must not start a fresh wait:
    // stop() would then hang for the whole interval (up to the providers' 30 s).
    if (this.stopped) return Promise.resolve();
    // setTimeout runs on the monotonic clock: a wall-clock jump cannot stretch or skip a poll.
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakers.set(paymentId, done);
    });
  }

  private elapsed(row: PaymentRow): number {
    return this.clock() - Date.parse(row.created_at);
  }

  /** One decision for one attempt. Returns how long to wait before the next, or null when final. */
  private async step(row: PaymentRow, fresh: FreshCall | undefined): Promise<number | null> {
    switch (row.state) {
      case 'created':
        if (fresh) return row.method === 'merchant_qr' ? this.createQr(row) : this.payWithCode(row, fresh.authCode);
        // Resumed after a crash: the create/pay call may or may not have reached the provider.
        this.store.transition(row.id, ['created'], 'unknown', this.nowIso());
        return 0;
      case 'pending':
      case 'unknown':
        return this.checkLive(row);
      case 'closing':
        return row.method === 'merchant_qr' ? this.closeQr(row) : this.reverseCode(row);
      default:
        return null;
    }
  }

  private async createQr(row: PaymentRow): Promise<number | null> {
    this.emit(row, 'creating');
    const order = this.options.orders.get(row.order_id).order;
    try {
      const notifyUrl = this.options.notifyUrl?.(row.tender as ProviderName);
      const { codeUrl } = await this.provider(row.tender as ProviderName).createMerchantQr({
        outTradeNo: row.out_trade_no!,
        amountFen: row.amount_fen,
        description: this.options.describe?.(order.order_no) ?? `Till ${order.order_no}`,
        expiresAt: new Date(Date.parse(row.expires_at!)),
        ...(notifyUrl ? { notifyUrl } : {}),
        storeId: order.store_id,
        terminalId: order.terminal_id,
      });
      const pending = this.store.transition(row.id, ['created'], 'pending', this.nowIso(), { code_url: codeUrl, provider_state: 'WAITING' });
      if (pending) this.emit(pending, 'waiting_for_scan');
      return this.timing.qrFastPollMs;
    } catch (error) {
      return this.onInitialCallError(row, error);
    }
  }

  private async payWithCode(row: PaymentRow, authCode: string | undefined): Promise<number | null> {
    if (!authCode) {
      this.store.transition(row.id, ['created'], 'unknown', this.nowIso());
      return 0;
    }
    this.emit(row, 'checking');
    const order = this.options.orders.get(row.order_id).order;
    try {
      const result = await this.provider(row.tender as ProviderName).payWithCustomerCode({
        outTradeNo: row.out_trade_no!,
        amountFen: row.amount_fen,
        description: this.options.describe?.(order.order_no) ?? `Till ${order.order_no}`,
        authCode,
        storeId: order.store_id,
        terminalId: order.terminal_id,
      });
      if (result.outcome === 'success') return this.settle(row, result.trade);
      if (result.outcome === 'failed') {
        this.fail(row, ['created'], 'failed', result.code, result.message);
        return null;
      }
      const pending = this.store.transition(row.id, ['created'], 'pending', this.nowIso(), { provider_state: result.reason });
      if (pending) this.emit(pending, 'customer_paying');
      return this.timing.codeQueryIntervalMs;
    } catch (error) {
      return this.onInitialCallError(row, error);
    }
  }

  private onInitialCallError(row: PaymentRow, error: unknown): number | null {
    if (error instanceof ProviderError && (error.kind === 'rejected' || error.kind === 'config')) {
      this.fail(row, ['created'], 'failed', error.code, error.message);
      return null;
    }
    // Timeout, network, 5xx, a response that failed verification: the provider may have acted.
    this.store.transition(row.id, ['created'], 'unknown', this.nowIso(), {
      failure_code: error instanceof ProviderError ? error.code : 'NETWORK',
      failure_message: error instanceof Error ? error.message.slice(0, 200) : null,
    });
    return row.method === 'customer_code' ? this.timing.codeQueryIntervalMs : this.timing.unknownRetryMs;
  }

  private async query(row: PaymentRow): Promise<TradeInfo | undefined> {
    try {
      const trade = await this.provider(row.tender as ProviderName).query(row.out_trade_no!);
      this.store.update(row.id, this.nowIso(), { check_count: row.check_count + 1, provider_state: trade.providerState });
      return trade;
    } catch (error) {
      this.store.update(row.id, this.nowIso(), {
        check_count: row.check_count + 1,
        failure_code: error instanceof ProviderError ? error.code : 'NETWORK',
        failure_message: error instanceof Error ? error.message.slice(0, 200) : null,
      });
      return undefined;
    }
  }

  private async checkLive(row: PaymentRow): Promise<number | null> {
    const trade = await this.query(row);
    if (!trade) return this.timing.unknownRetryMs;
    if (trade.status === 'success') return this.settle(row, trade);
    if (trade.status === 'closed' || trade.status === 'reversed' || trade.status === 'failed') {
      this.fail(row, LIVE, trade.status === 'failed' ? 'failed' : trade.status, trade.providerState, trade.description ?? trade.providerState);
      return null;
    }
    const elapsed = this.elapsed(row);
    if (row.method === 'merchant_qr') {
      // The create answer was lost: there is no code on screen to pay, so close it.
      if (!row.code_url) return this.beginClosing(row);
      if (this.clock() >= Date.parse(row.expires_at!)) return this.beginClosing(row);
      this.emit(row, 'waiting_for_scan');
      return elapsed < this.timing.qrFastWindowMs ? this.timing.qrFastPollMs : this.timing.qrSlowPollMs;
    }
    if (trade.status === 'user_paying' || trade.status === 'waiting') this.emit(row, 'customer_paying');
    if (elapsed < this.timing.codeQueryWindowMs[row.tender as ProviderName]) return this.timing.codeQueryIntervalMs;
    return this.beginClosing(row);
  }

  private beginClosing(row: PaymentRow): number {
    const closing = this.db.transaction(() => {
      const moved = this.store.transition(row.id, LIVE, 'closing', this.nowIso(), { check_count: 0 });
      if (moved) this.options.orders.releaseAttempt(row.order_id);
      return moved;
    })();
    if (closing) this.emit(closing, row.method === 'customer_code' ? 'reversing' : 'closing');
    return 0;
  }

  private async closeQr(row: PaymentRow): Promise<number | null> {
    const confirming = row.next_check_at !== null;
    let closeOutcome: 'closed' | 'not_found' | 'already_paid' | 'error' | 'confirming' = 'confirming';
    if (!confirming) {
      try {
        closeOutcome = (await this.provider(row.tender as ProviderName).close(row.out_trade_no!)).outcome;
      } catch {
        closeOutcome = 'error';
      }
    }
    const trade = await this.query(row);
    if (!trade) return this.timing.unknownRetryMs;
    if (trade.status === 'success') return this.settle(row, trade);
    if (trade.status === 'closed' || trade.status === 'reversed' || trade.status === 'failed') {
      // A customer already on the password screen can still complete after the close (§2.5), so
      // CLOSED is confirmed by one more query after a grace period before it is final.
      const confirmAt = confirming ? Date.parse(row.next_check_at!) : this.clock() + this.timing.closeGraceMs;
      if (!confirming) this.store.update(row.id, this.nowIso(), { next_check_at: new Date(confirmAt).toISOString() });
      if (this.clock() < confirmAt) return confirmAt - this.clock();
      this.finish(row, 'closed', trade.providerState);
      return null;
    }
    if (trade.status === 'not_found') {
      // Alipay: an unscanned precreate has no trade to close, yet its QR stays payable until it
      // expires; look again once it has, then it is closed for good.
      const recheckAt = Date.parse(row.expires_at ?? row.created_at) + this.timing.closeGraceMs;
      if (this.clock() < recheckAt) return recheckAt - this.clock();
      this.finish(row, 'closed', 'NOT_FOUND_AFTER_EXPIRY');
      return null;
    }
    // Still NOTPAY/WAIT_BUYER_PAY: the close did not take yet (or errored); try again.
    if (this.elapsed(row) > this.timing.resolveHorizonMs) return this.needsAttention(row, closeOutcome);
    return this.timing.unknownRetryMs;
  }

  private async reverseCode(row: PaymentRow): Promise<number | null> {
    const provider = row.tender as ProviderName;
    const notBefore = Date.parse(row.created_at) + this.timing.reverseNotBeforeMs[provider];
    if (this.clock() < notBefore) return notBefore - this.clock();
    let retry = false;
    try {
      retry = (await this.provider(provider).reverse(row.out_trade_no!)).retry;
    } catch {
      retry = true;
    }
    const tries = row.check_count + 1;
    this.store.update(row.id, this.nowIso(), { check_count: tries });
    if (retry && tries < this.timing.reverseMaxTries) return this.timing.reverseRetryMs;
    const trade = await this.query({ ...row, check_count: tries });
    if (!trade) return this.timing.reverseRetryMs;
    if (trade.status === 'success') return this.settle(row, trade);
    if (trade.status === 'reversed' || trade.status === 'closed' || trade.status === 'failed' || trade.status === 'not_found') {
      this.finish(row, trade.status === 'closed' ? 'closed' : 'reversed', trade.providerState);
      return null;
    }
    if (this.elapsed(row) > this.timing.resolveHorizonMs) return this.needsAttention(row, 'reverse');
    return this.timing.reverseRetryMs;
  }

  /** Re-checks an attempt we had closed, when a success notification says otherwise. */
  private async recheckFinal(paymentId: string): Promise<void> {
    const started = this.clock();
    // The notification was signed by the provider and has been acknowledged: it will not come again.
    // A query that cannot answer (timeout, 5xx) or does not show the payment yet (query lag) is asked
    // again; only a final answer (paid, or closed/reversed/failed) ends the re-check.
    while (!this.stopped && this.clock() - started <= this.timing.resolveHorizonMs) {
      const row = this.store.get(paymentId);
      if (!row || row.state === 'succeeded') return;
      const trade = await this.query(row);
      if (trade?.status === 'success') {
        await this.settle(row, trade, ['closed', 'reversed', 'failed']);
        return;
      }
      if (trade && (trade.status === 'closed' || trade.status === 'reversed' || trade.status === 'failed')) return;
      await this.sleep(paymentId, this.timing.unknownRetryMs);
    }
  }

  /**
   * Reconciliation's repair of a missed success (electron/reports/reconcile.ts): the bill says
   * paid, this attempt is not succeeded. The bill is never trusted on its own: the provider is
   * queried, and only a verified success is applied, through the same `settle` a query success
   * takes (order transition or automatic refund, outbox row, events), from whatever unsucceeded
   * state the attempt is in. Rejects with ProviderError when the query cannot answer.
   */
  async confirmMissedSuccess(paymentId: string): Promise<
    | { outcome: 'applied' | 'refunding' | 'already_succeeded'; row: PaymentRow }
    | { outcome: 'not_paid'; providerState: string }
    | { outcome: 'mismatch'; row: PaymentRow }
  > {
    const row = this.store.get(paymentId);
    if (!row) throw new TillError('PAYMENT_NOT_FOUND', { paymentId });
    if (row.state === 'succeeded') return { outcome: 'already_succeeded', row };
    const trade = await this.provider(row.tender as ProviderName).query(row.out_trade_no!);
    if (trade.status !== 'success') return { outcome: 'not_paid', providerState: trade.providerState };
    await this.settle(row, trade, ['created', 'pending', 'unknown', 'closing', 'closed', 'reversed', 'failed']);
    const after = this.store.get(paymentId)!;
    if (after.state !== 'succeeded') return { outcome: 'mismatch', row: after };
    const refunded = this.db.prepare('SELECT 1 FROM refunds WHERE payment_id = ? AND automatic = 1').get(paymentId) !== undefined;
    return { outcome: refunded ? 'refunding' : 'applied', row: after };
  }

  // ── outcomes ─────────────────────────────────────────────────────────────────────────

  /**
   * A verified success: the attempt succeeds and the money goes to the order if it can still take
   * it; otherwise (order cancelled, already paid by another tender) it is refunded automatically.
   */
  private async settle(row: PaymentRow, trade: TradeInfo, from: readonly PaymentState[] = UNFINISHED): Promise<number | null> {
    const provider = this.provider(row.tender as ProviderName);
    const mismatch =
      trade.outTradeNo !== row.out_trade_no
        ? 'out_trade_no'
        : trade.totalFen !== row.amount_fen
          ? 'amount'
          : trade.merchantId !== undefined && trade.merchantId !== provider.merchantId
            ? 'merchant'
            : null;
    if (mismatch) {
      appendAudit(this.db, {
        at: this.nowIso(),
        action: 'payment.verification_mismatch',
        target: row.out_trade_no,
        details: { field: mismatch, expectedFen: row.amount_fen, reportedFen: trade.totalFen ?? null, merchant: trade.merchantId ?? null },
      });
      return this.needsAttention(row, `mismatch:${mismatch}`);
    }
    const outcome = this.db.transaction(() => {
      const succeeded = this.store.transition(row.id, from, 'succeeded', this.nowIso(), {
        provider_trade_no: trade.providerTradeNo ?? null,
        provider_state: trade.providerState,
        succeeded_at: trade.paidAt ?? this.nowIso(),
        finished_at: this.nowIso(),
      });
      if (!succeeded) return undefined; // another path settled it first: no second side effect
      const applied = this.options.orders.applyPayment(row.order_id, row.amount_fen);
      if (applied) return { succeeded, refundId: undefined };
      const refundId = this.options.refunds().createAutomaticRefund(succeeded, 'paid after the attempt was abandoned');
      appendAudit(this.db, { at: this.nowIso(), action: 'payment.late_success_refund', target: row.out_trade_no, details: { amountFen: row.amount_fen } });
      return { succeeded, refundId };
    })();
    if (!outcome) return null;
    this.emit(outcome.succeeded, outcome.refundId ? 'late_success_refunding' : 'paid');
    if (outcome.refundId) this.options.refunds().drive(outcome.refundId);
    return null;
  }

  private fail(row: PaymentRow, from: readonly PaymentState[], to: 'failed' | 'closed' | 'reversed', code: string, message: string): void {
    const failed = this.db.transaction(() => {
      const moved = this.store.transition(row.id, from, to, this.nowIso(), {
        failure_code: code.slice(0, 64),
        failure_message: message.slice(0, 200),
        finished_at: this.nowIso(),
      });
      if (moved) this.options.orders.releaseAttempt(row.order_id);
      return moved;
    })();
    if (failed) this.emit(failed, to === 'failed' ? 'failed' : to, { code, message });
  }

  private finish(row: PaymentRow, to: 'closed' | 'reversed', providerState: string): void {
    const finished = this.store.transition(row.id, ['closing'], to, this.nowIso(), { provider_state: providerState, finished_at: this.nowIso() });
    if (finished) this.emit(finished, to);
  }

  /** Past every provider window and still not final: a manager must look (reconciliation will too). */
  private needsAttention(row: PaymentRow, reason: string): number {
    this.store.update(row.id, this.nowIso(), { failure_code: 'NEEDS_ATTENTION', failure_message: reason.slice(0, 200) });
    this.emit(row, 'needs_attention', { code: 'NEEDS_ATTENTION', message: reason });
    return this.timing.sweepIntervalMs;
  }

  private emit(row: PaymentRow, stage: PaymentStage, failure?: { code: string; message: string }): void {
    this.options.onProgress?.({
      orderId: row.order_id,
      terminalId: this.options.orders.store.getOrder(row.order_id)?.terminal_id ?? '',
      paymentId: row.id,
      outTradeNo: row.out_trade_no ?? '',
      tender: row.tender as ProviderName,
      method: row.method as 'merchant_qr' | 'customer_code',
      stage,
      amountFen: row.amount_fen,
      ...(row.code_url ? { codeUrl: row.code_url } : {}),
      ...(row.expires_at ? { expiresAt: row.expires_at } : {}),
      ...(failure ? { failure } : {}),
    });
  }
}
