/**
 * POST /v1/sync/orders: a batch of order snapshots from one terminal, upserted by order id and
 * version in a constant number of set-based statements, whatever the batch size:
 *
 *   lock      pg_advisory_xact_lock on (store, terminal code): one terminal's batches are serialised
 *             (retries that overlap, two instances), so versions and gaps are decided on settled data
 *   orders    INSERT … SELECT FROM json_to_recordset(one JSON parameter) ON CONFLICT (id) DO UPDATE
 *             … WHERE stored version < new version AND same store/terminal, RETURNING what was written,
 *             joined with the rows as they were before the statement → accepted/duplicate/stale
 *   children  one DELETE (three CTEs) of the replaced orders' lines, payments and refunds, then one
 *             INSERT (three CTEs) of the written orders' children
 *   gaps      one statement: fill the gaps whose order arrived, open the missing seqs of the days touched
 *   terminal  last seen, last ingest, the till's reported backlog
 *
 * Each JSON parameter is one bind parameter, so PostgreSQL's 65,535-parameter limit never comes near.
 * Every order is validated on its own (wire orderWire plus what the database would refuse): a bad one
 * is answered `rejected` with a bilingual reason and the others still land.
 */
import { orderWire, type IngestResult, type OrderWire } from '../electron/sync/wire';
import { toInt, type CloudDatabase } from './db';
import { reason } from './errors';

export interface IngestTerminal {
  id: string;
  storeId: string;
  storeCode: string;
  code: string;
}

export interface IngestBacklog {
  pending: number;
  dead: number;
  oldestPendingAt: string | null;
}

/** Sequence numbers are per terminal and day; above this a gap scan would be unreasonable. */
export const MAX_SEQ = 1_000_000;
const MAX_INT4 = 2_147_483_647;

type Verdict = { ok: true; order: OrderWire } | { ok: false; result: IngestResult };

function isoOrNull(value: string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

function plausibleTime(value: string | null): boolean {
  if (value === null) return true;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms >= Date.UTC(2000, 0, 1) && ms < Date.UTC(2200, 0, 1);
}

function realDate(value: string): boolean {
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 2000 && y < 2200 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Checks beyond the wire schema: what would otherwise fail the whole batch in the database. */
function consistencyProblem(order: OrderWire): { en: string; zh: string } | undefined {
  if (!realDate(order.businessDate)) return { en: `businessDate ${order.businessDate} is not a calendar date`, zh: `营业日 ${order.businessDate} 不是有效日期` };
  if (order.seq > MAX_SEQ) return { en: `seq ${order.seq} is above ${MAX_SEQ}`, zh: `流水号 ${order.seq} 超过上限` };
  if (order.version > MAX_INT4) return { en: 'version is too large', zh: '版本号过大' };
  const times = [order.createdAt, order.updatedAt, order.paidAt, order.completedAt, order.cancelledAt];
  for (const p of order.payments) times.push(p.createdAt, p.succeededAt);
  for (const r of order.refunds) times.push(r.createdAt, r.succeededAt);
  if (!times.every(plausibleTime)) return { en: 'a timestamp is outside 2000–2199', zh: '时间戳超出合理范围' };
  const lineNos = new Set<number>();
  for (const line of order.lines) {
    if (line.lineNo > MAX_INT4 || lineNos.has(line.lineNo)) return { en: `line number ${line.lineNo} repeated or too large`, zh: `行号 ${line.lineNo} 重复或过大` };
    lineNos.add(line.lineNo);
  }
  const paymentIds = new Set<string>();
  for (const payment of order.payments) {
    if (paymentIds.has(payment.id)) return { en: `payment ${payment.id} appears twice`, zh: `支付 ${payment.id} 重复` };
    paymentIds.add(payment.id);
  }
  const refundIds = new Set<string>();
  for (const refund of order.refunds) {
    if (refundIds.has(refund.id)) return { en: `refund ${refund.id} appears twice`, zh: `退款 ${refund.id} 重复` };
    if (!paymentIds.has(refund.paymentId)) return { en: `refund ${refund.id} names a payment not in the order`, zh: `退款 ${refund.id} 对应的支付不在订单中` };
    refundIds.add(refund.id);
  }
  return undefined;
}

export function validateOrder(raw: unknown, index: number, terminal: IngestTerminal): Verdict {
  const rawId = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : null;
  const rawVersion = typeof raw === 'object' && raw !== null && Number.isInteger((raw as { version?: unknown }).version) ? (raw as { version: number }).version : null;
  const rejected = (code: string, zh: string, en: string): Verdict => ({
    ok: false,
    result: { orderId: rawId, index, version: rawVersion, status: 'rejected', reason: reason(code, zh, en) },
  });
  const parsed = orderWire.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(order)'}: ${issue.message}` : 'invalid';
    return rejected('INVALID_ORDER', `订单格式错误（${where}）`, `The order is malformed (${where})`);
  }
  const order = parsed.data;
  if (order.storeCode !== terminal.storeCode || order.terminalCode !== terminal.code) {
    return rejected(
      'WRONG_TERMINAL',
      `订单属于 ${order.storeCode}/${order.terminalCode}，而本终端是 ${terminal.storeCode}/${terminal.code}`,
      `The order belongs to ${order.storeCode}/${order.terminalCode}, this terminal is ${terminal.storeCode}/${terminal.code}`,
    );
  }
  const problem = consistencyProblem(order);
  if (problem) return rejected('INVALID_ORDER', `订单数据不一致（${problem.zh}）`, `The order is inconsistent (${problem.en})`);
  return { ok: true, order };
}

const ORDER_COLUMNS = `id text, order_no text, business_date date, seq integer, cashier_id text, state text, version integer,
  subtotal_fen bigint, line_discount_fen bigint, order_discount_fen bigint, coupon_fen bigint, rounding_fen bigint,
  delivery_fee_fen bigint, total_fen bigint, tax_fen bigint, paid_fen bigint, change_fen bigint, refunded_fen bigint,
  created_at timestamptz, updated_at timestamptz, paid_at timestamptz, completed_at timestamptz, cancelled_at timestamptz`;
const ORDER_FIELDS = `order_no, business_date, seq, cashier_id, state, version, subtotal_fen, line_discount_fen, order_discount_fen,
  coupon_fen, rounding_fen, delivery_fee_fen, total_fen, tax_fen, paid_fen, change_fen, refunded_fen,
  created_at, updated_at, paid_at, completed_at, cancelled_at`;
const ORDER_UPDATES = ORDER_FIELDS.split(',')
  .map((field) => field.trim())
  .map((field) => `${field} = EXCLUDED.${field}`)
  .join(', ');

const UPSERT_ORDERS = `
WITH input AS (SELECT * FROM json_to_recordset($1::json) AS x(${ORDER_COLUMNS})),
before AS (SELECT o.id, o.version, o.store_id, o.terminal_code FROM orders o JOIN input i ON i.id = o.id),
written AS (
  INSERT INTO orders (id, store_id, terminal_code, terminal_id, ${ORDER_FIELDS}, first_received_at, stored_at)
  SELECT i.id, $2, $3, $4, ${ORDER_FIELDS.split(',')
    .map((field) => `i.${field.trim()}`)
    .join(', ')}, $5, $5
  FROM input i
  ON CONFLICT (id) DO UPDATE SET terminal_id = EXCLUDED.terminal_id, ${ORDER_UPDATES}, stored_at = EXCLUDED.stored_at
  WHERE orders.version < EXCLUDED.version AND orders.store_id = EXCLUDED.store_id AND orders.terminal_code = EXCLUDED.terminal_code
  RETURNING id, (xmax = 0) AS inserted
)
SELECT i.id, w.id IS NOT NULL AS written, coalesce(w.inserted, false) AS inserted, b.version AS before_version,
       (b.id IS NOT NULL AND (b.store_id <> $2 OR b.terminal_code <> $3)) AS foreign_owner
FROM input i LEFT JOIN written w ON w.id = i.id LEFT JOIN before b ON b.id = i.id`;

const DELETE_CHILDREN = `
WITH ids AS (SELECT jsonb_array_elements_text($1::jsonb) AS id),
l AS (DELETE FROM order_lines WHERE order_id IN (SELECT id FROM ids)),
p AS (DELETE FROM order_payments WHERE order_id IN (SELECT id FROM ids))
DELETE FROM order_refunds WHERE order_id IN (SELECT id FROM ids)`;

const INSERT_CHILDREN = `
WITH l AS (
  INSERT INTO order_lines (order_id, line_no, product_id, sku, barcode, name, unit, sold_by, quantity, unit_price_fen, price_overridden,
    original_fen, line_discount_fen, order_discount_fen, coupon_fen, rounding_fen, net_fen, tax_rate_bp, tax_fen, refunded_quantity)
  SELECT * FROM json_to_recordset($1::json) AS x(order_id text, line_no integer, product_id bigint, sku text, barcode text, name text,
    unit text, sold_by text, quantity bigint, unit_price_fen bigint, price_overridden boolean, original_fen bigint, line_discount_fen bigint,
    order_discount_fen bigint, coupon_fen bigint, rounding_fen bigint, net_fen bigint, tax_rate_bp integer, tax_fen bigint, refunded_quantity bigint)
),
p AS (
  INSERT INTO order_payments (order_id, id, tender, method, out_trade_no, amount_fen, tendered_fen, change_fen, state, provider_trade_no, created_at, succeeded_at)
  SELECT * FROM json_to_recordset($2::json) AS x(order_id text, id text, tender text, method text, out_trade_no text, amount_fen bigint,
    tendered_fen bigint, change_fen bigint, state text, provider_trade_no text, created_at timestamptz, succeeded_at timestamptz)
)
INSERT INTO order_refunds (order_id, id, payment_id, out_refund_no, amount_fen, reason, state, automatic, provider_refund_id, created_at, succeeded_at,
  business_date, requested_by)
SELECT x.order_id, x.id, x.payment_id, x.out_refund_no, x.amount_fen, x.reason, x.state, x.automatic, x.provider_refund_id, x.created_at, x.succeeded_at,
  -- An older till sends no refund day: the order's day, as migration 0002 did for stored refunds.
  coalesce(x.business_date, x.order_business_date), x.requested_by
FROM json_to_recordset($3::json) AS x(order_id text, id text, payment_id text, out_refund_no text, amount_fen bigint, reason text,
  state text, automatic boolean, provider_refund_id text, created_at timestamptz, succeeded_at timestamptz, business_date date, requested_by text,
  order_business_date date)`;

/**
 * Gaps. $3: the days touched (JSON array), $5: (business_date, seq) of the orders written now.
 * Filled: the open gaps those orders close (primary-key lookups). Opened: per day touched, the seqs
 * 1..max that are neither stored nor already recorded — computed with EXCEPT (hash set operations),
 * so the cost is linear in that terminal's orders of those days whatever the planner's statistics.
 */
const UPDATE_GAPS = `
WITH filled AS (
  UPDATE sync_gaps g SET filled_at = $4
  FROM json_to_recordset($5::json) AS x(business_date date, seq integer)
  WHERE g.store_id = $1 AND g.terminal_code = $2 AND g.business_date = x.business_date AND g.seq = x.seq AND g.filled_at IS NULL
  RETURNING 1
),
day_orders AS (
  SELECT o.business_date, o.seq FROM orders o
  WHERE o.store_id = $1 AND o.terminal_code = $2 AND o.business_date = ANY (ARRAY(SELECT json_array_elements_text($3::json)::date))
),
stats AS (SELECT business_date, max(seq) AS top, count(DISTINCT seq) AS n FROM day_orders GROUP BY business_date),
missing AS (
  SELECT s.business_date, g.seq FROM stats s CROSS JOIN LATERAL generate_series(1, s.top) AS g(seq) WHERE s.n < s.top
  EXCEPT SELECT business_date, seq FROM day_orders
  EXCEPT SELECT g.business_date, g.seq FROM sync_gaps g
    WHERE g.store_id = $1 AND g.terminal_code = $2 AND g.business_date = ANY (ARRAY(SELECT json_array_elements_text($3::json)::date))
),
opened AS (
  INSERT INTO sync_gaps (store_id, terminal_code, business_date, seq, detected_at)
  SELECT $1, $2, business_date, seq, $4 FROM missing
  ON CONFLICT DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM filled) AS filled, (SELECT count(*) FROM opened) AS opened`;

const UPDATE_TERMINAL = `
UPDATE terminals SET last_seen_at = $2, last_ingest_at = $2, backlog_pending = $3, backlog_dead = $4, backlog_oldest_at = $5,
  backlog_reported_at = $2, orders_stored = orders_stored + $6
WHERE id = $1`;

function orderRow(o: OrderWire) {
  return {
    id: o.id,
    order_no: o.orderNo,
    business_date: o.businessDate,
    seq: o.seq,
    cashier_id: o.cashierId,
    state: o.state,
    version: o.version,
    subtotal_fen: o.subtotalFen,
    line_discount_fen: o.lineDiscountFen,
    order_discount_fen: o.orderDiscountFen,
    coupon_fen: o.couponFen,
    rounding_fen: o.roundingFen,
    delivery_fee_fen: o.deliveryFeeFen,
    total_fen: o.totalFen,
    tax_fen: o.taxFen,
    paid_fen: o.paidFen,
    change_fen: o.changeFen,
    refunded_fen: o.refundedFen,
    created_at: isoOrNull(o.createdAt),
    updated_at: isoOrNull(o.updatedAt),
    paid_at: isoOrNull(o.paidAt),
    completed_at: isoOrNull(o.completedAt),
    cancelled_at: isoOrNull(o.cancelledAt),
  };
}

function childRows(orders: OrderWire[]) {
  const lines: object[] = [];
  const payments: object[] = [];
  const refunds: object[] = [];
  for (const o of orders) {
    for (const l of o.lines) {
      lines.push({
        order_id: o.id,
        line_no: l.lineNo,
        product_id: l.productId,
        sku: l.sku,
        barcode: l.barcode,
        name: l.name,
        unit: l.unit,
        sold_by: l.soldBy,
        quantity: l.quantity,
        unit_price_fen: l.unitPriceFen,
        price_overridden: l.priceOverridden,
        original_fen: l.originalFen,
        line_discount_fen: l.lineDiscountFen,
        order_discount_fen: l.orderDiscountFen,
        coupon_fen: l.couponFen,
        rounding_fen: l.roundingFen,
        net_fen: l.netFen,
        tax_rate_bp: l.taxRateBp,
        tax_fen: l.taxFen,
        refunded_quantity: l.refundedQuantity,
      });
    }
    for (const p of o.payments) {
      payments.push({
        order_id: o.id,
        id: p.id,
        tender: p.tender,
        method: p.method,
        out_trade_no: p.outTradeNo,
        amount_fen: p.amountFen,
        tendered_fen: p.tenderedFen,
        change_fen: p.changeFen,
        state: p.state,
        provider_trade_no: p.providerTradeNo,
        created_at: isoOrNull(p.createdAt),
        succeeded_at: isoOrNull(p.succeededAt),
      });
    }
    for (const r of o.refunds) {
      refunds.push({
        order_id: o.id,
        id: r.id,
        payment_id: r.paymentId,
        out_refund_no: r.outRefundNo,
        amount_fen: r.amountFen,
        reason: r.reason,
        state: r.state,
        automatic: r.automatic,
        provider_refund_id: r.providerRefundId,
        created_at: isoOrNull(r.createdAt),
        succeeded_at: isoOrNull(r.succeededAt),
        business_date: r.businessDate ?? null,
        requested_by: r.requestedBy ?? null,
        order_business_date: o.businessDate,
      });
    }
  }
  return { lines, payments, refunds, rowCount: lines.length + payments.length + refunds.length };
}

export interface IngestOutcome {
  results: IngestResult[];
  accepted: number;
  gapsOpened: number;
  gapsFilled: number;
  /** Order + child rows written. */
  rowsWritten: number;
}

export async function ingestBatch(db: CloudDatabase, terminal: IngestTerminal, rawOrders: unknown[], backlog: IngestBacklog, nowMs: number): Promise<IngestOutcome> {
  const results: IngestResult[] = new Array(rawOrders.length);
  // The best (highest version, first on a tie) valid entry per order id; the others answer against it.
  const best = new Map<string, { index: number; order: OrderWire }>();
  const valid: { index: number; order: OrderWire }[] = [];
  rawOrders.forEach((raw, index) => {
    const verdict = validateOrder(raw, index, terminal);
    if (!verdict.ok) {
      results[index] = verdict.result;
      return;
    }
    valid.push({ index, order: verdict.order });
    const current = best.get(verdict.order.id);
    if (!current || verdict.order.version > current.order.version) best.set(verdict.order.id, { index, order: verdict.order });
  });
  for (const { index, order } of valid) {
    const winner = best.get(order.id)!;
    if (winner.index === index) continue;
    results[index] = { orderId: order.id, index, version: order.version, status: order.version === winner.order.version ? 'duplicate' : 'stale' };
  }
  const winners = [...best.values()];
  const now = new Date(nowMs).toISOString();
  const oldest = backlog.oldestPendingAt === null ? null : new Date(backlog.oldestPendingAt).toISOString();

  const outcome = await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`ingest:${terminal.storeId}/${terminal.code}`]);
    let accepted = 0;
    let gapsOpened = 0;
    let gapsFilled = 0;
    let rowsWritten = 0;
    if (winners.length > 0) {
      const rows = await tx.query<{ id: string; written: boolean; inserted: boolean; before_version: unknown; foreign_owner: boolean }>(UPSERT_ORDERS, [
        JSON.stringify(winners.map((w) => orderRow(w.order))),
        terminal.storeId,
        terminal.code,
        terminal.id,
        now,
      ]);
      const byId = new Map(rows.map((row) => [row.id, row]));
      const written: OrderWire[] = [];
      const replaced: string[] = [];
      for (const { index, order } of winners) {
        const row = byId.get(order.id);
        const base = { orderId: order.id, index, version: order.version };
        if (row?.written) {
          written.push(order);
          if (!row.inserted) replaced.push(order.id);
          results[index] = { ...base, status: 'accepted' };
        } else if (!row || row.foreign_owner || row.before_version === null || row.before_version === undefined) {
          results[index] = {
            ...base,
            status: 'rejected',
            reason: reason('ORDER_ID_CONFLICT', '订单号（id）已属于其他门店或终端', 'The order id already belongs to another store or terminal'),
          };
        } else {
          results[index] = { ...base, status: toInt(row.before_version) === order.version ? 'duplicate' : 'stale' };
        }
      }
      accepted = written.length;
      if (replaced.length > 0) await tx.query(DELETE_CHILDREN, [JSON.stringify(replaced)]);
      if (written.length > 0) {
        const children = childRows(written);
        await tx.query(INSERT_CHILDREN, [JSON.stringify(children.lines), JSON.stringify(children.payments), JSON.stringify(children.refunds)]);
        rowsWritten = written.length + children.rowCount;
        const days = [...new Set(written.map((o) => o.businessDate))];
        const arrived = JSON.stringify(written.map((o) => ({ business_date: o.businessDate, seq: o.seq })));
        const gapRows = await tx.query<{ filled: unknown; opened: unknown }>(UPDATE_GAPS, [terminal.storeId, terminal.code, JSON.stringify(days), now, arrived]);
        gapsFilled = toInt(gapRows[0]?.filled);
        gapsOpened = toInt(gapRows[0]?.opened);
      }
    }
    await tx.query(UPDATE_TERMINAL, [terminal.id, now, backlog.pending, backlog.dead, oldest, accepted]);
    return { accepted, gapsOpened, gapsFilled, rowsWritten };
  });
  return { results, ...outcome };
}
