import type { Database } from 'better-sqlite3';
import type { OrderLineRow, OrderRow, PaymentRow } from '../../db/stores/orders';
import type { RefundRow } from '../checkout/orders';
import { toOrderLineDto } from '../api/mappers';
import { orderWire, type OrderWire } from './wire';

/**
 * An order as the cloud receives it: the order row, its lines, every payment attempt and every
 * refund, at the order's current version (architecture.md §6). Read in one go from the store, so
 * the parts belong to the same version.
 */
export interface SnapshotIdentity {
  storeCode: string;
  terminalCode: string;
}

export type SnapshotResult = { ok: true; order: OrderWire } | { ok: false; reason: string };

function iso(value: string): string;
function iso(value: string | null): string | null;
function iso(value: string | null): string | null {
  if (value === null) return null;
  // Stored times are ISO-8601 UTC from toISOString(); normalise anything else parseable.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value)) return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

export function toOrderWire(identity: SnapshotIdentity, order: OrderRow, lines: OrderLineRow[], payments: PaymentRow[], refunds: RefundRow[]): OrderWire {
  return {
    id: order.id,
    orderNo: order.order_no,
    storeCode: identity.storeCode,
    terminalCode: identity.terminalCode,
    businessDate: order.business_date,
    seq: order.seq,
    cashierId: order.cashier_id,
    state: order.state,
    version: order.version,
    subtotalFen: order.subtotal_fen,
    lineDiscountFen: order.line_discount_fen,
    orderDiscountFen: order.order_discount_fen,
    couponFen: order.coupon_fen,
    roundingFen: order.rounding_fen,
    deliveryFeeFen: order.delivery_fee_fen,
    totalFen: order.total_fen,
    taxFen: order.tax_fen,
    paidFen: order.paid_fen,
    changeFen: order.change_fen,
    refundedFen: order.refunded_fen,
    createdAt: iso(order.created_at),
    updatedAt: iso(order.updated_at),
    paidAt: iso(order.paid_at),
    completedAt: iso(order.completed_at),
    cancelledAt: iso(order.cancelled_at),
    lines: lines.map(toOrderLineDto),
    payments: payments.map((payment) => ({
      id: payment.id,
      tender: payment.tender,
      method: payment.method,
      outTradeNo: payment.out_trade_no,
      amountFen: payment.amount_fen,
      tenderedFen: payment.tendered_fen,
      changeFen: payment.change_fen,
      state: payment.state,
      providerTradeNo: payment.provider_trade_no,
      createdAt: iso(payment.created_at),
      succeededAt: iso(payment.succeeded_at),
    })),
    refunds: refunds.map((refund) => ({
      id: refund.id,
      paymentId: refund.payment_id,
      outRefundNo: refund.out_refund_no,
      amountFen: refund.amount_fen,
      reason: refund.reason,
      state: refund.state as OrderWire['refunds'][number]['state'],
      automatic: refund.automatic === 1,
      providerRefundId: refund.provider_refund_id,
      createdAt: iso(refund.created_at),
      succeededAt: iso(refund.succeeded_at),
      businessDate: refund.business_date,
      requestedBy: refund.requested_by,
    })),
  };
}

/** Prepared reads for many snapshots in a row (a batch of up to 500 orders). */
export class SnapshotReader {
  private readonly order;
  private readonly lines;
  private readonly payments;
  private readonly refunds;

  constructor(
    private readonly db: Database,
    private readonly identity: () => SnapshotIdentity,
  ) {
    this.order = db.prepare('SELECT * FROM orders WHERE id = ?');
    this.lines = db.prepare('SELECT * FROM order_lines WHERE order_id = ? ORDER BY line_no');
    this.payments = db.prepare('SELECT * FROM payments WHERE order_id = ? ORDER BY created_at, id');
    this.refunds = db.prepare('SELECT * FROM refunds WHERE order_id = ? ORDER BY created_at, id');
  }

  /**
   * The order at its current version, validated with the wire schema the cloud uses: a snapshot
   * that cannot be built or does not validate here would never be accepted there (a poison row).
   */
  read(orderId: string): SnapshotResult {
    try {
      const built = this.db.transaction(() => {
        const order = this.order.get(orderId) as OrderRow | undefined;
        if (!order) return undefined;
        return toOrderWire(
          this.identity(),
          order,
          this.lines.all(orderId) as OrderLineRow[],
          this.payments.all(orderId) as PaymentRow[],
          this.refunds.all(orderId) as RefundRow[],
        );
      })();
      if (!built) return { ok: false, reason: 'order not found in the local store' };
      const parsed = orderWire.safeParse(built);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(order)'}: ${issue.message}`);
        return { ok: false, reason: issues.join('; ') };
      }
      return { ok: true, order: parsed.data };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }
}
