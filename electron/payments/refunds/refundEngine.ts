import type { Database } from 'better-sqlite3';
import type { PaymentRow } from '../../../db/stores/payments';
import { appendAudit } from '../../../db/stores/audit';
import { TillError } from '../../api/errors';
import { formatFen } from '../../checkout/money';
import type { OrderService, RefundRow } from '../../checkout/orders';
import { ProviderError, type PaymentProvider, type ProviderName, type ProviderNotification, type RefundInfo } from '../provider';
import { PROVIDER_TIMING, type PaymentTiming } from '../attempts/timing';

export type RefundState = 'created' | 'pending' | 'unknown' | 'succeeded' | 'failed' | 'abnormal';

export interface RefundProgress {
  orderId: string;
  refundId: string;
  outRefundNo: string;
  amountFen: number;
  state: RefundState;
  automatic: boolean;
  failure?: { code: string; message: string };
}

export interface RefundEngineOptions {
  db: Database;
  orders: OrderService;
  providers: () => Partial<Record<ProviderName, PaymentProvider>>;
  timing?: PaymentTiming;
  clock?: () => number;
  onProgress?: (progress: RefundProgress) => void;
  notifyUrl?: (provider: ProviderName) => string | undefined;
  log?: (message: string) => void;
}

export interface RefundRequest {
  orderId: string;
  amountFen: number;
  reason: string;
  /** Refund only this tender; otherwise the amount goes back over the order's tenders, latest first. */
  paymentId?: string;
  approverId: string;
}

const OPEN: readonly RefundState[] = ['created', 'pending', 'unknown'];

/**
 * Refunds to the original tender. Each refund row, with its deterministic out_refund_no
 * (`R<order_no>-<n>`), is written before any provider call, so a retry after a timeout or a crash
 * repeats the identical request — the providers treat the same number as the same refund — and
 * the result is confirmed by refund query. The database refuses refunds above what was paid.
 */
export class RefundEngine {
  private readonly db: Database;
  private readonly timing: PaymentTiming;
  private readonly clock: () => number;
  private readonly drivers = new Map<string, Promise<void>>();
  private readonly wakers = new Map<string, () => void>();
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private stopped = false;

  constructor(private readonly options: RefundEngineOptions) {
    this.db = options.db;
    this.timing = options.timing ?? PROVIDER_TIMING;
    this.clock = options.clock ?? Date.now;
  }

  private nowIso(): string {
    return new Date(this.clock()).toISOString();
  }

  get(refundId: string): RefundRow | undefined {
    return this.db.prepare('SELECT * FROM refunds WHERE id = ?').get(refundId) as RefundRow | undefined;
  }

  private payment(paymentId: string): PaymentRow {
    const payment = this.db.prepare('SELECT * FROM payments WHERE id = ?').get(paymentId) as PaymentRow | undefined;
    if (!payment) throw new TillError('PAYMENT_NOT_FOUND', { paymentId });
    return payment;
  }

  private refundedOf(paymentId: string): number {
    return (this.db.prepare("SELECT COALESCE(SUM(amount_fen), 0) AS n FROM refunds WHERE payment_id = ? AND state <> 'failed'").get(paymentId) as { n: number }).n;
  }

  private nextOutRefundNo(orderId: string, orderNo: string): string {
    const count = (this.db.prepare('SELECT count(*) AS n FROM refunds WHERE order_id = ?').get(orderId) as { n: number }).n;
    return `R${orderNo}-${count + 1}`;
  }

  private insertRefund(
    payment: PaymentRow,
    amountFen: number,
    reason: string,
    automatic: boolean,
    requestedBy: string | null,
    approverId: string | null,
    terminalId?: string,
  ): RefundRow {
    const order = this.options.orders.get(payment.order_id).order;
    const now = this.nowIso();
    const cash = payment.tender === 'cash';
    // Cash is paid out of the terminal's open drawer (none open: no cash refund); a provider refund
    // is stamped with the shift open when it was made, if any. Either counts on today's business day.
    const shiftId = cash ? this.options.orders.requireShift(terminalId) : this.options.orders.currentShiftId(terminalId);
    const row: RefundRow = {
      id: this.options.orders.newUlid(),
      order_id: payment.order_id,
      payment_id: payment.id,
      out_refund_no: this.nextOutRefundNo(order.id, order.order_no),
      amount_fen: amountFen,
      reason,
      // Cash leaves the drawer now; provider refunds are sent and confirmed by the driver.
      state: cash ? 'succeeded' : 'created',
      automatic: automatic ? 1 : 0,
      provider_refund_id: null,
      provider_state: null,
      failure_code: null,
      failure_message: null,
      requested_by: requestedBy,
      approved_by: approverId,
      created_at: now,
      updated_at: now,
      succeeded_at: cash ? now : null,
      shift_id: shiftId,
      business_date: this.options.orders.today(),
    };
    try {
      this.db
        .prepare(
          `INSERT INTO refunds (id, order_id, payment_id, out_refund_no, amount_fen, reason, state, automatic, provider_refund_id, provider_state,
             failure_code, failure_message, requested_by, approved_by, created_at, updated_at, succeeded_at, shift_id, business_date)
           VALUES (@id, @order_id, @payment_id, @out_refund_no, @amount_fen, @reason, @state, @automatic, @provider_refund_id, @provider_state,
             @failure_code, @failure_message, @requested_by, @approved_by, @created_at, @updated_at, @succeeded_at, @shift_id, @business_date)`,
        )
        .run(row);
    } catch (error) {
      if (error instanceof Error && error.message.includes('REFUND_EXCEEDS_PAID')) {
        throw new TillError('REFUND_EXCEEDS_PAID', { refundable: formatFen(payment.amount_fen - this.refundedOf(payment.id)) });
      }
      throw error;
    }
    if (cash) this.options.orders.applyRefund(payment.order_id, amountFen);
    return row;
  }

  /** A manager-approved refund of part or all of an order, back to its tenders. */
  requestRefund(actor: { userId: string; terminalId: string }, request: RefundRequest): RefundRow[] {
    const rows = this.db.transaction(() => {
      const detail = this.options.orders.get(request.orderId);
      if (!['paid', 'in_progress', 'completed', 'partially_refunded'].includes(detail.order.state)) {
        throw new TillError('REFUND_NOT_ALLOWED', { reason: detail.order.state });
      }
      const tenders = detail.payments
        .filter((p) => p.state === 'succeeded' && (!request.paymentId || p.id === request.paymentId))
        .reverse();
      if (tenders.length === 0) throw new TillError('REFUND_NOT_ALLOWED', { reason: 'no tender' });
      let remaining = request.amountFen;
      const created: RefundRow[] = [];
      for (const payment of tenders) {
        if (remaining === 0) break;
        const refundable = payment.amount_fen - this.refundedOf(payment.id);
        const share = Math.min(refundable, remaining);
        if (share <= 0) continue;
        created.push(this.insertRefund(payment, share, request.reason, false, actor.userId, request.approverId, actor.terminalId));
        remaining -= share;
      }
      if (remaining > 0) {
        const refundable = tenders.reduce((sum, p) => sum + p.amount_fen - this.refundedOf(p.id), 0) + (request.amountFen - remaining);
        throw new TillError('REFUND_EXCEEDS_PAID', { refundable: formatFen(refundable) });
      }
      appendAudit(this.db, {
        at: this.nowIso(),
        terminalId: actor.terminalId,
        userId: actor.userId,
        approverId: request.approverId,
        action: 'refund.requested',
        target: detail.order.order_no,
        details: { amountFen: request.amountFen, reason: request.reason, refunds: created.map((r) => r.out_refund_no) },
      });
      return created;
    })();
    for (const row of rows) {
      this.emit(row);
      if (row.state !== 'succeeded') this.drive(row.id);
    }
    return rows;
  }

  /** Inside the caller's transaction: money that landed for an order that can no longer take it. */
  createAutomaticRefund(payment: PaymentRow, reason: string): string {
    return this.insertRefund(payment, payment.amount_fen - this.refundedOf(payment.id), reason, true, null, null).id;
  }

  handleNotification(notification: ProviderNotification): void {
    if (notification.kind !== 'refund') return;
    this.wake(notification.refund.outRefundNo);
  }

  /** Wakes an open refund so it queries the provider now (a relayed notification is only a hint). */
  wake(outRefundNo: string): boolean {
    const row = this.db.prepare('SELECT * FROM refunds WHERE out_refund_no = ?').get(outRefundNo) as RefundRow | undefined;
    if (row && OPEN.includes(row.state as RefundState)) this.drive(row.id);
    return row !== undefined;
  }

  start(): void {
    this.stopped = false;
    this.sweep();
    this.sweeper = setInterval(() => this.sweep(), this.timing.sweepIntervalMs);
    this.sweeper.unref?.();
  }

  sweep(): void {
    const open = this.db.prepare("SELECT id FROM refunds WHERE state IN ('created', 'pending', 'unknown') ORDER BY created_at").all() as { id: string }[];
    for (const { id } of open) this.drive(id);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    for (const wake of this.wakers.values()) wake();
    await Promise.allSettled([...this.drivers.values()]);
  }

  async settled(refundId: string): Promise<RefundRow> {
    for (;;) {
      const driver = this.drivers.get(refundId);
      const row = this.get(refundId);
      if (!row) throw new TillError('PAYMENT_NOT_FOUND', { paymentId: refundId });
      if (!OPEN.includes(row.state as RefundState) || !driver) return row;
      await driver;
    }
  }

  drive(refundId: string): void {
    if (this.stopped) return;
    if (this.drivers.has(refundId)) {
      this.wakers.get(refundId)?.();
      return;
    }
    const run = async () => {
      while (!this.stopped) {
        const row = this.get(refundId);
        if (!row || !OPEN.includes(row.state as RefundState)) return;
        let waitMs: number | null;
        try {
          waitMs = await this.step(row);
        } catch (error) {
          this.options.log?.(`refund ${refundId} step failed: ${error instanceof Error ? error.message : String(error)}`);
          waitMs = this.timing.refundUnknownRetryMs;
        }
        // Stopped while the step was mid-call: do not start a wait stop() can no longer wake.
        if (waitMs === null || this.stopped) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, waitMs!);
          timer.unref?.();
          function done() {
            clearTimeout(timer);
            resolve();
          }
          this.wakers.set(refundId, done);
        });
      }
    };
    const driver = run().finally(() => {
      this.drivers.delete(refundId);
      this.wakers.delete(refundId);
    });
    this.drivers.set(refundId, driver);
  }

  private provider(name: string): PaymentProvider {
    const provider = this.options.providers()[name as ProviderName];
    if (!provider) throw new TillError('PROVIDER_NOT_CONFIGURED', { provider: name });
    return provider;
  }

  private async step(row: RefundRow): Promise<number | null> {
    const payment = this.payment(row.payment_id);
    const provider = this.provider(payment.tender);
    if (row.state === 'created') {
      try {
        const notifyUrl = this.options.notifyUrl?.(payment.tender as ProviderName);
        const info = await provider.refund({
          outTradeNo: payment.out_trade_no!,
          outRefundNo: row.out_refund_no,
          refundFen: row.amount_fen,
          totalFen: payment.amount_fen,
          ...(row.reason ? { reason: row.reason.slice(0, 80) } : {}),
          ...(notifyUrl ? { notifyUrl } : {}),
        });
        return this.record(row, info);
      } catch (error) {
        if (error instanceof ProviderError && (error.kind === 'rejected' || error.kind === 'config')) {
          this.move(row, 'failed', { failure_code: error.code, failure_message: error.message.slice(0, 200) });
          return null;
        }
        // Unknown: the refund may exist. Query before ever sending it again.
        this.move(row, 'unknown', { failure_code: error instanceof ProviderError ? error.code : 'NETWORK' });
        return this.timing.refundUnknownRetryMs;
      }
    }
    let info: RefundInfo;
    try {
      info = await provider.queryRefund(payment.out_trade_no!, row.out_refund_no);
    } catch {
      return this.timing.refundUnknownRetryMs;
    }
    if (info.status === 'not_found') {
      if (row.state === 'unknown') {
        // The refund never reached the provider: send the identical request again.
        this.move(row, 'created', {});
        return 0;
      }
      return this.timing.refundPollMs;
    }
    return this.record(row, info);
  }

  private record(row: RefundRow, info: RefundInfo): number | null {
    const changes = { provider_refund_id: info.providerRefundId ?? null, provider_state: info.providerState ?? info.status };
    switch (info.status) {
      case 'success':
        this.succeed(row, changes);
        return null;
      case 'closed':
        this.move(row, 'failed', { ...changes, failure_code: 'CLOSED', failure_message: 'refund closed by the provider' });
        return null;
      case 'abnormal':
        // Bank card frozen and the like: a person has to handle it; it stays visible, not retried.
        this.move(row, 'abnormal', { ...changes, failure_code: 'ABNORMAL' });
        return null;
      case 'processing':
        if (row.state !== 'pending') this.move(row, 'pending', changes);
        return this.timing.refundPollMs;
      default:
        return this.timing.refundPollMs;
    }
  }

  private move(row: RefundRow, to: RefundState, changes: Record<string, unknown>): RefundRow | undefined {
    const sets = Object.keys(changes).map((column) => `${column} = @${column}`);
    const moved = this.db
      .prepare(
        `UPDATE refunds SET state = @to, updated_at = @now${sets.length ? ', ' + sets.join(', ') : ''}
         WHERE id = @id AND state = @from RETURNING *`,
      )
      .get({ ...changes, to, now: this.nowIso(), id: row.id, from: row.state }) as RefundRow | undefined;
    if (moved) this.emit(moved);
    return moved;
  }

  private succeed(row: RefundRow, changes: Record<string, unknown>): void {
    const moved = this.db.transaction(() => {
      const updated = this.move(row, 'succeeded', { ...changes, succeeded_at: this.nowIso() });
      // An automatic refund returns a late success that was never applied to the order (it was
      // cancelled or already paid): the order's paid/refunded amounts and state are not touched.
      if (updated && row.automatic !== 1) this.options.orders.applyRefund(row.order_id, row.amount_fen);
      return updated;
    })();
    if (!moved) return;
  }

  private emit(row: RefundRow): void {
    this.options.onProgress?.({
      orderId: row.order_id,
      refundId: row.id,
      outRefundNo: row.out_refund_no,
      amountFen: row.amount_fen,
      state: row.state as RefundState,
      automatic: row.automatic === 1,
      ...(row.failure_code ? { failure: { code: row.failure_code, message: row.failure_message ?? row.failure_code } } : {}),
    });
  }
}
