import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../db/connection';
import { applyMigrations, loadMigrations } from '../../../db/migrate';
import { seedDemoStore } from '../../../db/seed/demoStore';
import { tempDir } from '../../support/tempDb';

/**
 * Migration 0005 (shifts): a till upgraded from 0004 with sales and refunds keeps every row; each
 * refund takes its order's business day (the best fact there is for refunds made before the
 * stamp); old orders, payments and refunds belong to no shift; the shift tables and guards exist.
 */
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function insertOrder(db: BetterSqlite3.Database, id: string, day: string, seq: number): void {
  db.prepare(
    `INSERT INTO orders (id, order_no, store_id, terminal_id, business_date, seq, cashier_id, state, subtotal_fen, line_discount_fen,
                         order_discount_fen, coupon_fen, rounding_fen, rounding_rule, total_fen, tax_fen, paid_fen, refunded_fen, created_at, updated_at)
     VALUES (?, ?, 'demo-store', 'demo-terminal', ?, ?, 'demo-cashier', 'partially_refunded', 1000, 0, 0, 0, 0, 'none', 1000, 0, 1000, 300, ?, ?)`,
  ).run(id, `S001-T01-${day.replaceAll('-', '')}-${String(seq).padStart(4, '0')}`, day, seq, `${day}T02:00:00.000Z`, `${day}T02:00:00.000Z`);
  db.prepare(
    `INSERT INTO payments (id, order_id, tender, method, amount_fen, tendered_fen, change_fen, state, created_at, updated_at, succeeded_at)
     VALUES (?, ?, 'cash', 'cash', 1000, 1000, 0, 'succeeded', ?, ?, ?)`,
  ).run(`P${id}`, id, `${day}T02:00:00.000Z`, `${day}T02:00:00.000Z`, `${day}T02:00:00.000Z`);
}

function insertRefund(db: BetterSqlite3.Database, id: string, orderId: string, n: number, at: string): void {
  db.prepare(
    `INSERT INTO refunds (id, order_id, payment_id, out_refund_no, amount_fen, state, created_at, updated_at, succeeded_at)
     VALUES (?, ?, ?, ?, 100, 'succeeded', ?, ?, ?)`,
  ).run(id, orderId, `P${orderId}`, `R${orderId}-${n}`, at, at, at);
}

describe('migration 0005_shifts', () => {
  it('upgrades a 0004 database with orders and refunds: refunds.business_date from the order, no shift on old rows', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = t.file('till.sqlite');
    const all = loadMigrations();
    expect(all.find((m) => m.version === 5)?.name).toBe('shifts');
    const raw = new BetterSqlite3(file);
    applyMigrations(
      raw,
      all.filter((m) => m.version <= 4),
    );
    await seedDemoStore(raw, '2026-11-01T00:00:00.000Z');
    insertOrder(raw, 'A', '2026-11-20', 1);
    insertOrder(raw, 'B', '2026-11-21', 1);
    // Refunds made days after the sale: before 0005 nothing recorded their own day.
    insertRefund(raw, 'RA1', 'A', 1, '2026-11-20T03:00:00.000Z');
    insertRefund(raw, 'RA2', 'A', 2, '2026-11-22T03:00:00.000Z');
    insertRefund(raw, 'RB1', 'B', 1, '2026-11-23T03:00:00.000Z');
    expect(raw.prepare("SELECT count(*) AS n FROM pragma_table_info('refunds') WHERE name = 'business_date'").get()).toEqual({ n: 0 });
    raw.close();

    const opened = openDatabase({ file, backupDir: t.file('backups') });
    expect(opened.migrated).toContain(5);
    expect(opened.backupFile).toBeDefined();
    const db = opened.db;
    expect(db.prepare('SELECT id, business_date, shift_id FROM refunds ORDER BY id').all()).toEqual([
      { id: 'RA1', business_date: '2026-11-20', shift_id: null },
      { id: 'RA2', business_date: '2026-11-20', shift_id: null },
      { id: 'RB1', business_date: '2026-11-21', shift_id: null },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM orders WHERE shift_id IS NULL').get()).toEqual({ n: 2 });
    expect(db.prepare('SELECT count(*) AS n FROM payments WHERE shift_id IS NULL').get()).toEqual({ n: 2 });
    expect(db.prepare('SELECT count(*) AS n FROM shifts').get()).toEqual({ n: 0 });

    // The guards: one open shift per terminal; a closed shift's difference is counted − expected.
    const open = db.prepare(
      `INSERT INTO shifts (id, store_id, terminal_id, business_date, state, opened_by, opened_at, opening_float_fen)
       VALUES (?, 'demo-store', 'demo-terminal', '2026-11-23', 'open', 'demo-manager', '2026-11-23T01:00:00.000Z', 0)`,
    );
    open.run('S1');
    expect(() => open.run('S2')).toThrow(/UNIQUE/);
    expect(() =>
      db
        .prepare(
          "UPDATE shifts SET state = 'closed', closed_by = 'demo-manager', closed_at = 'x', counted_fen = 100, expected_fen = 90, difference_fen = 0 WHERE id = 'S1'",
        )
        .run(),
    ).toThrow(/CHECK/);
    db.prepare("UPDATE shifts SET state = 'closed', closed_by = 'demo-manager', closed_at = 'x', counted_fen = 100, expected_fen = 90, difference_fen = 10 WHERE id = 'S1'").run();
    open.run('S2');
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('refunds', 'payments', 'shifts')").all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(['refunds_day', 'refunds_shift', 'payments_shift', 'shifts_one_open']));
    db.close();
  });
});
