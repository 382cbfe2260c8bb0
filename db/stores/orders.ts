import type { Database, Statement } from 'better-sqlite3';

export type OrderState =
  | 'pending_payment'
  | 'paying'
  | 'paid'
  | 'in_progress'
  | 'completed'
  | 'cancelled'
  | 'refunded'
  | 'partially_refunded';

export interface OrderRow {
  id: string;
  order_no: string;
  store_id: string;
  terminal_id: string;
  business_date: string;
  seq: number;
  cashier_id: string;
  state: OrderState;
  version: number;
  customer_name: string | null;
  customer_phone: string | null;
  member_id: string | null;
  subtotal_fen: number;
  line_discount_fen: number;
  order_discount_fen: number;
  coupon_fen: number;
  coupon_code: string | null;
  rounding_fen: number;
  rounding_rule: 'none' | 'drop_fen' | 'drop_jiao';
  delivery_fee_fen: number;
  total_fen: number;
  tax_fen: number;
  discount_approved_by: string | null;
  paid_fen: number;
  change_fen: number;
  refunded_fen: number;
  delivery_type: 'none' | 'pickup' | 'delivery';
  delivery_contact: string | null;
  delivery_phone: string | null;
  delivery_address: string | null;
  delivery_note: string | null;
  note: string | null;
  cancel_reason: string | null;
  created_at: string;
  updated_at: string;
  paid_at: string | null;
  completed_at: string | null;
  cancelled_at: string | null;
  /** The shift (drawer) the order was rung up in; null for orders from before shifts. */
  shift_id: string | null;
}

export interface OrderLineRow {
  order_id: string;
  line_no: number;
  product_id: number | null;
  sku: string;
  barcode: string | null;
  name: string;
  unit: string;
  sold_by: 'unit' | 'weight';
  quantity: number;
  unit_price_fen: number;
  price_overridden: 0 | 1;
  original_fen: number;
  line_discount_fen: number;
  order_discount_fen: number;
  coupon_fen: number;
  rounding_fen: number;
  net_fen: number;
  tax_rate_bp: number;
  tax_fen: number;
  refunded_quantity: number;
}

export type PaymentState = 'created' | 'pending' | 'unknown' | 'closing' | 'succeeded' | 'failed' | 'closed' | 'reversed';

export interface PaymentRow {
  id: string;
  order_id: string;
  tender: 'cash' | 'wechat' | 'alipay';
  method: 'cash' | 'merchant_qr' | 'customer_code';
  out_trade_no: string | null;
  amount_fen: number;
  tendered_fen: number | null;
  change_fen: number;
  state: PaymentState;
  provider_trade_no: string | null;
  provider_state: string | null;
  code_url: string | null;
  auth_code_tail: string | null;
  failure_code: string | null;
  failure_message: string | null;
  expires_at: string | null;
  next_check_at: string | null;
  check_count: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  succeeded_at: string | null;
  finished_at: string | null;
  /** The shift (drawer) open on the terminal when the payment was created. */
  shift_id: string | null;
}

/** Takes the next gapless number for a terminal's business day. Call inside the order's transaction. */
export function nextOrderSeq(db: Database, terminalId: string, businessDate: string): number {
  const row = db
    .prepare(
      `INSERT INTO order_sequences (terminal_id, business_date, last_seq) VALUES (?, ?, 1)
       ON CONFLICT (terminal_id, business_date) DO UPDATE SET last_seq = last_seq + 1
       RETURNING last_seq`,
    )
    .get(terminalId, businessDate) as { last_seq: number };
  return row.last_seq;
}

const ORDER_COLUMNS = [
  'id', 'order_no', 'store_id', 'terminal_id', 'business_date', 'seq', 'cashier_id', 'state', 'version',
  'customer_name', 'customer_phone', 'member_id', 'subtotal_fen', 'line_discount_fen', 'order_discount_fen',
  'coupon_fen', 'coupon_code', 'rounding_fen', 'rounding_rule', 'delivery_fee_fen', 'total_fen', 'tax_fen',
  'discount_approved_by', 'paid_fen', 'change_fen', 'refunded_fen', 'delivery_type', 'delivery_contact',
  'delivery_phone', 'delivery_address', 'delivery_note', 'note', 'cancel_reason', 'created_at', 'updated_at',
  'paid_at', 'completed_at', 'cancelled_at', 'shift_id',
] as const satisfies readonly (keyof OrderRow)[];

const LINE_COLUMNS = [
  'order_id', 'line_no', 'product_id', 'sku', 'barcode', 'name', 'unit', 'sold_by', 'quantity', 'unit_price_fen',
  'price_overridden', 'original_fen', 'line_discount_fen', 'order_discount_fen', 'coupon_fen', 'rounding_fen',
  'net_fen', 'tax_rate_bp', 'tax_fen', 'refunded_quantity',
] as const satisfies readonly (keyof OrderLineRow)[];

const PAYMENT_COLUMNS = [
  'id', 'order_id', 'tender', 'method', 'out_trade_no', 'amount_fen', 'tendered_fen', 'change_fen', 'state',
  'provider_trade_no', 'provider_state', 'code_url', 'auth_code_tail', 'failure_code', 'failure_message',
  'expires_at', 'next_check_at', 'check_count', 'created_by', 'created_at', 'updated_at', 'succeeded_at', 'finished_at', 'shift_id',
] as const satisfies readonly (keyof PaymentRow)[];

function insertSql(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => '@' + c).join(', ')})`;
}

/** Statements prepared once per connection; the hot path (a sale) must not re-parse SQL. */
export class OrderStore {
  private readonly insertOrderStmt;
  private readonly insertLineStmt;
  private readonly insertPaymentStmt;
  private readonly getOrderStmt;
  private readonly getOrderByNoStmt;
  private readonly linesStmt;
  private readonly paymentsStmt;
  /** One prepared UPDATE per set of extra columns: transitions are the hot path of every sale. */
  private readonly transitionStatements = new Map<string, Statement>();

  constructor(readonly db: Database) {
    this.insertOrderStmt = db.prepare(insertSql('orders', ORDER_COLUMNS));
    this.insertLineStmt = db.prepare(insertSql('order_lines', LINE_COLUMNS));
    this.insertPaymentStmt = db.prepare(insertSql('payments', PAYMENT_COLUMNS));
    this.getOrderStmt = db.prepare('SELECT * FROM orders WHERE id = ?');
    this.getOrderByNoStmt = db.prepare('SELECT * FROM orders WHERE order_no = ?');
    this.linesStmt = db.prepare('SELECT * FROM order_lines WHERE order_id = ? ORDER BY line_no');
    this.paymentsStmt = db.prepare('SELECT * FROM payments WHERE order_id = ? ORDER BY created_at, id');
  }

  insertOrder(order: OrderRow, lines: readonly OrderLineRow[]): void {
    this.insertOrderStmt.run(order);
    for (const line of lines) this.insertLineStmt.run(line);
  }

  insertPayment(payment: PaymentRow): void {
    this.insertPaymentStmt.run(payment);
  }

  getOrder(id: string): OrderRow | undefined {
    return this.getOrderStmt.get(id) as OrderRow | undefined;
  }

  getOrderByNo(orderNo: string): OrderRow | undefined {
    return this.getOrderByNoStmt.get(orderNo) as OrderRow | undefined;
  }

  lines(orderId: string): OrderLineRow[] {
    return this.linesStmt.all(orderId) as OrderLineRow[];
  }

  payments(orderId: string): PaymentRow[] {
    return this.paymentsStmt.all(orderId) as PaymentRow[];
  }

  /**
   * The only way an order changes state: a conditional UPDATE on the expected state. Returns the
   * updated row, or undefined when another writer moved the order first (the caller decides whether
   * that is a conflict or an illegal transition). `changes` are extra columns set in the same UPDATE.
   */
  transition(
    id: string,
    from: OrderState,
    to: OrderState,
    now: string,
    changes: Partial<Pick<OrderRow, 'paid_fen' | 'change_fen' | 'refunded_fen' | 'paid_at' | 'completed_at' | 'cancelled_at' | 'cancel_reason'>> = {},
  ): OrderRow | undefined {
    const columns = Object.keys(changes).sort();
    const key = columns.join(',');
    let statement = this.transitionStatements.get(key);
    if (!statement) {
      const sets = columns.map((column) => `${column} = @${column}`);
      statement = this.db.prepare(
        `UPDATE orders SET state = @to, version = version + 1, updated_at = @now${sets.length ? ', ' + sets.join(', ') : ''}
         WHERE id = @id AND state = @from RETURNING *`,
      );
      this.transitionStatements.set(key, statement);
    }
    return statement.get({ ...changes, id, from, to, now }) as OrderRow | undefined;
  }

  listByDay(storeId: string, businessDate: string, options: { terminalId?: string; state?: OrderState; limit?: number; offset?: number } = {}): OrderRow[] {
    return this.db
      .prepare(
        `SELECT * FROM orders WHERE store_id = @storeId AND business_date = @businessDate
           AND (@terminalId IS NULL OR terminal_id = @terminalId) AND (@state IS NULL OR state = @state)
         ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`,
      )
      .all({
        storeId,
        businessDate,
        terminalId: options.terminalId ?? null,
        state: options.state ?? null,
        limit: options.limit ?? 200,
        offset: options.offset ?? 0,
      }) as OrderRow[];
  }
}

/**
 * What the order-history search looks for. The API layer turns the cashier's one search box into
 * these alternatives (electron/checkout/historySearch.ts); any of them matching selects an order.
 */
export interface OrderSearchCriteria {
  /** Text to find in a line's product name (substring) or SKU (prefix), or a line's exact barcode. */
  text: string;
  /** The order's sequence number of the day (an all-digits query). */
  seq?: number;
  /** LIKE pattern on order_no (already escaped with backslash), e.g. `%-0012`. */
  orderNoPattern?: string;
  /** Inclusive range of total_fen (an amount typed in yuan, "12" → ¥12.00–¥12.99). */
  totalFen?: { from: number; to: number };
  /** Lowercase ASCII prefix for the line's product pinyin / initials (already escaped). */
  pinyinPrefix?: string;
}

export interface OrderSearchOptions {
  state?: OrderState;
  limit: number;
  offset: number;
}

const searchStatements = new WeakMap<Database, { search: Statement; byNo: Statement }>();

/** Escapes LIKE wildcards so a typed % or _ is matched literally (pair with ESCAPE '\'). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => '\\' + c);
}

function searchStatementsFor(db: Database): { search: Statement; byNo: Statement } {
  let statements = searchStatements.get(db);
  if (!statements) {
    statements = {
      search: db.prepare(
        `SELECT o.* FROM orders o
          WHERE o.store_id = @storeId AND o.business_date = @businessDate
            AND (@state IS NULL OR o.state = @state)
            AND ((@seq IS NOT NULL AND o.seq = @seq)
              OR (@orderNoPattern IS NOT NULL AND o.order_no LIKE @orderNoPattern ESCAPE '\\')
              OR (@totalFrom IS NOT NULL AND o.total_fen BETWEEN @totalFrom AND @totalTo)
              OR EXISTS (SELECT 1 FROM order_lines l LEFT JOIN products p ON p.id = l.product_id
                          WHERE l.order_id = o.id
                            AND (l.name LIKE @contains ESCAPE '\\' OR l.sku LIKE @prefix ESCAPE '\\' OR l.barcode = @text
                              OR (@pinyin IS NOT NULL AND (p.pinyin_initials LIKE @pinyin ESCAPE '\\' OR p.pinyin LIKE @pinyin ESCAPE '\\'
                                                           OR p.name_en LIKE @contains ESCAPE '\\')))))
          ORDER BY o.created_at DESC, o.id DESC LIMIT @limit OFFSET @offset`,
      ),
      byNo: db.prepare('SELECT * FROM orders WHERE order_no = ? AND store_id = ?'),
    };
    searchStatements.set(db, statements);
  }
  return statements;
}

/**
 * One business day's orders that match a search, newest first. The day comes first in the WHERE
 * clause so the (store_id, business_date) index bounds the work to that day's rows whatever the
 * size of the history; the alternatives are then checked per order (lines through their primary
 * key, pinyin through products' primary key). No statement scans other days.
 */
export function searchOrdersOfDay(db: Database, storeId: string, businessDate: string, criteria: OrderSearchCriteria, options: OrderSearchOptions): OrderRow[] {
  const statements = searchStatementsFor(db);
  const escaped = escapeLike(criteria.text);
  return statements.search.all({
    storeId,
    businessDate,
    state: options.state ?? null,
    seq: criteria.seq ?? null,
    orderNoPattern: criteria.orderNoPattern ?? null,
    totalFrom: criteria.totalFen?.from ?? null,
    totalTo: criteria.totalFen?.to ?? null,
    contains: `%${escaped}%`,
    prefix: `${escaped}%`,
    text: criteria.text,
    pinyin: criteria.pinyinPrefix ? `${criteria.pinyinPrefix}%` : null,
    limit: options.limit,
    offset: options.offset,
  }) as OrderRow[];
}

/** An order by its full number (any day): the receipt's QR code carries it. */
export function findOrderByNo(db: Database, storeId: string, orderNo: string): OrderRow | undefined {
  return searchStatementsFor(db).byNo.get(orderNo, storeId) as OrderRow | undefined;
}
