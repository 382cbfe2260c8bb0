/**
 * Head-office reports: sales by store / terminal / business day / tender, and the terminals' sync
 * health. All money is integer fen (bigint sums, converted exactly).
 *
 * Sales count the orders that were sold: paid, in progress, completed, refunded, partially refunded.
 *   gross     = subtotal + delivery fee
 *   discounts = line + order discounts + coupon + 抹零 rounding
 *   refunds   = the order's refunded amount
 *   net       = total − refunds  (= gross − discounts − refunds for a consistent order)
 * By tender the figures come from the payments instead: gross = succeeded payments, refunds =
 * succeeded refunds of those payments, discounts 0, net = gross − refunds; an order split over two
 * tenders counts once in each row and once in the totals.
 */
import { toDateString, toInt, toIso, type Queryable } from './db';

export const SALE_STATES = ['paid', 'in_progress', 'completed', 'refunded', 'partially_refunded'] as const;
export type SalesGroup = 'store' | 'terminal' | 'day' | 'tender';

export interface SalesRow {
  storeCode?: string;
  terminalCode?: string;
  businessDate?: string;
  tender?: string;
  orders: number;
  grossFen: number;
  discountFen: number;
  refundFen: number;
  netFen: number;
}

export interface SalesReport {
  from: string;
  to: string;
  groupBy: SalesGroup;
  storeCode: string | null;
  rows: SalesRow[];
  totals: SalesRow;
}

interface RawRow {
  store_code?: string;
  terminal_code?: string;
  business_date?: string;
  tender?: string;
  orders: unknown;
  gross: unknown;
  discounts: unknown;
  refunds: unknown;
  net: unknown;
}

const ORDER_SUMS = `count(*) AS orders,
  sum(o.subtotal_fen + o.delivery_fee_fen) AS gross,
  sum(o.line_discount_fen + o.order_discount_fen + o.coupon_fen + o.rounding_fen) AS discounts,
  sum(o.refunded_fen) AS refunds,
  sum(o.total_fen - o.refunded_fen) AS net`;

const ORDER_FILTER = `FROM orders o JOIN stores s ON s.id = o.store_id
  WHERE o.business_date BETWEEN $1::date AND $2::date AND o.state IN (${SALE_STATES.map((state) => `'${state}'`).join(', ')})
    AND ($3::text IS NULL OR s.code = $3)`;

const TENDER_BASE = `WITH sold AS (SELECT o.id ${ORDER_FILTER}),
pay AS (
  SELECT p.order_id, p.id, p.tender, p.amount_fen,
    coalesce((SELECT sum(r.amount_fen) FROM order_refunds r WHERE r.order_id = p.order_id AND r.payment_id = p.id AND r.state = 'succeeded'), 0) AS refunded
  FROM order_payments p JOIN sold ON sold.id = p.order_id WHERE p.state = 'succeeded'
)`;
const TENDER_SUMS = `count(DISTINCT order_id) AS orders, sum(amount_fen) AS gross, 0 AS discounts, sum(refunded) AS refunds, sum(amount_fen - refunded) AS net`;

function convert(row: RawRow): SalesRow {
  return {
    ...(row.store_code !== undefined ? { storeCode: row.store_code } : {}),
    ...(row.terminal_code !== undefined ? { terminalCode: row.terminal_code } : {}),
    ...(row.business_date !== undefined ? { businessDate: toDateString(row.business_date) } : {}),
    ...(row.tender !== undefined ? { tender: row.tender } : {}),
    orders: toInt(row.orders),
    grossFen: toInt(row.gross),
    discountFen: toInt(row.discounts),
    refundFen: toInt(row.refunds),
    netFen: toInt(row.net),
  };
}

export async function salesReport(db: Queryable, query: { from: string; to: string; groupBy: SalesGroup; storeCode?: string | undefined }): Promise<SalesReport> {
  const params = [query.from, query.to, query.storeCode ?? null];
  let rows: RawRow[];
  let totals: RawRow[];
  if (query.groupBy === 'tender') {
    rows = await db.query<RawRow>(`${TENDER_BASE} SELECT tender, ${TENDER_SUMS} FROM pay GROUP BY tender ORDER BY tender`, params);
    totals = await db.query<RawRow>(`${TENDER_BASE} SELECT ${TENDER_SUMS} FROM pay`, params);
  } else {
    const key = {
      store: 's.code AS store_code',
      terminal: 's.code AS store_code, o.terminal_code',
      day: 'o.business_date::text AS business_date',
    }[query.groupBy];
    const group = { store: 's.code', terminal: 's.code, o.terminal_code', day: 'o.business_date' }[query.groupBy];
    rows = await db.query<RawRow>(`SELECT ${key}, ${ORDER_SUMS} ${ORDER_FILTER} GROUP BY ${group} ORDER BY ${group}`, params);
    totals = await db.query<RawRow>(`SELECT ${ORDER_SUMS} ${ORDER_FILTER}`, params);
  }
  return {
    from: query.from,
    to: query.to,
    groupBy: query.groupBy,
    storeCode: query.storeCode ?? null,
    rows: rows.map(convert),
    totals: convert(totals[0] ?? { orders: 0, gross: 0, discounts: 0, refunds: 0, net: 0 }),
  };
}

export interface TerminalHealth {
  terminalId: string;
  storeCode: string;
  terminalCode: string;
  name: string;
  enrolledAt: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
  lastIngestAt: string | null;
  ordersStored: number;
  backlog: { pending: number; dead: number; oldestPendingAt: string | null; reportedAt: string | null } | null;
  openGapCount: number;
  /** The first 100 open gaps (oldest day first). */
  gaps: { businessDate: string; seq: number; detectedAt: string }[];
}

export const GAPS_LISTED = 100;

export async function syncHealth(db: Queryable, storeCode?: string): Promise<{ terminals: TerminalHealth[] }> {
  const rows = await db.query<{
    id: string;
    store_code: string;
    code: string;
    name: string;
    created_at: unknown;
    revoked_at: unknown;
    last_seen_at: unknown;
    last_ingest_at: unknown;
    orders_stored: unknown;
    backlog_pending: unknown;
    backlog_dead: unknown;
    backlog_oldest_at: unknown;
    backlog_reported_at: unknown;
    open_gaps: unknown;
    gaps: { businessDate: string; seq: number; detectedAt: string }[] | string;
  }>(
    `SELECT t.id, s.code AS store_code, t.code, t.name, t.created_at, t.revoked_at, t.last_seen_at, t.last_ingest_at, t.orders_stored,
       t.backlog_pending, t.backlog_dead, t.backlog_oldest_at, t.backlog_reported_at,
       (SELECT count(*) FROM sync_gaps g WHERE g.store_id = t.store_id AND g.terminal_code = t.code AND g.filled_at IS NULL) AS open_gaps,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('businessDate', x.business_date::text, 'seq', x.seq, 'detectedAt', x.detected_at) ORDER BY x.business_date, x.seq), '[]'::jsonb)
          FROM (SELECT g.business_date, g.seq, g.detected_at FROM sync_gaps g
                WHERE g.store_id = t.store_id AND g.terminal_code = t.code AND g.filled_at IS NULL
                ORDER BY g.business_date, g.seq LIMIT ${GAPS_LISTED}) x) AS gaps
     FROM terminals t JOIN stores s ON s.id = t.store_id
     WHERE ($1::text IS NULL OR s.code = $1)
     ORDER BY s.code, t.code, t.created_at`,
    [storeCode ?? null],
  );
  return {
    terminals: rows.map((row) => {
      const gaps = typeof row.gaps === 'string' ? (JSON.parse(row.gaps) as typeof row.gaps & object[]) : row.gaps;
      return {
        terminalId: row.id,
        storeCode: row.store_code,
        terminalCode: row.code,
        name: row.name,
        enrolledAt: toIso(row.created_at)!,
        revokedAt: toIso(row.revoked_at),
        lastSeenAt: toIso(row.last_seen_at),
        lastIngestAt: toIso(row.last_ingest_at),
        ordersStored: toInt(row.orders_stored),
        backlog:
          row.backlog_reported_at === null || row.backlog_reported_at === undefined
            ? null
            : {
                pending: toInt(row.backlog_pending),
                dead: toInt(row.backlog_dead),
                oldestPendingAt: toIso(row.backlog_oldest_at),
                reportedAt: toIso(row.backlog_reported_at),
              },
        openGapCount: toInt(row.open_gaps),
        gaps: (gaps as { businessDate: string; seq: number; detectedAt: string }[]).map((gap) => ({
          businessDate: gap.businessDate,
          seq: gap.seq,
          detectedAt: toIso(gap.detectedAt)!,
        })),
      };
    }),
  };
}
