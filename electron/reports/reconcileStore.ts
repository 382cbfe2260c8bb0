import type { Database } from 'better-sqlite3';
import type { ProviderReconciliation, Reconciliation, ReconciliationIssue, ReconciliationIssueKind } from './types';

/**
 * Persistence of reconciliation (对账) runs and their issues (db/migrations/0006_reconciliation.sql).
 * Every run is kept; readers want the latest run of a store's day.
 */

export interface IssueRow {
  id: number;
  run_id: number;
  provider: 'wechat' | 'alipay';
  kind: ReconciliationIssueKind;
  out_trade_no: string | null;
  provider_trade_no: string | null;
  out_refund_no: string | null;
  order_id: string | null;
  order_no: string | null;
  payment_id: string | null;
  refund_id: string | null;
  local_fen: number | null;
  provider_fen: number | null;
  suggested_action: string;
  repairable: 0 | 1;
  repaired_at: string | null;
  repaired_by: string | null;
}

interface RunRow {
  id: number;
  store_id: string;
  business_date: string;
  ran_at: string;
  ran_by: string;
  providers: string;
}

export type NewIssue = Omit<IssueRow, 'id' | 'run_id' | 'repaired_at' | 'repaired_by'>;

export function issueFromRow(row: IssueRow): ReconciliationIssue {
  return {
    id: row.id,
    provider: row.provider,
    kind: row.kind,
    outTradeNo: row.out_trade_no,
    providerTradeNo: row.provider_trade_no,
    outRefundNo: row.out_refund_no,
    orderId: row.order_id,
    orderNo: row.order_no,
    localFen: row.local_fen,
    providerFen: row.provider_fen,
    suggestedAction: row.suggested_action,
    repairable: row.repairable === 1,
    repairedAt: row.repaired_at,
    repairedBy: row.repaired_by,
  };
}

/** Inserts a run and its issues in one transaction; returns the run id. */
export function insertRun(
  db: Database,
  run: { storeId: string; businessDate: string; ranAt: string; ranBy: string; providers: ProviderReconciliation[] },
  issues: NewIssue[],
): number {
  return db.transaction(() => {
    const runId = Number(
      db
        .prepare('INSERT INTO reconciliation_runs (store_id, business_date, ran_at, ran_by, providers) VALUES (?, ?, ?, ?, ?)')
        .run(run.storeId, run.businessDate, run.ranAt, run.ranBy, JSON.stringify(run.providers)).lastInsertRowid,
    );
    const insert = db.prepare(
      `INSERT INTO reconciliation_issues (run_id, provider, kind, out_trade_no, provider_trade_no, out_refund_no, order_id,
         order_no, payment_id, refund_id, local_fen, provider_fen, suggested_action, repairable)
       VALUES (@run_id, @provider, @kind, @out_trade_no, @provider_trade_no, @out_refund_no, @order_id, @order_no,
         @payment_id, @refund_id, @local_fen, @provider_fen, @suggested_action, @repairable)`,
    );
    for (const issue of issues) insert.run({ ...issue, run_id: runId });
    return runId;
  })();
}

export function readRun(db: Database, runId: number): Reconciliation | null {
  const run = db.prepare('SELECT * FROM reconciliation_runs WHERE id = ?').get(runId) as RunRow | undefined;
  if (!run) return null;
  const issues = db.prepare('SELECT * FROM reconciliation_issues WHERE run_id = ? ORDER BY id').all(runId) as IssueRow[];
  return {
    runId: run.id,
    storeId: run.store_id,
    businessDate: run.business_date,
    ranAt: run.ran_at,
    ranBy: run.ran_by,
    providers: JSON.parse(run.providers) as ProviderReconciliation[],
    issues: issues.map(issueFromRow),
  };
}

/** The latest reconciliation run of a store's business day, or null if none was run. */
export function latestReconciliation(db: Database, storeId: string, businessDate: string): Reconciliation | null {
  const row = db
    .prepare('SELECT id FROM reconciliation_runs WHERE store_id = ? AND business_date = ? ORDER BY id DESC LIMIT 1')
    .get(storeId, businessDate) as { id: number } | undefined;
  return row ? readRun(db, row.id) : null;
}

export function readIssue(db: Database, issueId: number): IssueRow | undefined {
  return db.prepare('SELECT * FROM reconciliation_issues WHERE id = ?').get(issueId) as IssueRow | undefined;
}

/** Marks an issue repaired once; false when it already was (the conditional UPDATE changed nothing). */
export function markIssueRepaired(db: Database, issueId: number, at: string, userId: string): boolean {
  return (
    db
      .prepare('UPDATE reconciliation_issues SET repaired_at = ?, repaired_by = ? WHERE id = ? AND repairable = 1 AND repaired_at IS NULL')
      .run(at, userId, issueId).changes === 1
  );
}

/**
 * A missed success repaired once is repaired in every run that reported it: the other runs' open
 * issues for the same payment are marked with the same repair.
 */
export function markPaymentIssuesRepaired(db: Database, paymentId: string, at: string, userId: string): void {
  db.prepare(
    `UPDATE reconciliation_issues SET repaired_at = ?, repaired_by = ?
     WHERE payment_id = ? AND kind = 'not_paid_locally' AND repairable = 1 AND repaired_at IS NULL`,
  ).run(at, userId, paymentId);
}
