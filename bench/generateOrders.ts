/**
 * Generates a year (or any span) of realistic completed orders straight into a till database, for
 * benchmarks of open time, reports and sync. Rows satisfy every CHECK of the schema: line nets add
 * up, taxes are included, tenders cover totals. Deterministic for a given seed.
 *
 *   npx tsx bench/generateOrders.ts <dbfile> [days=365] [ordersPerDay=1500]
 */
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';
import { openDatabase } from '../db/connection';
import { firstTerminal } from '../db/stores/storesAndTerminals';
import { mulberry32 } from './prng';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function ulidAt(ms: number, random: () => number): string {
  let time = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let rand = '';
  for (let i = 0; i < 16; i++) rand += CROCKFORD[Math.floor(random() * 32)];
  return time + rand;
}

function includedTax(grossFen: number, rateBp: number): number {
  // gross − round-half-up(gross × 10000 / (10000 + rate)), integer only
  const denominator = 10_000 + rateBp;
  const net = Math.floor((grossFen * 10_000 * 2 + denominator) / (denominator * 2));
  return grossFen - net;
}

export interface GenerateOrdersOptions {
  days: number;
  ordersPerDay: number;
  /** Last business day generated (YYYY-MM-DD); defaults to yesterday. */
  endDate?: string;
  seed?: number;
  cashierIds?: string[];
}

export function generateOrders(db: Database, options: GenerateOrdersOptions): { orders: number; lines: number } {
  const terminal = firstTerminal(db);
  if (!terminal) throw new Error('The database has no store/terminal; seed it first');
  const random = mulberry32(options.seed ?? 7);
  const products = db
    .prepare("SELECT id, sku, name, unit, sold_by, price_fen, tax_rate_bp FROM products WHERE active = 1 AND price_fen > 0 ORDER BY id LIMIT 5000")
    .all() as { id: number; sku: string; name: string; unit: string; sold_by: 'unit' | 'weight'; price_fen: number; tax_rate_bp: number }[];
  if (products.length === 0) throw new Error('The database has no products; seed a catalog first');
  const cashiers = options.cashierIds ?? (db.prepare('SELECT id FROM users ORDER BY id').all() as { id: string }[]).map((u) => u.id);
  const end = options.endDate ? Date.parse(`${options.endDate}T00:00:00+08:00`) : Date.now() - 86_400_000;

  const insertOrder = db.prepare(`INSERT INTO orders (id, order_no, store_id, terminal_id, business_date, seq, cashier_id, state, version,
      subtotal_fen, line_discount_fen, order_discount_fen, coupon_fen, rounding_fen, rounding_rule, delivery_fee_fen, total_fen, tax_fen,
      paid_fen, change_fen, refunded_fen, created_at, updated_at, paid_at, completed_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, 'completed', 3, ?, 0, 0, 0, 0, 'none', 0, ?, ?, ?, ?, 0, ?, ?, ?, ?)`);
  const insertLine = db.prepare(`INSERT INTO order_lines (order_id, line_no, product_id, sku, barcode, name, unit, sold_by, quantity,
      unit_price_fen, price_overridden, original_fen, line_discount_fen, order_discount_fen, coupon_fen, rounding_fen, net_fen, tax_rate_bp, tax_fen)
    VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, 0, ?, 0, 0, 0, 0, ?, ?, ?)`);
  const insertPayment = db.prepare(`INSERT INTO payments (id, order_id, tender, method, out_trade_no, amount_fen, tendered_fen, change_fen, state,
      provider_trade_no, provider_state, created_at, updated_at, succeeded_at, finished_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'succeeded', ?, ?, ?, ?, ?, ?)`);
  const insertSequence = db.prepare(
    'INSERT INTO order_sequences (terminal_id, business_date, last_seq) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)',
  );
  const insertOutbox = db.prepare(
    "INSERT INTO outbox (kind, aggregate_id, aggregate_version, created_at, sent_at) VALUES ('order', ?, 3, ?, ?)",
  );

  let orderCount = 0;
  let lineCount = 0;
  const generateDay = db.transaction((dayStart: number, date: string) => {
    const compact = date.replaceAll('-', '');
    for (let seq = 1; seq <= options.ordersPerDay; seq++) {
      // Opening hours 07:00–23:00 Beijing time, busier around noon and evening.
      const minute = 7 * 60 + Math.floor(Math.pow(random(), 0.9) * 16 * 60);
      const at = dayStart + minute * 60_000 + Math.floor(random() * 60_000);
      const iso = new Date(at).toISOString();
      const id = ulidAt(at, random);
      const lineTotal = 1 + Math.floor(random() * 6);
      let subtotal = 0;
      let tax = 0;
      const lines: unknown[][] = [];
      const taxByRate = new Map<number, number>();
      for (let n = 1; n <= lineTotal; n++) {
        const product = products[Math.floor(random() * products.length)]!;
        const quantity = product.sold_by === 'weight' ? 200 + Math.floor(random() * 1500) : 1 + Math.floor(random() * 3);
        const original = product.sold_by === 'weight' ? Math.floor((product.price_fen * quantity + 500) / 1000) : product.price_fen * quantity;
        subtotal += original;
        taxByRate.set(product.tax_rate_bp, (taxByRate.get(product.tax_rate_bp) ?? 0) + original);
        lines.push([id, n, product.id, product.sku, product.name, product.unit, product.sold_by, quantity, product.price_fen, original, original, product.tax_rate_bp]);
      }
      // Line tax: the included tax of each line on its own; the order tax is their sum (kept consistent).
      const lineTaxes = lines.map((line) => includedTax(line[10] as number, line[11] as number));
      tax = lineTaxes.reduce((a, b) => a + b, 0);
      const tenderRoll = random();
      const tender = tenderRoll < 0.25 ? 'cash' : tenderRoll < 0.7 ? 'wechat' : 'alipay';
      const tendered = tender === 'cash' ? Math.ceil(subtotal / 1000) * 1000 : null;
      const change = tendered === null ? 0 : tendered - subtotal;
      const orderNo = `${terminal.store.code}-${terminal.code}-${compact}-${String(seq).padStart(4, '0')}`;
      insertOrder.run(id, orderNo, terminal.store.id, terminal.id, date, seq, cashiers[seq % cashiers.length], subtotal, subtotal, tax, subtotal, change, iso, iso, iso, iso);
      lines.forEach((line, index) => insertLine.run(...line, lineTaxes[index]));
      const outTradeNo = tender === 'cash' ? null : `P${id}`;
      insertPayment.run(
        ulidAt(at, random), id, tender, tender === 'cash' ? 'cash' : random() < 0.5 ? 'merchant_qr' : 'customer_code', outTradeNo, subtotal, tendered, change,
        tender === 'cash' ? null : `42000${Math.floor(random() * 1e12)}`, tender === 'cash' ? null : tender === 'wechat' ? 'SUCCESS' : 'TRADE_SUCCESS', iso, iso, iso, iso,
      );
      insertOutbox.run(id, iso, iso);
      orderCount += 1;
      lineCount += lines.length;
    }
    insertSequence.run(terminal.id, date, options.ordersPerDay);
  });

  for (let day = options.days - 1; day >= 0; day--) {
    const dayStart = end - day * 86_400_000;
    const date = new Date(dayStart + 8 * 3_600_000).toISOString().slice(0, 10);
    generateDay(dayStart, date);
  }
  return { orders: orderCount, lines: lineCount };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, days = '365', perDay = '1500'] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npx tsx bench/generateOrders.ts <dbfile> [days] [ordersPerDay]');
    process.exit(2);
  }
  const { db } = openDatabase({ file });
  db.pragma('synchronous = OFF'); // generation only; the app itself always runs with FULL
  const started = performance.now();
  const result = generateOrders(db, { days: Number(days), ordersPerDay: Number(perDay) });
  console.log(`generated ${result.orders} orders, ${result.lines} lines in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  db.close();
}
