import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../db/connection';
import { applyMigrations, loadMigrations } from '../../../db/migrate';
import { insertRun, latestReconciliation, markIssueRepaired, type NewIssue } from '../../../electron/reports/reconcileStore';
import { tempDir } from '../../support/tempDb';

/**
 * Migration 0006 (reconciliation): a till upgraded from 0005 gains the runs and issues tables, and
 * the tables refuse what the code must never write (bad JSON, unknown kinds, a repair of a
 * non-repairable issue or one that names nobody).
 */
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

const NOW = '2026-11-24T02:30:00.000Z';

function upgraded() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const file = t.file('till.sqlite');
  const all = loadMigrations();
  expect(all.find((m) => m.version === 6)?.name).toBe('reconciliation');
  const raw = new BetterSqlite3(file);
  applyMigrations(raw, all.filter((m) => m.version <= 5));
  raw.prepare("INSERT INTO stores (id, code, name, created_at) VALUES ('S', 'S001', 'Store', ?)").run(NOW);
  raw.prepare("INSERT INTO users (id, store_id, username, display_name, role, pin_hash, created_at, updated_at) VALUES ('M', 'S', 'manager', 'M', 'manager', 'x', ?, ?)").run(NOW, NOW);
  raw.close();
  const opened = openDatabase({ file, backupDir: t.file('backups') });
  expect(opened.migrated).toContain(6);
  expect(opened.backupFile).toBeDefined();
  return opened.db;
}

const baseIssue: NewIssue = {
  provider: 'wechat',
  kind: 'missing_locally',
  out_trade_no: 'X1',
  provider_trade_no: '4200X1',
  out_refund_no: null,
  order_id: null,
  order_no: null,
  payment_id: null,
  refund_id: null,
  local_fen: null,
  provider_fen: 1234,
  suggested_action: 'investigate',
  repairable: 0,
};

describe('migration 0006_reconciliation', () => {
  it('upgrades a 0005 database: tables, indexes, and the latest run of a day read back', () => {
    const db = upgraded();
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(['reconciliation_runs_day', 'reconciliation_issues_run', 'refunds_provider_refund']));
    expect(latestReconciliation(db, 'S', '2026-11-23')).toBeNull();
    const providers = [
      { provider: 'wechat' as const, status: 'mismatches' as const, billRows: 1, matchedRows: 0, billPaymentsFen: 1234, billRefundsFen: 0, error: null },
      { provider: 'alipay' as const, status: 'unconfigured' as const, billRows: 0, matchedRows: 0, billPaymentsFen: 0, billRefundsFen: 0, error: null },
    ];
    const first = insertRun(db, { storeId: 'S', businessDate: '2026-11-23', ranAt: NOW, ranBy: 'M', providers }, [baseIssue]);
    const second = insertRun(db, { storeId: 'S', businessDate: '2026-11-23', ranAt: NOW, ranBy: 'M', providers }, []);
    insertRun(db, { storeId: 'S', businessDate: '2026-11-22', ranAt: NOW, ranBy: 'M', providers }, [baseIssue]);
    expect(second).toBeGreaterThan(first);
    const latest = latestReconciliation(db, 'S', '2026-11-23');
    expect(latest).toMatchObject({ runId: second, storeId: 'S', businessDate: '2026-11-23', ranBy: 'M', providers, issues: [] });
    expect(latestReconciliation(db, 'S', '2026-11-22')?.issues).toEqual([
      expect.objectContaining({ kind: 'missing_locally', outTradeNo: 'X1', providerFen: 1234, repairable: false, repairedAt: null }),
    ]);
    db.close();
  });

  it('refuses bad JSON, unknown kinds and providers, and repairs of what is not repairable', () => {
    const db = upgraded();
    const run = (providers: string) => db.prepare("INSERT INTO reconciliation_runs (store_id, business_date, ran_at, ran_by, providers) VALUES ('S', '2026-11-23', ?, 'M', ?)").run(NOW, providers);
    expect(() => run('not json')).toThrow();
    expect(() => run('{"a":1}')).toThrow();
    const runId = insertRun(db, { storeId: 'S', businessDate: '2026-11-23', ranAt: NOW, ranBy: 'M', providers: [] }, []);
    expect(() => insertRun(db, { storeId: 'S', businessDate: '2026-11-23', ranAt: NOW, ranBy: 'M', providers: [] }, [{ ...baseIssue, kind: 'lost' as never }])).toThrow();
    expect(() => insertRun(db, { storeId: 'S', businessDate: '2026-11-23', ranAt: NOW, ranBy: 'M', providers: [] }, [{ ...baseIssue, provider: 'paypal' as never }])).toThrow();
    // The failed inserts rolled back whole: no run without its issues.
    expect(db.prepare('SELECT count(*) AS n FROM reconciliation_runs').get()).toEqual({ n: 1 });
    const issue = (repairable: 0 | 1) =>
      Number(
        db
          .prepare("INSERT INTO reconciliation_issues (run_id, provider, kind, suggested_action, repairable) VALUES (?, 'wechat', 'not_paid_locally', 'repair', ?)")
          .run(runId, repairable).lastInsertRowid,
      );
    const notRepairable = issue(0);
    expect(markIssueRepaired(db, notRepairable, NOW, 'M')).toBe(false);
    expect(() => db.prepare("UPDATE reconciliation_issues SET repaired_at = ?, repaired_by = 'M' WHERE id = ?").run(NOW, notRepairable)).toThrow(/CHECK/);
    const repairable = issue(1);
    expect(() => db.prepare('UPDATE reconciliation_issues SET repaired_at = ? WHERE id = ?').run(NOW, repairable)).toThrow(/CHECK/);
    expect(markIssueRepaired(db, repairable, NOW, 'M')).toBe(true);
    expect(markIssueRepaired(db, repairable, NOW, 'M')).toBe(false);
    db.close();
  });
});
