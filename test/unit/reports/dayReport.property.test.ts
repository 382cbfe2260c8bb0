import BetterSqlite3, { type Database } from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMigrations, loadMigrations } from '../../../db/migrate';
import { buildDayReport } from '../../../electron/reports/dayReport';

/**
 * buildDayReport against an independent recomputation. Each run generates one store's day as raw
 * rows (consistent with the schema's CHECKs and the pricing identities): sales with line and order
 * discounts, coupons, 抹零, delivery fees, weighed lines, split tenders with cash change, cancelled
 * and unfinished orders, late successes on cancelled or already-paid orders with their automatic
 * refunds, refunds made on the day and on other days for orders of the day and of other days,
 * several cashiers, hours around DST transitions in zones abroad, and another store's and other
 * days' rows as noise. The expectation is computed here in plain TypeScript from `SELECT *` of the
 * raw tables, following the words of types.ts (nothing shared with dayReport.ts).
 */

const MIGRATIONS = loadMigrations();
const SALE = new Set(['paid', 'in_progress', 'completed', 'refunded', 'partially_refunded']);
const CASHIERS = ['U-CASH-1', 'U-CASH-2', 'U-CASH-3'];
const MANAGER = 'U-MGR';
const PRODUCTS = [
  { sku: 'SKU-01', name: '矿泉水', soldBy: 'unit', price: 200 },
  { sku: 'SKU-02', name: '面包', soldBy: 'unit', price: 650 },
  { sku: 'SKU-03', name: '苹果', soldBy: 'weight', price: 1290 },
  { sku: 'SKU-04', name: '牛奶', soldBy: 'unit', price: 1150 },
  { sku: 'SKU-05', name: '香蕉', soldBy: 'weight', price: 699 },
  { sku: 'SKU-06', name: '薯片', soldBy: 'unit', price: 850 },
  { sku: 'SKU-07', name: '猪肉', soldBy: 'weight', price: 3280 },
  { sku: 'SKU-08', name: '可乐', soldBy: 'unit', price: 300 },
  { sku: 'SKU-09', name: '酸奶', soldBy: 'unit', price: 590 },
  { sku: 'SKU-10', name: '米', soldBy: 'unit', price: 4990 },
  { sku: 'SKU-11', name: '鸡蛋', soldBy: 'unit', price: 1590 },
  { sku: 'SKU-12', name: '橙子', soldBy: 'weight', price: 890 },
] as const;
type TenderName = 'cash' | 'wechat' | 'alipay';

const lineArb = fc.record({
  product: fc.integer({ min: 0, max: PRODUCTS.length - 1 }),
  qty: fc.integer({ min: 1, max: 6 }),
  grams: fc.integer({ min: 5, max: 3000 }),
  ld: fc.nat({ max: 100_000 }),
  od: fc.nat({ max: 100_000 }),
  cp: fc.nat({ max: 100_000 }),
  rd: fc.nat({ max: 99 }),
  tax: fc.nat({ max: 100_000 }),
});
const orderArb = fc.record({
  store: fc.constantFrom('S1', 'S1', 'S1', 'S1', 'S2'),
  dayOffset: fc.constantFrom(0, 0, 0, 0, -1, 1),
  cashier: fc.integer({ min: 0, max: 2 }),
  kind: fc.constantFrom('sale', 'sale', 'sale', 'sale', 'cancelled', 'unfinished'),
  saleState: fc.constantFrom('paid', 'in_progress', 'completed', 'refunded', 'partially_refunded'),
  paidSecond: fc.integer({ min: 0, max: 48 * 3600 - 1 }),
  lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
  deliveryFee: fc.constantFrom(0, 0, 0, 500, 800),
  split: fc.array(fc.record({ tender: fc.constantFrom<TenderName>('cash', 'wechat', 'alipay'), weight: fc.integer({ min: 1, max: 10 }), change: fc.nat({ max: 5000 }) }), {
    minLength: 1,
    maxLength: 3,
  }),
  noisePayment: fc.constantFrom(null, null, 'failed', 'closed', 'closing'),
  livePayment: fc.constantFrom(null, 'created', 'pending', 'unknown'),
  lateSuccess: fc.constantFrom(false, false, false, true),
  lateRefundDayOffset: fc.constantFrom(0, 0, 1),
  refunds: fc.array(
    fc.record({
      payIdx: fc.nat({ max: 5 }),
      percent: fc.integer({ min: 1, max: 100 }),
      state: fc.constantFrom('succeeded', 'succeeded', 'succeeded', 'failed', 'pending'),
      dayOffset: fc.constantFrom(0, 0, 0, -1, 1),
      by: fc.integer({ min: 0, max: 3 }),
    }),
    { maxLength: 2 },
  ),
  outbox: fc.constantFrom('none', 'sent', 'sent', 'pending', 'dead'),
});
const dayArb = fc.record({
  timeZone: fc.constantFrom('Asia/Shanghai', 'Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata'),
  // Ordinary days and the 2026 DST transitions of New York (Mar 8, Nov 1) and Berlin (Mar 29, Oct 25).
  date: fc.constantFrom('2026-06-15', '2026-03-08', '2026-11-01', '2026-03-29', '2026-10-25'),
  dayStartHour: fc.integer({ min: 0, max: 5 }),
  orders: fc.array(orderArb, { minLength: 0, maxLength: 40 }),
});
type DaySpec = typeof dayArb extends fc.Arbitrary<infer T> ? T : never;

function shiftDate(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/** The migrated schema with two stores and the users, serialised once: each run opens a copy. */
const TEMPLATE = (() => {
  const db = new BetterSqlite3(':memory:');
  applyMigrations(db, MIGRATIONS);
  const at = '2026-01-01T00:00:00.000Z';
  for (const [id, code] of [['S1', 'S001'], ['S2', 'S002']]) {
    db.prepare('INSERT INTO stores (id, code, name, timezone, created_at) VALUES (?, ?, ?, ?, ?)').run(id, code, `店 ${code}`, 'Asia/Shanghai', at);
    db.prepare('INSERT INTO terminals (id, store_id, code, name, created_at) VALUES (?, ?, ?, ?, ?)').run(`T-${id}`, id, 'T01', 'T01', at);
  }
  const users = [...CASHIERS.map((id, i) => [id, 'cashier', `收银员${i + 1}`]), [MANAGER, 'manager', '店长']];
  for (const [id, role, name] of users) {
    db.prepare('INSERT INTO users (id, store_id, username, display_name, role, pin_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(id, 'S1', id, name, role, 'x', at, at);
  }
  const bytes = db.serialize();
  db.close();
  return bytes;
})();

function freshDb(timeZone: string): Database {
  const db = new BetterSqlite3(TEMPLATE);
  db.pragma('foreign_keys = ON');
  db.prepare('UPDATE stores SET timezone = ?').run(timeZone);
  return db;
}

/** Writes the generated day as raw rows, each order consistent with the schema's identities. */
function insertDay(db: Database, spec: DaySpec): void {
  let seq = 0;
  let ids = 0;
  const id = (prefix: string) => `${prefix}${String(++ids).padStart(6, '0')}`;
  const baseSecond = Date.parse(`${shiftDate(spec.date, -1)}T12:00:00Z`) / 1000;
  const insOrder = db.prepare(
    `INSERT INTO orders (id, order_no, store_id, terminal_id, business_date, seq, cashier_id, state, subtotal_fen, line_discount_fen,
       order_discount_fen, coupon_fen, rounding_fen, rounding_rule, delivery_fee_fen, total_fen, tax_fen, paid_fen, change_fen, refunded_fen,
       created_at, updated_at, paid_at, cancelled_at)
     VALUES (@id, @orderNo, @store, @terminal, @day, @seq, @cashier, @state, @subtotal, @ld, @od, @cp, @rd, 'drop_fen', @delivery, @total, @tax,
       @paid, @change, @refunded, @at, @at, @paidAt, @cancelledAt)`,
  );
  const insLine = db.prepare(
    `INSERT INTO order_lines (order_id, line_no, sku, name, unit, sold_by, quantity, unit_price_fen, original_fen, line_discount_fen,
       order_discount_fen, coupon_fen, rounding_fen, net_fen, tax_rate_bp, tax_fen)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1300, ?)`,
  );
  const insPayment = db.prepare(
    `INSERT INTO payments (id, order_id, tender, method, out_trade_no, amount_fen, tendered_fen, change_fen, state, created_by, created_at, updated_at, succeeded_at)
     VALUES (@id, @orderId, @tender, @method, @outTradeNo, @amount, @tendered, @change, @state, @by, @at, @at, @succeededAt)`,
  );
  const insRefund = db.prepare(
    `INSERT INTO refunds (id, order_id, payment_id, out_refund_no, amount_fen, state, automatic, requested_by, created_at, updated_at, succeeded_at, business_date)
     VALUES (@id, @orderId, @paymentId, @outRefundNo, @amount, @state, @automatic, @by, @at, @at, @succeededAt, @day)`,
  );
  const insOutbox = db.prepare('INSERT INTO outbox (kind, aggregate_id, aggregate_version, created_at, sent_at, dead_at) VALUES (?, ?, 1, ?, ?, ?)');

  for (const o of spec.orders) {
    const orderId = id('O');
    const day = shiftDate(spec.date, o.dayOffset);
    const at = new Date((baseSecond + o.paidSecond) * 1000).toISOString();
    // Lines: list price, then line discount, shares of the order discount, coupon and 抹零, never below zero.
    let subtotal = 0;
    let lds = 0;
    let ods = 0;
    let cps = 0;
    let rds = 0;
    let nets = 0;
    let taxes = 0;
    const lines = o.lines.map((l, i) => {
      const p = PRODUCTS[l.product]!;
      const quantity = p.soldBy === 'weight' ? l.grams : l.qty;
      const original = p.soldBy === 'weight' ? Math.floor((l.grams * p.price + 500) / 1000) : l.qty * p.price;
      let left = original;
      const ld = l.ld % (Math.floor(left / 4) + 1);
      left -= ld;
      const od = l.od % (Math.floor(left / 5) + 1);
      left -= od;
      const cp = l.cp % (Math.floor(left / 5) + 1);
      left -= cp;
      const rd = Math.min(l.rd, left);
      left -= rd;
      const tax = l.tax % (Math.floor(left / 8) + 1);
      subtotal += original;
      lds += ld;
      ods += od;
      cps += cp;
      rds += rd;
      nets += left;
      taxes += tax;
      return [orderId, i + 1, p.sku, p.name, p.soldBy === 'weight' ? 'kg' : '个', p.soldBy, quantity, p.price, original, ld, od, cp, rd, left, tax] as const;
    });
    const total = nets + o.deliveryFee;
    const state = o.kind === 'sale' ? o.saleState : o.kind === 'cancelled' ? 'cancelled' : o.livePayment ? 'paying' : 'pending_payment';
    const payments: { id: string; tender: TenderName; amount: number; state: string }[] = [];
    const addPayment = (tender: TenderName, amount: number, paymentState: string, change = 0) => {
      const paymentId = id('P');
      insPayment.run({
        id: paymentId,
        orderId,
        tender,
        method: tender === 'cash' ? 'cash' : 'merchant_qr',
        outTradeNo: tender === 'cash' ? null : `OTN${paymentId}`,
        amount,
        tendered: tender === 'cash' ? amount + change : null,
        change: tender === 'cash' ? change : 0,
        state: paymentState,
        by: CASHIERS[o.cashier],
        at,
        succeededAt: paymentState === 'succeeded' ? at : null,
      });
      payments.push({ id: paymentId, tender, amount, state: paymentState });
    };
    // Order row first (payments reference it); paid/change/refunded columns are informative only.
    insOrder.run({
      id: orderId,
      orderNo: `${o.store}-T01-${day.replaceAll('-', '')}-${++seq}`,
      store: o.store,
      terminal: `T-${o.store}`,
      day,
      seq,
      cashier: CASHIERS[o.cashier],
      state,
      subtotal,
      ld: lds,
      od: ods,
      cp: cps,
      rd: rds,
      delivery: o.deliveryFee,
      total,
      tax: taxes,
      paid: o.kind === 'sale' ? total : 0,
      change: 0,
      refunded: 0,
      at,
      paidAt: o.kind === 'sale' ? at : null,
      cancelledAt: o.kind === 'cancelled' ? at : null,
    });
    for (const line of lines) insLine.run(...line);
    if (o.noisePayment) addPayment('wechat', Math.max(1, total), o.noisePayment);
    if (o.kind === 'sale' && total > 0) {
      // Split tenders in proportion to the weights; the last takes the remainder.
      const parts = total >= o.split.length ? o.split : o.split.slice(0, 1);
      const weightSum = parts.reduce((s, p) => s + p.weight, 0);
      let left = total;
      parts.forEach((part, i) => {
        const amount = i === parts.length - 1 ? left : Math.max(1, Math.floor((total * part.weight) / weightSum));
        left -= amount;
        addPayment(part.tender, amount, 'succeeded', part.change);
      });
    }
    if (o.kind === 'unfinished' && o.livePayment) addPayment('alipay', Math.max(1, total), o.livePayment);
    // Manual refunds of this order's succeeded payments, within what each captured.
    if (o.kind === 'sale') {
      const succeeded = payments.filter((p) => p.state === 'succeeded');
      const used = new Map<string, number>();
      for (const r of o.refunds) {
        if (succeeded.length === 0) break;
        const payment = succeeded[r.payIdx % succeeded.length]!;
        const room = payment.amount - (used.get(payment.id) ?? 0);
        const amount = Math.min(room, Math.max(1, Math.floor((payment.amount * r.percent) / 100)));
        if (amount <= 0) continue;
        if (r.state !== 'failed') used.set(payment.id, (used.get(payment.id) ?? 0) + amount);
        const refundId = id('R');
        insRefund.run({
          id: refundId,
          orderId,
          paymentId: payment.id,
          outRefundNo: `RN${refundId}`,
          amount,
          state: r.state,
          automatic: 0,
          by: r.by === 3 ? MANAGER : CASHIERS[r.by],
          at,
          succeededAt: r.state === 'succeeded' ? at : null,
          day: shiftDate(day, r.dayOffset),
        });
      }
    }
    // A success that landed late (on a cancelled order, or a second tender on a paid one) is refunded automatically.
    if (o.lateSuccess && o.kind !== 'unfinished') {
      const amount = Math.max(1, total);
      addPayment(o.kind === 'cancelled' ? 'wechat' : 'alipay', amount, 'succeeded');
      const payment = payments[payments.length - 1]!;
      const refundId = id('R');
      insRefund.run({ id: refundId, orderId, paymentId: payment.id, outRefundNo: `RN${refundId}`, amount, state: 'succeeded', automatic: 1, by: null, at, succeededAt: at, day: shiftDate(day, o.lateRefundDayOffset) });
    }
    if (o.outbox !== 'none') insOutbox.run('order', orderId, at, o.outbox === 'sent' ? at : null, o.outbox === 'dead' ? at : null);
  }
}

interface Row {
  [key: string]: unknown;
}

/** The report's numbers recomputed from the raw tables, from the definitions' words. */
function expected(db: Database, storeId: string, date: string, timeZone: string) {
  const orders = db.prepare('SELECT * FROM orders').all() as Row[];
  const lines = db.prepare('SELECT * FROM order_lines').all() as Row[];
  const payments = db.prepare('SELECT * FROM payments').all() as Row[];
  const refunds = db.prepare('SELECT * FROM refunds').all() as Row[];
  const users = db.prepare('SELECT * FROM users').all() as Row[];
  const byId = new Map(orders.map((o) => [o.id as string, o]));
  const paymentById = new Map(payments.map((p) => [p.id as string, p]));
  const dayOrders = orders.filter((o) => o.store_id === storeId && o.business_date === date);
  const sales = dayOrders.filter((o) => SALE.has(o.state as string));
  const saleIds = new Set(sales.map((o) => o.id as string));
  const dayIds = new Set(dayOrders.map((o) => o.id as string));
  const sum = (rows: Row[], col: string) => rows.reduce((s, r) => s + (r[col] as number), 0);
  const dayRefunds = refunds.filter((r) => r.state === 'succeeded' && r.business_date === date && byId.get(r.order_id as string)?.store_id === storeId);
  const salesFen = sum(sales, 'total_fen');
  const refundsFen = sum(dayRefunds, 'amount_fen');
  const saleLines = lines.filter((l) => saleIds.has(l.order_id as string));

  const totals = {
    grossFen: sum(sales, 'subtotal_fen'),
    lineDiscountsFen: sum(sales, 'line_discount_fen'),
    orderDiscountsFen: sum(sales, 'order_discount_fen'),
    couponsFen: sum(sales, 'coupon_fen'),
    roundingFen: sum(sales, 'rounding_fen'),
    deliveryFeesFen: sum(sales, 'delivery_fee_fen'),
    salesFen,
    taxFen: sum(sales, 'tax_fen'),
    refundsFen,
    automaticRefundsFen: sum(
      dayRefunds.filter((r) => r.automatic === 1),
      'amount_fen',
    ),
    netFen: salesFen - refundsFen,
    orderCount: sales.length,
    refundCount: dayRefunds.length,
    averageTicketFen: sales.length === 0 ? 0 : Math.floor(salesFen / sales.length),
    itemsSold: saleLines.reduce((s, l) => s + (l.sold_by === 'weight' ? 1 : (l.quantity as number)), 0),
  };

  const tenders = (['cash', 'wechat', 'alipay'] as const).map((tender) => {
    const took = payments.filter((p) => p.tender === tender && p.state === 'succeeded' && dayIds.has(p.order_id as string));
    const back = dayRefunds.filter((r) => paymentById.get(r.payment_id as string)?.tender === tender);
    const takenFen = sum(took, 'amount_fen');
    const refundedFen = sum(back, 'amount_fen');
    return { tender, takenFen, paymentCount: took.length, refundedFen, refundCount: back.length, netFen: takenFen - refundedFen };
  });

  const cashierIds = new Set<string | null>([...sales.map((o) => o.cashier_id as string), ...dayRefunds.map((r) => r.requested_by as string | null)]);
  const cashiers = [...cashierIds]
    .sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0))
    .map((cashierId) => {
      const theirs = sales.filter((o) => o.cashier_id === cashierId);
      return {
        cashierId,
        cashierName: (users.find((u) => u.id === cashierId)?.display_name as string | undefined) ?? null,
        orderCount: theirs.length,
        salesFen: sum(theirs, 'total_fen'),
        refundsFen: sum(
          dayRefunds.filter((r) => r.requested_by === cashierId),
          'amount_fen',
        ),
      };
    });

  const hourOf = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' });
  const hours = new Map<number, { hour: number; orderCount: number; salesFen: number }>();
  for (const o of sales) {
    const hour = Number(hourOf.format(new Date(o.paid_at as string)));
    const h = hours.get(hour) ?? { hour, orderCount: 0, salesFen: 0 };
    h.orderCount += 1;
    h.salesFen += o.total_fen as number;
    hours.set(hour, h);
  }

  const products = new Map<string, { sku: string; name: string; quantity: number; soldBy: string; netFen: number }>();
  for (const l of saleLines) {
    const p = products.get(l.sku as string) ?? { sku: l.sku as string, name: l.name as string, quantity: 0, soldBy: l.sold_by as string, netFen: 0 };
    p.quantity += l.quantity as number;
    p.netFen += l.net_fen as number;
    products.set(p.sku, p);
  }
  const topProducts = [...products.values()].sort((a, b) => b.netFen - a.netFen || (a.sku < b.sku ? -1 : 1)).slice(0, 10);

  const unfinished = payments
    .filter((p) => dayIds.has(p.order_id as string) && ['created', 'pending', 'unknown', 'closing'].includes(p.state as string))
    .map((p) => p.id)
    .sort();
  const outbox = db.prepare('SELECT * FROM outbox').all() as Row[];
  const unsynced = [...new Set(outbox.filter((x) => x.sent_at === null && dayIds.has(x.aggregate_id as string)).map((x) => x.aggregate_id as string))].sort();
  const dead = outbox.filter((x) => x.dead_at !== null && x.sent_at === null && dayIds.has(x.aggregate_id as string)).map((x) => x.aggregate_id as string);

  return { totals, tenders, cashiers, hours: [...hours.values()].sort((a, b) => a.hour - b.hour), topProducts, unfinished, unsynced, dead: new Set(dead) };
}

describe('buildDayReport: every number equals an independent recomputation from the raw rows', () => {
  it('random days: totals, tenders, cashiers, hours, top products, unfinished payments, unsynced orders', () => {
    fc.assert(
      fc.property(dayArb, (spec) => {
        const db = freshDb(spec.timeZone);
        try {
          insertDay(db, spec);
          const report = buildDayReport(db, { storeId: 'S1', businessDate: spec.date, timeZone: spec.timeZone, dayStartHour: spec.dayStartHour, now: '2026-12-01T00:00:00.000Z' });
          const want = expected(db, 'S1', spec.date, spec.timeZone);
          expect(report.totals).toEqual(want.totals);
          expect(report.tenders).toEqual(want.tenders);
          expect(report.cashiers).toEqual(want.cashiers);
          expect(report.hours).toEqual(want.hours);
          expect(report.topProducts).toEqual(want.topProducts);
          expect(report.unfinishedPayments.map((p) => p.paymentId).sort()).toEqual(want.unfinished);
          expect(report.unsyncedOrders.map((o) => o.orderId).sort()).toEqual(want.unsynced);
          for (const o of report.unsyncedOrders) expect(o.dead).toBe(want.dead.has(o.orderId));
          // The definitions' identities hold on the report itself.
          const t = report.totals;
          expect(t.salesFen).toBe(t.grossFen - t.lineDiscountsFen - t.orderDiscountsFen - t.couponsFen - t.roundingFen + t.deliveryFeesFen);
          expect(report.tenders.reduce((s, x) => s + x.refundedFen, 0)).toBe(t.refundsFen);
          expect(report.hours.reduce((s, h) => s + h.salesFen, 0)).toBe(t.salesFen);
          expect(report.storeName).toBe('店 S001');
          expect(report.shifts).toEqual([]);
          expect(report.reconciliation).toBeNull();
        } finally {
          db.close();
        }
      }),
      { numRuns: 200 },
    );
  });

  it('an empty day reports zeros and the three tenders', () => {
    const db = freshDb('Asia/Shanghai');
    const report = buildDayReport(db, { storeId: 'S1', businessDate: '2026-06-15', timeZone: 'Asia/Shanghai', dayStartHour: 0, now: '2026-06-16T00:00:00.000Z' });
    expect(report.totals).toMatchObject({ salesFen: 0, orderCount: 0, averageTicketFen: 0, itemsSold: 0, refundsFen: 0 });
    expect(report.tenders.map((x) => [x.tender, x.takenFen, x.netFen])).toEqual([
      ['cash', 0, 0],
      ['wechat', 0, 0],
      ['alipay', 0, 0],
    ]);
    expect(report.hours).toEqual([]);
    expect(report.cashiers).toEqual([]);
    db.close();
  });

  it('top products: the ten largest by net, ties by sku', () => {
    const db = freshDb('Asia/Shanghai');
    const at = '2026-06-15T04:00:00.000Z';
    db.prepare(
      `INSERT INTO orders (id, order_no, store_id, terminal_id, business_date, seq, cashier_id, state, subtotal_fen, line_discount_fen,
         order_discount_fen, coupon_fen, rounding_fen, rounding_rule, total_fen, tax_fen, created_at, updated_at, paid_at)
       VALUES ('TIE', 'TIE-1', 'S1', 'T-S1', '2026-06-15', 1, 'U-CASH-1', 'paid', 1200, 0, 0, 0, 0, 'none', 1200, 0, ?, ?, ?)`,
    ).run(at, at, at);
    // Twelve SKUs at 100 fen each, inserted in reverse order; one more at 101 leads.
    const skus = PRODUCTS.map((p) => p.sku).reverse();
    skus.forEach((sku, i) =>
      db
        .prepare(
          `INSERT INTO order_lines (order_id, line_no, sku, name, unit, sold_by, quantity, unit_price_fen, original_fen, line_discount_fen,
             order_discount_fen, coupon_fen, rounding_fen, net_fen, tax_rate_bp, tax_fen)
           VALUES ('TIE', ?, ?, ?, '个', 'unit', 1, ?, ?, 0, 0, 0, 0, ?, 1300, 0)`,
        )
        .run(i + 1, sku, sku, sku === 'SKU-12' ? 101 : 100, sku === 'SKU-12' ? 101 : 100, sku === 'SKU-12' ? 101 : 100),
    );
    const report = buildDayReport(db, { storeId: 'S1', businessDate: '2026-06-15', timeZone: 'Asia/Shanghai', dayStartHour: 0, now: at });
    expect(report.topProducts.map((p) => p.sku)).toEqual(['SKU-12', 'SKU-01', 'SKU-02', 'SKU-03', 'SKU-04', 'SKU-05', 'SKU-06', 'SKU-07', 'SKU-08', 'SKU-09']);
    expect(report.hours).toEqual([{ hour: 12, orderCount: 1, salesFen: 1200 }]);
    db.close();
  });

  it('places hours on a DST day abroad: New York 2026-03-08 jumps from 01:59 EST to 03:00 EDT', () => {
    const db = freshDb('America/New_York');
    insertDay(db, {
      timeZone: 'America/New_York',
      date: '2026-03-08',
      dayStartHour: 0,
      orders: [],
    });
    const put = (id: string, seq: number, paidAt: string) =>
      db
        .prepare(
          `INSERT INTO orders (id, order_no, store_id, terminal_id, business_date, seq, cashier_id, state, subtotal_fen, line_discount_fen,
             order_discount_fen, coupon_fen, rounding_fen, rounding_rule, total_fen, tax_fen, created_at, updated_at, paid_at)
           VALUES (?, ?, 'S1', 'T-S1', '2026-03-08', ?, 'U-CASH-1', 'completed', 100, 0, 0, 0, 0, 'none', 100, 0, ?, ?, ?)`,
        )
        .run(id, `N-${seq}`, seq, paidAt, paidAt, paidAt);
    put('A', 1, '2026-03-08T06:59:59.000Z'); // 01:59:59 EST
    put('B', 2, '2026-03-08T07:00:00.000Z'); // 03:00:00 EDT
    put('C', 3, '2026-03-09T03:30:00.000Z'); // 23:30 EDT
    const report = buildDayReport(db, { storeId: 'S1', businessDate: '2026-03-08', timeZone: 'America/New_York', dayStartHour: 0, now: '2026-03-09T05:00:00.000Z' });
    expect(report.hours.map((h) => h.hour)).toEqual([1, 3, 23]);
    db.close();
  });
});
