/**
 * Head office's view of one store's business day: the same totals, tenders, cashiers (ids; the
 * cloud has no user names), hours and top products as the till's daily settlement (日结) report,
 * with the same definitions (electron/reports/types.ts), computed in SQL over the synced orders:
 *
 * - sales: orders of the store with business_date = D in paid, in_progress, completed, refunded,
 *   partially_refunded; amounts are sums of the order columns; salesFen = Σ total_fen.
 * - refunds: succeeded refunds whose own business day (stamped by the till, order_refunds.business_date)
 *   is D, of orders of the store, whatever day the order was sold; automatic ones also counted apart.
 * - tenders: taken = Σ succeeded payments (cash net of change) of the day's orders whatever their
 *   state; refunded = the tender's share of the refunds above (through the refund's payment).
 * - cashiers: sales by orders.cashier_id; refunds by order_refunds.requested_by (null: automatic).
 * - hours: local hour of paid_at in the store's zone (stores.timezone, PostgreSQL's zone database).
 * - average ticket = floor(sales / count); items = Σ quantity of unit lines + 1 per weighed line;
 *   top products = top 10 by Σ net_fen over the sales' lines, ties by sku (byte order).
 *
 * A till's sales reach here only once synced: the figures equal the till's when its backlog is empty.
 */
import { CloudHttpError } from './errors';
import { toInt, type Queryable } from './db';

export const DAY_SALE_STATES = ['paid', 'in_progress', 'completed', 'refunded', 'partially_refunded'] as const;
const TENDERS = ['cash', 'wechat', 'alipay'] as const;

export interface CloudDayTotals {
  grossFen: number;
  lineDiscountsFen: number;
  orderDiscountsFen: number;
  couponsFen: number;
  roundingFen: number;
  deliveryFeesFen: number;
  salesFen: number;
  taxFen: number;
  refundsFen: number;
  automaticRefundsFen: number;
  netFen: number;
  orderCount: number;
  refundCount: number;
  averageTicketFen: number;
  itemsSold: number;
}

export interface CloudDayReport {
  storeCode: string;
  storeName: string;
  businessDate: string;
  timeZone: string;
  totals: CloudDayTotals;
  tenders: { tender: string; takenFen: number; paymentCount: number; refundedFen: number; refundCount: number; netFen: number }[];
  cashiers: { cashierId: string | null; orderCount: number; salesFen: number; refundsFen: number }[];
  hours: { hour: number; orderCount: number; salesFen: number }[];
  topProducts: { sku: string; name: string; quantity: number; soldBy: 'unit' | 'weight'; netFen: number }[];
}

const SALES = `o.state IN (${DAY_SALE_STATES.map((s) => `'${s}'`).join(', ')})`;
const DAY = 'o.store_id = $1 AND o.business_date = $2::date';
const DAY_REFUNDS = `FROM order_refunds r JOIN orders o ON o.id = r.order_id
  WHERE r.business_date = $2::date AND r.state = 'succeeded' AND o.store_id = $1`;

export async function dayReport(db: Queryable, storeCode: string, businessDate: string): Promise<CloudDayReport> {
  const [store] = await db.query<{ id: string; code: string; name: string; timezone: string }>('SELECT id, code, name, timezone FROM stores WHERE code = $1', [storeCode]);
  if (!store) throw new CloudHttpError('STORE_NOT_FOUND');
  const params = [store.id, businessDate];

  const [t] = await db.query<Record<string, unknown>>(
    `SELECT coalesce(sum(o.subtotal_fen), 0) AS gross, coalesce(sum(o.line_discount_fen), 0) AS line_discounts,
       coalesce(sum(o.order_discount_fen), 0) AS order_discounts, coalesce(sum(o.coupon_fen), 0) AS coupons,
       coalesce(sum(o.rounding_fen), 0) AS rounding, coalesce(sum(o.delivery_fee_fen), 0) AS delivery,
       coalesce(sum(o.total_fen), 0) AS sales, coalesce(sum(o.tax_fen), 0) AS tax, count(*) AS orders,
       (SELECT coalesce(sum(CASE WHEN l.sold_by = 'weight' THEN 1 ELSE l.quantity END), 0)
          FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE ${DAY} AND ${SALES}) AS items
     FROM orders o WHERE ${DAY} AND ${SALES}`,
    params,
  );
  const refundGroups = await db.query<{ tender: string; requested_by: string | null; automatic: boolean; n: unknown; fen: unknown }>(
    `SELECT p.tender, r.requested_by, r.automatic, count(*) AS n, sum(r.amount_fen) AS fen
     FROM order_refunds r JOIN orders o ON o.id = r.order_id JOIN order_payments p ON p.order_id = r.order_id AND p.id = r.payment_id
     WHERE r.business_date = $2::date AND r.state = 'succeeded' AND o.store_id = $1
     GROUP BY p.tender, r.requested_by, r.automatic`,
    params,
  );
  const taken = await db.query<{ tender: string; n: unknown; fen: unknown }>(
    `SELECT p.tender, count(*) AS n, sum(p.amount_fen) AS fen FROM orders o JOIN order_payments p ON p.order_id = o.id
     WHERE ${DAY} AND p.state = 'succeeded' GROUP BY p.tender`,
    params,
  );
  const cashiers = await db.query<{ id: string | null; n: unknown; sales: unknown; refunds: unknown }>(
    `WITH s AS (SELECT o.cashier_id AS id, count(*) AS n, sum(o.total_fen) AS fen FROM orders o WHERE ${DAY} AND ${SALES} GROUP BY o.cashier_id),
          r AS (SELECT r.requested_by AS id, sum(r.amount_fen) AS fen ${DAY_REFUNDS} GROUP BY r.requested_by),
          ids AS (SELECT id FROM s UNION SELECT id FROM r)
     SELECT ids.id, coalesce(s.n, 0) AS n, coalesce(s.fen, 0) AS sales, coalesce(r.fen, 0) AS refunds
     FROM ids LEFT JOIN s ON s.id IS NOT DISTINCT FROM ids.id LEFT JOIN r ON r.id IS NOT DISTINCT FROM ids.id
     ORDER BY ids.id IS NULL, ids.id COLLATE "C"`,
    params,
  );
  const hours = await db.query<{ hour: unknown; n: unknown; fen: unknown }>(
    `SELECT extract(hour FROM o.paid_at AT TIME ZONE $3)::int AS hour, count(*) AS n, sum(o.total_fen) AS fen
     FROM orders o WHERE ${DAY} AND ${SALES} AND o.paid_at IS NOT NULL GROUP BY 1 ORDER BY 1`,
    [...params, store.timezone],
  );
  const top = await db.query<{ sku: string; name: string; quantity: unknown; sold_by: 'unit' | 'weight'; net: unknown }>(
    `SELECT l.sku, max(l.name COLLATE "C") AS name, sum(l.quantity) AS quantity, max(l.sold_by) AS sold_by, sum(l.net_fen) AS net
     FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE ${DAY} AND ${SALES}
     GROUP BY l.sku ORDER BY net DESC, l.sku COLLATE "C" LIMIT 10`,
    params,
  );

  let refundsFen = 0;
  let refundCount = 0;
  let automaticRefundsFen = 0;
  for (const g of refundGroups) {
    refundsFen += toInt(g.fen);
    refundCount += toInt(g.n);
    if (g.automatic) automaticRefundsFen += toInt(g.fen);
  }
  const salesFen = toInt(t?.sales);
  const orderCount = toInt(t?.orders);
  return {
    storeCode: store.code,
    storeName: store.name,
    businessDate,
    timeZone: store.timezone,
    totals: {
      grossFen: toInt(t?.gross),
      lineDiscountsFen: toInt(t?.line_discounts),
      orderDiscountsFen: toInt(t?.order_discounts),
      couponsFen: toInt(t?.coupons),
      roundingFen: toInt(t?.rounding),
      deliveryFeesFen: toInt(t?.delivery),
      salesFen,
      taxFen: toInt(t?.tax),
      refundsFen,
      automaticRefundsFen,
      netFen: salesFen - refundsFen,
      orderCount,
      refundCount,
      averageTicketFen: orderCount === 0 ? 0 : Math.floor(salesFen / orderCount),
      itemsSold: toInt(t?.items),
    },
    tenders: TENDERS.map((tender) => {
      const took = taken.find((row) => row.tender === tender);
      const back = refundGroups.filter((g) => g.tender === tender);
      const takenFen = toInt(took?.fen);
      const refundedFen = back.reduce((s, g) => s + toInt(g.fen), 0);
      return { tender, takenFen, paymentCount: toInt(took?.n), refundedFen, refundCount: back.reduce((s, g) => s + toInt(g.n), 0), netFen: takenFen - refundedFen };
    }),
    cashiers: cashiers.map((c) => ({ cashierId: c.id, orderCount: toInt(c.n), salesFen: toInt(c.sales), refundsFen: toInt(c.refunds) })),
    hours: hours.map((h) => ({ hour: toInt(h.hour), orderCount: toInt(h.n), salesFen: toInt(h.fen) })),
    topProducts: top.map((p) => ({ sku: p.sku, name: p.name, quantity: toInt(p.quantity), soldBy: p.sold_by, netFen: toInt(p.net) })),
  };
}
