/**
 * Complete cash orders committed per second through the real core (cart → order → cash tender →
 * completed, outbox row included) with synchronous=FULL, next to the raw rate of plain SQLite
 * inserts of the same rows (one transaction per order, same pragmas) in the same run.
 * The ratio is the figure: what the rules, validation and state machine cost over bare writes.
 *
 *   npx tsx bench/orders.bench.ts [orders=1000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../electron/core/createCore';
import { openDatabase } from '../db/connection';
import { seedDemoStore } from '../db/seed/demoStore';
import type { OrderLineRow, OrderRow, PaymentRow } from '../db/stores/orders';
import { OrderStore } from '../db/stores/orders';
import { openDemoShift } from '../test/support/core';

const count = Number(process.argv[2] ?? 1000);
const dir = mkdtempSync(join(tmpdir(), 'till-bench-orders-'));

function rate(n: number, ms: number): string {
  return `${((n * 1000) / ms).toFixed(0)} orders/s (${(ms / n).toFixed(2)} ms/order)`;
}

async function main(): Promise<void> {
  const core = await createCore({ dbFile: join(dir, 'core.sqlite'), demo: true });
  openDemoShift(core); // no sale without an open shift (the drawer) on the terminal
  const cashier = await core.sessions.login({ username: 'cashier', pin: '1234' });
  const actor = { userId: cashier.userId, terminalId: cashier.terminalId };
  const barcodes = (
    core.db
      .prepare("SELECT b.barcode FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE p.sold_by = 'unit' AND p.active = 1 AND p.price_fen > 0 LIMIT 50")
      .all() as { barcode: string }[]
  ).map((r) => r.barcode);
  console.log(`synchronous = ${core.db.pragma('synchronous', { simple: true })} (2 = FULL), journal = ${core.db.pragma('journal_mode', { simple: true })}`);

  // 1. The whole sale through the services: 5 scans (each persisted), checkout, cash.
  const captured: { order: OrderRow; lines: OrderLineRow[]; payments: PaymentRow[] }[] = [];
  let started = performance.now();
  for (let i = 0; i < count; i++) {
    for (let s = 0; s < 5; s++) core.carts.scan(actor, barcodes[(i * 5 + s) % barcodes.length]!);
    const order = core.orders.checkout(actor, core.carts.load(actor.terminalId));
    const paid = core.orders.payCash(actor, order.order.id, order.order.total_fen);
    captured.push({ order: paid.detail.order, lines: paid.detail.lines, payments: paid.detail.payments });
  }
  const fullSaleMs = performance.now() - started;

  // 2. Order commit only (cart already built): checkout + cash tender, the two transactions of a sale.
  for (let s = 0; s < 5; s++) core.carts.scan(actor, barcodes[s]!);
  const cart = core.carts.load(actor.terminalId);
  started = performance.now();
  for (let i = 0; i < count; i++) {
    const order = core.orders.checkout(actor, cart);
    core.orders.payCash(actor, order.order.id, order.order.total_fen);
  }
  const commitMs = performance.now() - started;
  await core.close();

  // 3. Raw: the same rows, inserted with prepared statements, one transaction per order, FULL.
  const { db } = openDatabase({ file: join(dir, 'raw.sqlite') });
  await seedDemoStore(db, new Date().toISOString());
  db.exec('PRAGMA foreign_keys = OFF'); // products are not seeded here; the rows reference the other file's ids
  const store = new OrderStore(db);
  const outbox = db.prepare("INSERT INTO outbox (kind, aggregate_id, aggregate_version, created_at) VALUES ('order', ?, ?, ?)");
  const insertOne = db.transaction((row: (typeof captured)[number]) => {
    store.insertOrder(row.order, row.lines);
    for (const payment of row.payments) store.insertPayment(payment);
    outbox.run(row.order.id, row.order.version, row.order.created_at);
  });
  started = performance.now();
  for (const row of captured) insertOne(row);
  const rawMs = performance.now() - started;

  // 4. Raw, split like a real sale: the order commits first (it exists before it is paid), then
  // the tender and the outbox row. Same two fsyncs as the core path, so the ratio isolates the rules.
  db.exec('DELETE FROM outbox; DELETE FROM payments; DELETE FROM order_lines; DELETE FROM orders;');
  const insertOrderOnly = db.transaction((row: (typeof captured)[number]) => store.insertOrder(row.order, row.lines));
  const insertTender = db.transaction((row: (typeof captured)[number]) => {
    for (const payment of row.payments) store.insertPayment(payment);
    outbox.run(row.order.id, row.order.version, row.order.created_at);
  });
  started = performance.now();
  for (const row of captured) {
    insertOrderOnly(row);
    insertTender(row);
  }
  const raw2Ms = performance.now() - started;
  db.close();

  console.log(`orders: ${count}, 5 lines each, cash, ${captured[0]!.lines.length} lines per order`);
  console.log(`full sale via core (5 persisted scans + checkout + cash): ${rate(count, fullSaleMs)}`);
  console.log(`order commit via core (checkout + cash, 2 transactions):   ${rate(count, commitMs)}`);
  console.log(`raw inserts of the same rows (1 transaction per order):     ${rate(count, rawMs)}`);
  console.log(`raw inserts, 2 transactions per order (order, then tender):  ${rate(count, raw2Ms)}`);
  console.log(`ratio core commit / raw (1 txn): ${(commitMs / rawMs).toFixed(2)}x; core commit / raw (2 txns): ${(commitMs / raw2Ms).toFixed(2)}x`);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));
