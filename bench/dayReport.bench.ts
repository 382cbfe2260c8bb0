/**
 * The daily settlement (日结) report against a year of orders: a store holding ~500k orders (365 days
 * × 1,370, with lines, payments and ~3 % refunds, generated with direct inserts by
 * bench/generateOrders.ts) plus one busy day of 2,000 orders with refunds (some of earlier days'
 * orders). Times buildDayReport for the busy day (median of 11) next to ONE hand-written aggregate
 * over the same day (`SELECT count(*), sum(total_fen) … WHERE store_id = ? AND business_date = ?`),
 * and runReconciliation against generated bills for that day (both providers' bills built from the
 * day's provider payments and refunds, handed over by an in-process client: the comparison and the
 * stored run, not the download). Prints figures; asserts nothing.
 *
 *   npx tsx bench/dayReport.bench.ts [ordersPerDay=1370]     (KEEP_BENCH_DB=1 keeps the generated database)
 *
 * Measured on the 2-core development machine (2026-11-23, other work running alongside):
 *   502,050 orders, 1,757,300 lines, 502,050 payments, 15,247 refunds generated in 58.6 s;
 *   busy day: 2,000 orders, 94 refunds counted on it
 *   buildDayReport (busy day)            median 28.6 ms  (min 24.5, max 37.5)
 *   one aggregate (count, sum), same day median  0.79 ms (min 0.70, max 1.13)
 *   ratio                                36 ×  (the report runs ten grouped queries, two of them over
 *                                        the day's ~7,000 lines, plus the zone's offsets via Intl)
 *   runReconciliation vs generated bills (973 WeChat + 616 Alipay rows, all matched)
 *                                        median 354 ms  (min 341, max 389)
 * Again on the idle machine (same day, 2026-11-23 18:10 UTC): generated in 45.3 s; buildDayReport
 *   median 20.32 ms (min 18.99, max 22.67), one aggregate 0.33 ms, ratio 61.8 ×; runReconciliation
 *   median 304 ms (min 298, max 313).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../db/connection';
import { seedDemoStore } from '../db/seed/demoStore';
import { seedDemoCatalog } from '../db/seed/demoCatalog';
import { firstTerminal } from '../db/stores/storesAndTerminals';
import { buildDayReport } from '../electron/reports/dayReport';
import { runReconciliation } from '../electron/reports/reconcile';
import type { BillRow, PaymentProvider, TradeBill } from '../electron/payments/provider';
import { generateOrders } from './generateOrders';

const perDay = Number(process.argv[2] ?? 1370);
const dir = mkdtempSync(join(tmpdir(), 'till-day-bench-'));
const file = join(dir, 'till.sqlite');
const DAY_MS = 86_400_000;
const shanghaiDate = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

const median = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
async function time(runs: number, fn: () => unknown): Promise<{ median: number; min: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return { median: median(times), min: Math.min(...times), max: Math.max(...times) };
}

try {
  const { db } = openDatabase({ file });
  db.pragma('synchronous = OFF'); // generation only
  await seedDemoStore(db, new Date().toISOString());
  seedDemoCatalog(db);
  const terminal = firstTerminal(db)!;
  const storeId = terminal.store.id;

  // A year ending the day before yesterday, then the busy day (yesterday: its bills are "available").
  const busyDay = shanghaiDate(Date.now() - DAY_MS);
  const yearEnd = shanghaiDate(Date.now() - 2 * DAY_MS);
  const started = performance.now();
  const year = generateOrders(db, { days: 365, ordersPerDay: perDay, endDate: yearEnd, seed: 7 });
  const busy = generateOrders(db, { days: 1, ordersPerDay: 2000, endDate: busyDay, seed: 11 });
  // Provider payments carry our out_trade_no format (T + the payment's ULID) so bills match them.
  db.prepare("UPDATE payments SET out_trade_no = 'T' || id WHERE tender <> 'cash'").run();
  // ~3 % of all orders get a refund on their own day; some of the day before's orders are refunded on the busy day.
  const insertRefunds = db.prepare(
    `INSERT INTO refunds (id, order_id, payment_id, out_refund_no, amount_fen, reason, state, automatic, provider_refund_id, requested_by, approved_by,
       created_at, updated_at, succeeded_at, business_date)
     SELECT 'R' || p.id, o.id, p.id, 'R' || o.order_no || '-1', max(1, p.amount_fen / 3), '退货', 'succeeded', 0,
       CASE WHEN p.tender = 'cash' THEN NULL ELSE 'PR' || p.id END, o.cashier_id, o.cashier_id, o.paid_at, o.paid_at, o.paid_at, @day
     FROM orders o JOIN payments p ON p.order_id = o.id
     WHERE o.rowid % 33 = 0 AND o.business_date <> @busy`,
  );
  db.transaction(() => {
    insertRefunds.run({ day: null, busy: busyDay });
    db.prepare('UPDATE refunds SET business_date = (SELECT business_date FROM orders WHERE orders.id = refunds.order_id) WHERE business_date IS NULL').run();
    db.prepare(
      `INSERT INTO refunds (id, order_id, payment_id, out_refund_no, amount_fen, reason, state, automatic, provider_refund_id, requested_by, approved_by,
         created_at, updated_at, succeeded_at, business_date)
       SELECT 'R' || p.id, o.id, p.id, 'R' || o.order_no || '-1', max(1, p.amount_fen / 2), '退货', 'succeeded', 0,
         CASE WHEN p.tender = 'cash' THEN NULL ELSE 'PR' || p.id END, o.cashier_id, o.cashier_id, @at, @at, @at, @busy
       FROM orders o JOIN payments p ON p.order_id = o.id
       WHERE o.business_date = @busy AND o.rowid % 25 = 0
       UNION ALL
       SELECT 'R' || p.id, o.id, p.id, 'R' || o.order_no || '-1', max(1, p.amount_fen / 2), '隔日退货', 'succeeded', 0,
         CASE WHEN p.tender = 'cash' THEN NULL ELSE 'PR' || p.id END, o.cashier_id, o.cashier_id, @at, @at, @at, @busy
       FROM orders o JOIN payments p ON p.order_id = o.id
       WHERE o.business_date = @prev AND o.rowid % 33 = 1 AND o.rowid % 100 < 40`,
    ).run({ busy: busyDay, prev: yearEnd, at: `${busyDay}T06:00:00.000Z` });
    db.prepare("UPDATE orders SET state = 'partially_refunded', refunded_fen = (SELECT sum(amount_fen) FROM refunds WHERE refunds.order_id = orders.id) WHERE id IN (SELECT order_id FROM refunds)").run();
  })();
  db.pragma('synchronous = FULL');
  db.exec('ANALYZE');
  const counts = db
    .prepare(
      `SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM order_lines) AS lines, (SELECT count(*) FROM payments) AS payments,
              (SELECT count(*) FROM refunds) AS refunds, (SELECT count(*) FROM refunds WHERE business_date = ?) AS busy_refunds`,
    )
    .get(busyDay) as Record<string, number>;
  console.log(
    `generated ${year.orders + busy.orders} orders (${counts.orders} in the store), ${counts.lines} lines, ${counts.payments} payments, ${counts.refunds} refunds ` +
      `in ${((performance.now() - started) / 1000).toFixed(1)} s; busy day ${busyDay}: ${busy.orders} orders, ${counts.busy_refunds} refunds counted on it`,
  );

  const options = { storeId, businessDate: busyDay, timeZone: 'Asia/Shanghai', dayStartHour: 0, now: new Date().toISOString() };
  const report = buildDayReport(db, options);
  console.log(
    `report: ${report.totals.orderCount} sales, ${report.totals.salesFen} fen, refunds ${report.totals.refundsFen} fen (${report.totals.refundCount}), ` +
      `${report.hours.length} hours, ${report.cashiers.length} cashiers, tenders ${report.tenders.map((t) => `${t.tender} ${t.netFen}`).join(' / ')}`,
  );
  const oneAggregate = db.prepare('SELECT count(*) AS n, sum(total_fen) AS fen FROM orders WHERE store_id = ? AND business_date = ?');
  // Warm both, then measure.
  for (let i = 0; i < 3; i++) {
    buildDayReport(db, options);
    oneAggregate.get(storeId, busyDay);
  }
  const full = await time(11, () => buildDayReport(db, options));
  const single = await time(11, () => oneAggregate.get(storeId, busyDay));
  console.log(`buildDayReport (busy day)           median ${full.median.toFixed(2).padStart(8)} ms   min ${full.min.toFixed(2)}   max ${full.max.toFixed(2)}`);
  console.log(`one aggregate (count, sum) same day  median ${single.median.toFixed(2).padStart(8)} ms   min ${single.min.toFixed(2)}   max ${single.max.toFixed(2)}`);
  console.log(`ratio                                ${(full.median / single.median).toFixed(1)} ×`);

  // Reconciliation against bills generated from the day's provider payments and refunds.
  const billOf = (provider: 'wechat' | 'alipay'): TradeBill => {
    const payments = db
      .prepare(
        `SELECT p.out_trade_no, p.provider_trade_no, p.amount_fen, p.succeeded_at FROM payments p JOIN orders o ON o.id = p.order_id
         WHERE o.store_id = ? AND o.business_date = ? AND p.tender = ? AND p.state = 'succeeded'`,
      )
      .all(storeId, busyDay, provider) as { out_trade_no: string; provider_trade_no: string; amount_fen: number; succeeded_at: string }[];
    const refunds = db
      .prepare(
        `SELECT p.out_trade_no, p.provider_trade_no, r.out_refund_no, r.provider_refund_id, r.amount_fen, r.succeeded_at FROM refunds r
         JOIN payments p ON p.id = r.payment_id WHERE r.business_date = ? AND p.tender = ? AND r.state = 'succeeded'`,
      )
      .all(busyDay, provider) as { out_trade_no: string; provider_trade_no: string; out_refund_no: string; provider_refund_id: string; amount_fen: number; succeeded_at: string }[];
    const rows: BillRow[] = [
      ...payments.map((p) => ({ provider, kind: 'payment' as const, tradeTime: p.succeeded_at, providerTradeNo: p.provider_trade_no, outTradeNo: p.out_trade_no, amountFen: p.amount_fen, status: 'SUCCESS' })),
      ...refunds.map((r) => ({
        provider,
        kind: 'refund' as const,
        tradeTime: r.succeeded_at,
        providerTradeNo: r.provider_trade_no,
        outTradeNo: r.out_trade_no,
        amountFen: r.amount_fen,
        outRefundNo: r.out_refund_no,
        providerRefundId: r.provider_refund_id,
        status: 'SUCCESS',
      })),
    ];
    return { provider, billDate: busyDay, rows, empty: rows.length === 0 };
  };
  const bills = { wechat: billOf('wechat'), alipay: billOf('alipay') };
  const client = (provider: 'wechat' | 'alipay') => ({ downloadTradeBill: async () => bills[provider] }) as unknown as PaymentProvider;
  const deps = { db, providers: () => ({ wechat: client('wechat'), alipay: client('alipay') }), clock: () => Date.now() + 2 * DAY_MS };
  const first = await runReconciliation(deps, { storeId, businessDate: busyDay, userId: 'demo-manager' });
  console.log(
    `reconciliation: bills of ${bills.wechat.rows.length} + ${bills.alipay.rows.length} rows; ` +
      first.providers.map((p) => `${p.provider} ${p.status} ${p.matchedRows}/${p.billRows}`).join(', ') +
      `; ${first.issues.length} issues`,
  );
  const recon = await time(5, () => runReconciliation(deps, { storeId, businessDate: busyDay, userId: 'demo-manager' }));
  console.log(`runReconciliation (busy day, both)   median ${recon.median.toFixed(2).padStart(8)} ms   min ${recon.min.toFixed(2)}   max ${recon.max.toFixed(2)}`);
  db.close();
} finally {
  if (!process.env.KEEP_BENCH_DB) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${file}`);
}
