import type { Database } from 'better-sqlite3';

export type OutboxKind = 'order' | 'refund' | 'shift';

/**
 * Called inside the transaction that made the change, so the announcement and the change commit
 * (or vanish) together: an order can never be complete locally yet unknown to sync.
 */
export function enqueueOutbox(db: Database, kind: OutboxKind, aggregateId: string, version: number, now: string): void {
  db.prepare('INSERT INTO outbox (kind, aggregate_id, aggregate_version, created_at) VALUES (?, ?, ?, ?)').run(kind, aggregateId, version, now);
}

export function countPendingOutbox(db: Database): number {
  return (db.prepare('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL').get() as { n: number }).n;
}

export interface OutboxRow {
  id: number;
  kind: OutboxKind;
  aggregate_id: string;
  aggregate_version: number;
  created_at: string;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  sent_at: string | null;
  dead_at: string | null;
}

export function listOutboxFor(db: Database, aggregateId: string): OutboxRow[] {
  return db.prepare('SELECT * FROM outbox WHERE aggregate_id = ? ORDER BY id').all(aggregateId) as OutboxRow[];
}

/** The sync backlog for the status bar: rows not yet acknowledged (nor dead), and the oldest one's time. */
export function outboxBacklog(db: Database): { pending: number; oldestPendingAt: string | null } {
  // Both read only the partial index outbox_pending (id order = insertion order), never the sent history.
  const row = db
    .prepare(
      `SELECT count(*) AS n, (SELECT created_at FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL ORDER BY id LIMIT 1) AS oldest
         FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL`,
    )
    .get() as { n: number; oldest: string | null };
  return { pending: row.n, oldestPendingAt: row.oldest };
}
