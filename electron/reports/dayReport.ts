import type { Database } from 'better-sqlite3';
import type {
  CashierTotals,
  DayReport,
  HourTotals,
  SalesTotals,
  Tender,
  TenderTotals,
  TopProduct,
  UnfinishedPayment,
  UnsyncedOrder,
} from './types';
import { listShiftCash } from './shifts';
import { latestReconciliation } from './reconcile';

/**
 * The daily settlement (Z, 日结) report: a handful of grouped SQL aggregates over one store's
 * business day, exactly per the definitions in types.ts. No per-order work happens in JavaScript:
 * every section is one query through orders_store_day (the day's orders), refunds_day (the refunds
 * made that day) or payments_order, and the JavaScript only folds the few grouped rows.
 *
 * Hours: SQLite knows no time zones, so the zone's UTC offsets are worked out here with Intl for a
 * window around the business day (from two days before to three days after, to also place an order
 * of day D paid late) as segments [fromEpochSecond, toEpochSecond, offsetSeconds], passed to SQL as
 * JSON. A DST zone abroad gets two segments on a transition day, each transition located to the
 * second; Asia/Shanghai (no DST) gets one. The local hour is then ((epoch + offset) mod 86400) / 3600.
 */

export const SALE_STATES = ['paid', 'in_progress', 'completed', 'refunded', 'partially_refunded'] as const;
export const TENDERS: readonly Tender[] = ['cash', 'wechat', 'alipay'];
const UNFINISHED_PAYMENT_STATES = ['created', 'pending', 'unknown', 'closing'] as const;
export const TOP_PRODUCTS = 10;

export interface DayReportOptions {
  storeId: string;
  businessDate: string;
  timeZone: string;
  /** The store's business-day start hour (settings store.businessDayStartHour). */
  dayStartHour: number;
  /** ISO time stamped as generatedAt. */
  now: string;
}

const SALES = `o.state IN (${SALE_STATES.map((s) => `'${s}'`).join(', ')})`;
const DAY_ORDERS = 'o.store_id = @storeId AND o.business_date = @day';
// Refunds counted on day D: succeeded, stamped with D, of an order of the store (any order day).
const DAY_REFUNDS = `FROM refunds r JOIN orders o ON o.id = r.order_id
  WHERE r.business_date = @day AND r.state = 'succeeded' AND o.store_id = @storeId`;

/** The zone's offset from UTC at an instant, in seconds (east positive). */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function zoneOffsetSeconds(timeZone: string, epochMs: number): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? '0');
  const localAsUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  return Math.round((localAsUtc - wholeSecond) / 1000);
}

/**
 * Offset segments covering [day − 2, day + 3) UTC: [fromSec, toSec, offsetSec]. Probed daily;
 * where the offset changes, the transition second is found by bisection.
 */
export function zoneSegments(timeZone: string, businessDate: string): [number, number, number][] {
  const [y, m, d] = businessDate.split('-').map(Number) as [number, number, number];
  const startSec = Date.UTC(y, m - 1, d - 2) / 1000;
  const endSec = Date.UTC(y, m - 1, d + 3) / 1000;
  const offsetAt = (sec: number) => zoneOffsetSeconds(timeZone, sec * 1000);
  const segments: [number, number, number][] = [];
  let from = startSec;
  let current = offsetAt(startSec);
  // Daily probes: zones change offset at most a few times a year, months apart, so two changes never
  // fall between neighbouring probes; a change found is then located to the second by bisection.
  for (let probe = startSec + 86_400; probe <= endSec; probe += 86_400) {
    const next = offsetAt(probe);
    if (next === current) continue;
    let lo = probe - 86_400; // offset there = current
    let hi = probe; // offset there = next
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(mid) === current) lo = mid;
      else hi = mid;
    }
    segments.push([from, hi, current]);
    from = hi;
    current = next;
  }
  segments.push([from, endSec, current]);
  return segments;
}

interface TotalsRow {
  gross: number;
  line_discounts: number;
  order_discounts: number;
  coupons: number;
  rounding: number;
  delivery: number;
  sales: number;
  tax: number;
  orders: number;
}

interface RefundGroupRow {
  tender: Tender;
  requested_by: string | null;
  automatic: number;
  n: number;
  fen: number;
}

export function buildDayReport(db: Database, options: DayReportOptions): DayReport {
  const { storeId, businessDate, timeZone } = options;
  const params = { storeId, day: businessDate };
  const read = db.transaction((): DayReport => {
    const store = db.prepare('SELECT name FROM stores WHERE id = ?').get(storeId) as { name: string } | undefined;

    const t = db
      .prepare(
        `SELECT coalesce(sum(o.subtotal_fen), 0) AS gross, coalesce(sum(o.line_discount_fen), 0) AS line_discounts,
           coalesce(sum(o.order_discount_fen), 0) AS order_discounts, coalesce(sum(o.coupon_fen), 0) AS coupons,
           coalesce(sum(o.rounding_fen), 0) AS rounding, coalesce(sum(o.delivery_fee_fen), 0) AS delivery,
           coalesce(sum(o.total_fen), 0) AS sales, coalesce(sum(o.tax_fen), 0) AS tax, count(*) AS orders
         FROM orders o WHERE ${DAY_ORDERS} AND ${SALES}`,
      )
      .get(params) as TotalsRow;

    // One pass over the sales' lines: every SKU's sums, the day's item count over all of them (a
    // window over the grouped rows, evaluated before the LIMIT), then the ten largest by net.
    const top = db
      .prepare(
        `WITH bysku AS (
           SELECT l.sku AS sku, max(l.name) AS name, sum(l.quantity) AS quantity, max(l.sold_by) AS soldBy, sum(l.net_fen) AS netFen,
                  sum(CASE WHEN l.sold_by = 'weight' THEN 1 ELSE l.quantity END) AS items
           FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE ${DAY_ORDERS} AND ${SALES} GROUP BY l.sku)
         SELECT sku, name, quantity, soldBy, netFen, sum(items) OVER () AS itemsSold FROM bysku
         ORDER BY netFen DESC, sku ASC LIMIT ${TOP_PRODUCTS}`,
      )
      .all(params) as (TopProduct & { itemsSold: number })[];
    const itemsSold = top[0]?.itemsSold ?? 0;
    const topProducts: TopProduct[] = top.map(({ itemsSold: _all, ...product }) => product);

    const refundGroups = db
      .prepare(
        `SELECT p.tender AS tender, r.requested_by AS requested_by, r.automatic AS automatic, count(*) AS n, sum(r.amount_fen) AS fen
         FROM refunds r JOIN orders o ON o.id = r.order_id JOIN payments p ON p.id = r.payment_id
         WHERE r.business_date = @day AND r.state = 'succeeded' AND o.store_id = @storeId
         GROUP BY p.tender, r.requested_by, r.automatic`,
      )
      .all(params) as RefundGroupRow[];

    const taken = db
      .prepare(
        `SELECT p.tender AS tender, count(*) AS n, sum(p.amount_fen) AS fen
         FROM orders o JOIN payments p ON p.order_id = o.id WHERE ${DAY_ORDERS} AND p.state = 'succeeded'
         GROUP BY p.tender`,
      )
      .all(params) as { tender: Tender; n: number; fen: number }[];

    const cashierRows = db
      .prepare(
        `WITH s AS (SELECT o.cashier_id AS id, count(*) AS n, sum(o.total_fen) AS fen FROM orders o
                    WHERE ${DAY_ORDERS} AND ${SALES} GROUP BY o.cashier_id),
              r AS (SELECT r.requested_by AS id, sum(r.amount_fen) AS fen ${DAY_REFUNDS} GROUP BY r.requested_by),
              ids AS (SELECT id FROM s UNION SELECT id FROM r)
         SELECT ids.id AS cashierId, u.display_name AS cashierName, coalesce(s.n, 0) AS orderCount,
                coalesce(s.fen, 0) AS salesFen, coalesce(r.fen, 0) AS refundsFen
         FROM ids LEFT JOIN s ON s.id IS ids.id LEFT JOIN r ON r.id IS ids.id LEFT JOIN users u ON u.id = ids.id
         ORDER BY ids.id IS NULL, ids.id`,
      )
      .all(params) as CashierTotals[];

    const segments = zoneSegments(timeZone, businessDate);
    const hours = db
      .prepare(
        `WITH seg AS MATERIALIZED (SELECT json_extract(value, '$[0]') AS from_s, json_extract(value, '$[1]') AS to_s, json_extract(value, '$[2]') AS off
                                   FROM json_each(@segments)),
              sold AS (SELECT CAST(strftime('%s', o.paid_at) AS INTEGER) AS at_s, o.total_fen FROM orders o
                       WHERE ${DAY_ORDERS} AND ${SALES} AND o.paid_at IS NOT NULL),
              placed AS (SELECT sold.total_fen, (((sold.at_s + coalesce(seg.off, @fallback)) % 86400) + 86400) % 86400 / 3600 AS hour
                         FROM sold LEFT JOIN seg ON sold.at_s >= seg.from_s AND sold.at_s < seg.to_s)
         SELECT hour, count(*) AS orderCount, sum(total_fen) AS salesFen FROM placed GROUP BY hour ORDER BY hour`,
      )
      .all({ ...params, segments: JSON.stringify(segments), fallback: zoneOffsetSeconds(timeZone, Date.parse(`${businessDate}T00:00:00Z`) + options.dayStartHour * 3_600_000) }) as HourTotals[];

    const unfinishedPayments = db
      .prepare(
        `SELECT p.id AS paymentId, o.id AS orderId, o.order_no AS orderNo, p.tender AS tender, p.out_trade_no AS outTradeNo,
                p.amount_fen AS amountFen, p.state AS state, p.created_at AS createdAt
         FROM orders o JOIN payments p ON p.order_id = o.id
         WHERE ${DAY_ORDERS} AND p.state IN (${UNFINISHED_PAYMENT_STATES.map((s) => `'${s}'`).join(', ')})
         ORDER BY p.created_at, p.id`,
      )
      .all(params) as UnfinishedPayment[];

    const unsynced = db
      .prepare(
        // The backlog (pending and dead rows) through its two partial indexes: small even when the
        // outbox holds a year of sent rows, then matched to the day's orders.
        `WITH x AS (SELECT aggregate_id, created_at, 0 AS dead FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL
                    UNION ALL
                    SELECT aggregate_id, created_at, 1 AS dead FROM outbox WHERE dead_at IS NOT NULL AND sent_at IS NULL)
         SELECT o.id AS orderId, o.order_no AS orderNo, o.state AS state, min(x.created_at) AS pendingSince, max(x.dead) AS dead
         FROM x JOIN orders o ON o.id = x.aggregate_id
         WHERE ${DAY_ORDERS}
         GROUP BY o.id ORDER BY pendingSince, o.id`,
      )
      .all(params) as (Omit<UnsyncedOrder, 'dead'> & { dead: number })[];

    // Fold the grouped refund rows (a few per tender × cashier) into the sections.
    let refundsFen = 0;
    let refundCount = 0;
    let automaticRefundsFen = 0;
    const refundedByTender = new Map<Tender, { fen: number; n: number }>();
    for (const g of refundGroups) {
      refundsFen += g.fen;
      refundCount += g.n;
      if (g.automatic === 1) automaticRefundsFen += g.fen;
      const acc = refundedByTender.get(g.tender) ?? { fen: 0, n: 0 };
      acc.fen += g.fen;
      acc.n += g.n;
      refundedByTender.set(g.tender, acc);
    }
    const tenders: TenderTotals[] = TENDERS.map((tender) => {
      const took = taken.find((row) => row.tender === tender);
      const back = refundedByTender.get(tender);
      const takenFen = took?.fen ?? 0;
      const refundedFen = back?.fen ?? 0;
      return { tender, takenFen, paymentCount: took?.n ?? 0, refundedFen, refundCount: back?.n ?? 0, netFen: takenFen - refundedFen };
    });

    const totals: SalesTotals = {
      grossFen: t.gross,
      lineDiscountsFen: t.line_discounts,
      orderDiscountsFen: t.order_discounts,
      couponsFen: t.coupons,
      roundingFen: t.rounding,
      deliveryFeesFen: t.delivery,
      salesFen: t.sales,
      taxFen: t.tax,
      refundsFen,
      automaticRefundsFen,
      netFen: t.sales - refundsFen,
      orderCount: t.orders,
      refundCount,
      averageTicketFen: t.orders === 0 ? 0 : Math.floor(t.sales / t.orders),
      itemsSold,
    };

    return {
      storeId,
      storeName: store?.name ?? '',
      businessDate,
      timeZone,
      generatedAt: options.now,
      totals,
      tenders,
      cashiers: cashierRows,
      hours,
      topProducts,
      shifts: listShiftCash(db, storeId, businessDate),
      unfinishedPayments,
      unsyncedOrders: unsynced.map((row) => ({ ...row, dead: row.dead === 1 })),
      reconciliation: latestReconciliation(db, storeId, businessDate),
    };
  });
  // One read transaction: every section sees the same snapshot of the store.
  return read.deferred();
}
