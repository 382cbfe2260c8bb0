import type { Database } from 'better-sqlite3';
import { monotonicFactory } from 'ulid';
import { OrderStore, nextOrderSeq, type OrderLineRow, type OrderRow, type OrderState, type PaymentRow } from '../../db/stores/orders';
import { enqueueOutbox } from '../../db/stores/outbox';
import { appendAudit } from '../../db/stores/audit';
import { deleteCart } from '../../db/stores/carts';
import { TillError } from '../api/errors';
import { assertTransition } from './orderStates';
import { businessDate, compactDate } from './businessDay';
import { viewCart, type CartData } from './cart';
import { assertFen, formatFen } from './money';
import type { RoundingRule } from './pricing';

/** Where this till is: fixed per database (one store, one terminal). */
export interface TillIdentity {
  storeId: string;
  storeCode: string;
  terminalId: string;
  terminalCode: string;
  timeZone: string;
}

export interface Actor {
  userId: string;
  terminalId: string;
}

export interface OrderExtras {
  customer?: { name?: string; phone?: string; memberId?: string };
  delivery?: { type: 'none' | 'pickup' | 'delivery'; contact?: string; phone?: string; address?: string; note?: string; feeFen?: number };
  note?: string;
}

export interface RefundRow {
  id: string;
  order_id: string;
  payment_id: string;
  out_refund_no: string;
  amount_fen: number;
  reason: string | null;
  state: string;
  automatic: 0 | 1;
  provider_refund_id: string | null;
  provider_state: string | null;
  failure_code: string | null;
  failure_message: string | null;
  requested_by: string | null;
  approved_by: string | null;
  created_at: string;
  updated_at: string;
  succeeded_at: string | null;
  /** The drawer the refund was paid out of (the terminal's open shift when it was made). */
  shift_id: string | null;
  /** The business day the refund counts in (store zone and day start, when it was made). */
  business_date: string | null;
}

export interface OrderDetail {
  order: OrderRow;
  lines: OrderLineRow[];
  payments: PaymentRow[];
  refunds: RefundRow[];
  dueFen: number;
}

/** States the cloud must learn about; transient payment states stay local. */
const SYNCED_STATES: ReadonlySet<OrderState> = new Set(['paid', 'in_progress', 'completed', 'cancelled', 'refunded', 'partially_refunded']);

export interface OrderServiceOptions {
  db: Database;
  identity: () => TillIdentity;
  roundingRule: () => RoundingRule;
  discountCapBp: () => number;
  businessDayStartHour: () => number;
  clock?: () => number;
  onOrderChanged?: (order: OrderRow) => void;
}

export class OrderService {
  readonly store: OrderStore;
  private readonly db: Database;
  private readonly clock: () => number;
  private readonly newId = monotonicFactory();
  private readonly openShiftStmt;

  constructor(private readonly options: OrderServiceOptions) {
    this.db = options.db;
    this.store = new OrderStore(options.db);
    this.openShiftStmt = options.db.prepare("SELECT id FROM shifts WHERE terminal_id = ? AND state = 'open'");
    this.clock = options.clock ?? Date.now;
  }

  private nowIso(): string {
    return new Date(this.clock()).toISOString();
  }

  newUlid(): string {
    return this.newId(this.clock());
  }

  /** The terminal's open shift (its drawer), or null; by default this till's terminal. */
  currentShiftId(terminalId: string = this.options.identity().terminalId): string | null {
    return (this.openShiftStmt.get(terminalId) as { id: string } | undefined)?.id ?? null;
  }

  /** The terminal's open shift; SHIFT_NOT_OPEN when there is none (no sale, no cash without a drawer). */
  requireShift(terminalId: string = this.options.identity().terminalId): string {
    const id = this.currentShiftId(terminalId);
    if (id === null) throw new TillError('SHIFT_NOT_OPEN', { terminalId });
    return id;
  }

  /**
   * Turns the terminal's cart into an order awaiting payment, and empties the cart, in one
   * transaction: a crash leaves either the cart or the order, never both or neither.
   */
  checkout(actor: Actor, cart: CartData, extras: OrderExtras = {}): OrderDetail {
    if (cart.lines.length === 0) throw new TillError('CART_EMPTY');
    const view = viewCart(cart, this.options.roundingRule(), this.options.discountCapBp());
    if (view.needsApproval) throw new TillError('APPROVAL_REQUIRED', { discountFen: view.capturedDiscountFen, capFen: view.discountCapFen });
    const deliveryFeeFen = extras.delivery?.feeFen ?? 0;
    if (deliveryFeeFen !== 0) assertFen(deliveryFeeFen, 'deliveryFee');
    const identity = this.options.identity();
    const instant = new Date(this.clock());
    const now = instant.toISOString();
    const day = businessDate(instant, identity.timeZone, this.options.businessDayStartHour());
    const id = this.newUlid();

    const order = this.db.transaction(() => {
      // No sale without an open drawer on this terminal: the order belongs to that shift.
      const shiftId = this.requireShift(actor.terminalId);
      const seq = nextOrderSeq(this.db, identity.terminalId, day);
      const row: OrderRow = {
        id,
        order_no: `${identity.storeCode}-${identity.terminalCode}-${compactDate(day)}-${String(seq).padStart(4, '0')}`,
        store_id: identity.storeId,
        terminal_id: identity.terminalId,
        business_date: day,
        seq,
        cashier_id: actor.userId,
        state: 'pending_payment',
        version: 1,
        customer_name: extras.customer?.name ?? null,
        customer_phone: extras.customer?.phone ?? null,
        member_id: extras.customer?.memberId ?? null,
        subtotal_fen: view.totals.subtotalFen,
        line_discount_fen: view.totals.lineDiscountFen,
        order_discount_fen: view.totals.orderDiscountFen,
        coupon_fen: view.totals.couponFen,
        coupon_code: cart.coupon?.code ?? null,
        rounding_fen: view.totals.roundingFen,
        rounding_rule: this.options.roundingRule(),
        delivery_fee_fen: deliveryFeeFen,
        total_fen: view.totals.totalFen + deliveryFeeFen,
        tax_fen: view.totals.taxFen,
        discount_approved_by: cart.approval?.userId ?? null,
        paid_fen: 0,
        change_fen: 0,
        refunded_fen: 0,
        delivery_type: extras.delivery?.type ?? 'none',
        delivery_contact: extras.delivery?.contact ?? null,
        delivery_phone: extras.delivery?.phone ?? null,
        delivery_address: extras.delivery?.address ?? null,
        delivery_note: extras.delivery?.note ?? null,
        note: extras.note ?? null,
        cancel_reason: null,
        created_at: now,
        updated_at: now,
        paid_at: null,
        completed_at: null,
        cancelled_at: null,
        shift_id: shiftId,
      };
      const lines: OrderLineRow[] = view.lines.map((line, index) => ({
        order_id: id,
        line_no: index + 1,
        product_id: line.productId,
        sku: line.sku,
        barcode: line.barcode,
        name: line.name,
        unit: line.unit,
        sold_by: line.soldBy,
        quantity: line.quantity,
        unit_price_fen: line.unitPriceFen,
        price_overridden: line.priceOverriddenBy ? 1 : 0,
        original_fen: line.priced.originalFen,
        line_discount_fen: line.priced.lineDiscountFen,
        order_discount_fen: line.priced.orderDiscountFen,
        coupon_fen: line.priced.couponFen,
        rounding_fen: line.priced.roundingFen,
        net_fen: line.priced.netFen,
        tax_rate_bp: line.priced.taxRateBp,
        tax_fen: line.priced.taxFen,
        refunded_quantity: 0,
      }));
      this.store.insertOrder(row, lines);
      deleteCart(this.db, actor.terminalId);
      return row;
    })();
    this.options.onOrderChanged?.(order);
    return this.get(order.id);
  }

  /**
   * Moves an order along the state table with a conditional UPDATE. Must run inside a transaction
   * when combined with other writes. Writes the outbox row for states the cloud must know.
   */
  transition(orderId: string, from: OrderState, to: OrderState, changes: Parameters<OrderStore['transition']>[4] = {}): OrderRow {
    assertTransition(from, to);
    const now = this.nowIso();
    const updated = this.store.transition(orderId, from, to, now, changes);
    if (!updated) {
      const current = this.store.getOrder(orderId);
      if (!current) throw new TillError('ORDER_NOT_FOUND', { orderId });
      throw new TillError('ORDER_CHANGED', { orderId, expected: from, actual: current.state });
    }
    if (SYNCED_STATES.has(to)) enqueueOutbox(this.db, 'order', orderId, updated.version, now);
    return updated;
  }

  private requireOrder(orderId: string): OrderRow {
    const order = this.store.getOrder(orderId);
    if (!order) throw new TillError('ORDER_NOT_FOUND', { orderId });
    return order;
  }

  /**
   * Adds a captured tender to an open order, inside the caller's transaction. Settles the order
   * (paid → completed) when the tenders cover the total; otherwise the order waits for the rest
   * (split tender), going back from `paying` to `pending_payment`. Returns undefined when the order
   * can no longer take this money (cancelled, already paid, or the amount exceeds what is due):
   * the caller must then refund it.
   */
  applyPayment(orderId: string, amountFen: number, changeFen = 0): OrderRow | undefined {
    const order = this.requireOrder(orderId);
    if (order.state !== 'pending_payment' && order.state !== 'paying') return undefined;
    const due = order.total_fen - order.paid_fen;
    if (amountFen > due) return undefined;
    const paidFen = order.paid_fen + amountFen;
    const totalChange = order.change_fen + changeFen;
    const now = this.nowIso();
    if (paidFen === order.total_fen) {
      const paid = this.transition(order.id, order.state, 'paid', { paid_fen: paidFen, change_fen: totalChange, paid_at: now });
      return this.transition(paid.id, 'paid', 'completed', { completed_at: now });
    }
    if (order.state === 'paying') {
      return this.transition(order.id, 'paying', 'pending_payment', { paid_fen: paidFen, change_fen: totalChange });
    }
    const partial = this.db
      .prepare(
        `UPDATE orders SET paid_fen = ?, change_fen = ?, version = version + 1, updated_at = ?
         WHERE id = ? AND state = 'pending_payment' AND paid_fen = ? RETURNING *`,
      )
      .get(paidFen, totalChange, now, order.id, order.paid_fen) as OrderRow | undefined;
    if (!partial) throw new TillError('ORDER_CHANGED', { orderId });
    return partial;
  }

  /**
   * Records money returned to the customer, inside the caller's transaction: the order becomes
   * partially_refunded or refunded (a cancelled order stays cancelled), and sync learns of it.
   */
  applyRefund(orderId: string, amountFen: number): OrderRow {
    const order = this.requireOrder(orderId);
    const refunded = order.refunded_fen + amountFen;
    if (refunded > order.paid_fen) throw new TillError('REFUND_EXCEEDS_PAID', { refundable: formatFen(order.paid_fen - order.refunded_fen) });
    if (order.state === 'cancelled' || order.state === 'pending_payment' || order.state === 'paying') {
      const now = this.nowIso();
      const updated = this.db
        .prepare('UPDATE orders SET refunded_fen = ?, paid_fen = paid_fen, version = version + 1, updated_at = ? WHERE id = ? AND refunded_fen = ? RETURNING *')
        .get(refunded, now, orderId, order.refunded_fen) as OrderRow | undefined;
      if (!updated) throw new TillError('ORDER_CHANGED', { orderId });
      if (updated.state === 'cancelled') enqueueOutbox(this.db, 'order', orderId, updated.version, now);
      return updated;
    }
    const to = refunded === order.total_fen ? 'refunded' : 'partially_refunded';
    return this.transition(orderId, order.state, to, { refunded_fen: refunded });
  }

  /** A provider attempt ended without money: the order is open for another tender again. */
  releaseAttempt(orderId: string): OrderRow | undefined {
    const order = this.requireOrder(orderId);
    if (order.state !== 'paying') return undefined;
    return this.transition(orderId, 'paying', 'pending_payment');
  }

  /** A settled order with a zero total (fully discounted): nothing to tender. */
  private settleZero(order: OrderRow): OrderRow {
    const now = this.nowIso();
    const paid = this.transition(order.id, order.state, 'paid', { paid_at: now });
    return this.transition(paid.id, 'paid', 'completed', { completed_at: now });
  }

  /**
   * Cash tender. `amountFen` is the part of the bill paid in cash (split tender); by default the
   * whole amount due. `tenderedFen` is what the customer handed over; change is the difference.
   */
  payCash(actor: Actor, orderId: string, tenderedFen: number, amountFen?: number): { detail: OrderDetail; changeFen: number } {
    assertFen(tenderedFen, 'tendered');
    if (amountFen !== undefined) assertFen(amountFen, 'amount');
    const result = this.db.transaction(() => {
      const order = this.requireOrder(orderId);
      if (order.state !== 'pending_payment') {
        assertTransition(order.state, 'paid');
        // paying → paid is legal in the table, but not for cash while a provider attempt is live.
        throw new TillError('PAYMENT_IN_PROGRESS', { orderId });
      }
      const due = order.total_fen - order.paid_fen;
      if (due === 0) return { order: this.settleZero(order), changeFen: 0 };
      // Without an explicit cash part the cash must settle the bill; a split tender names its cash part.
      const applied = amountFen ?? due;
      if (applied <= 0) throw new TillError('PAYMENT_INSUFFICIENT', { due: formatFen(due) });
      if (applied > due) throw new TillError('PAYMENT_EXCEEDS_DUE', { due: formatFen(due) });
      if (tenderedFen < applied) throw new TillError('PAYMENT_INSUFFICIENT', { due: formatFen(applied) });
      const changeFen = tenderedFen - applied;
      // Cash goes into this terminal's open drawer.
      const shiftId = this.requireShift(actor.terminalId);
      const now = this.nowIso();
      this.store.insertPayment({
        id: this.newUlid(),
        order_id: order.id,
        tender: 'cash',
        method: 'cash',
        out_trade_no: null,
        amount_fen: applied,
        tendered_fen: tenderedFen,
        change_fen: changeFen,
        state: 'succeeded',
        provider_trade_no: null,
        provider_state: null,
        code_url: null,
        auth_code_tail: null,
        failure_code: null,
        failure_message: null,
        expires_at: null,
        next_check_at: null,
        check_count: 0,
        created_by: actor.userId,
        created_at: now,
        updated_at: now,
        succeeded_at: now,
        finished_at: now,
        shift_id: shiftId,
      });
      const updated = this.applyPayment(order.id, applied, changeFen);
      if (!updated) throw new TillError('ORDER_CHANGED', { orderId });
      return { order: updated, changeFen };
    })();
    this.options.onOrderChanged?.(result.order);
    return { detail: this.get(orderId), changeFen: result.changeFen };
  }

  /**
   * Abandons an unpaid order. Cash already taken for part of a split tender is handed back and
   * recorded as refunds in the same transaction, with the approving manager.
   */
  cancel(actor: Actor, orderId: string, reason: string, approverId?: string): OrderDetail {
    const order = this.db.transaction(() => {
      const current = this.requireOrder(orderId);
      assertTransition(current.state, 'cancelled');
      const payments = this.store.payments(orderId);
      // An attempt being closed does not block: if it still succeeds it is refunded automatically.
      if (payments.some((p) => ['created', 'pending', 'unknown'].includes(p.state))) {
        throw new TillError('PAYMENT_IN_PROGRESS', { orderId });
      }
      const taken = payments.filter((p) => p.state === 'succeeded');
      if (taken.length > 0 && !approverId) throw new TillError('APPROVAL_REQUIRED', { action: 'cancel_paid' });
      const now = this.nowIso();
      // Cash handed back leaves this terminal's drawer, which must be open; every refund row
      // counts on today's business day.
      const shiftId = taken.some((p) => p.tender === 'cash') ? this.requireShift(actor.terminalId) : this.currentShiftId(actor.terminalId);
      const day = this.today();
      let refunded = 0;
      taken.forEach((payment, index) => {
        // Cash goes back from the drawer now; a provider tender gets a refund row that the payments
        // layer sends (and confirms) with its deterministic out_refund_no.
        const isCash = payment.tender === 'cash';
        this.db
          .prepare(
            `INSERT INTO refunds (id, order_id, payment_id, out_refund_no, amount_fen, reason, state, automatic, requested_by, approved_by, created_at, updated_at, succeeded_at, shift_id, business_date)
             VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(this.newUlid(), orderId, payment.id, `R${current.order_no}-C${index + 1}`, payment.amount_fen, reason, isCash ? 'succeeded' : 'created', actor.userId, approverId ?? null, now, now, isCash ? now : null, shiftId, day);
        if (isCash) refunded += payment.amount_fen;
      });
      const cancelled = this.transition(orderId, current.state, 'cancelled', {
        cancelled_at: now,
        cancel_reason: reason,
        refunded_fen: refunded,
      });
      appendAudit(this.db, {
        at: now,
        terminalId: actor.terminalId,
        userId: actor.userId,
        approverId: approverId ?? null,
        action: 'order.cancelled',
        target: current.order_no,
        details: { reason, refundedCashFen: refunded },
      });
      return cancelled;
    })();
    this.options.onOrderChanged?.(order);
    return this.get(orderId);
  }

  get(orderId: string): OrderDetail {
    const order = this.requireOrder(orderId);
    return {
      order,
      lines: this.store.lines(orderId),
      payments: this.store.payments(orderId),
      refunds: this.db.prepare('SELECT * FROM refunds WHERE order_id = ? ORDER BY created_at, id').all(orderId) as RefundRow[],
      dueFen: order.state === 'pending_payment' || order.state === 'paying' ? order.total_fen - order.paid_fen : 0,
    };
  }

  listByDay(businessDateValue: string, options: { state?: OrderState; limit?: number; offset?: number } = {}): OrderRow[] {
    return this.store.listByDay(this.options.identity().storeId, businessDateValue, options);
  }

  today(): string {
    const identity = this.options.identity();
    return businessDate(new Date(this.clock()), identity.timeZone, this.options.businessDayStartHour());
  }
}
