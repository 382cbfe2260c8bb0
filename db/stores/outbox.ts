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

// ---- the sync worker's queries (electron/sync/worker.ts) -------------------------------------

/** One order waiting to be sent: its oldest pending row fixes its place in the queue. */
export interface PendingOrder {
  aggregateId: string;
  firstRowId: number;
  /** The highest version announced by a pending row (the snapshot goes at the order's current version). */
  maxVersion: number;
  strikes: number;
}

const PENDING = "sent_at IS NULL AND dead_at IS NULL AND kind = 'order'";

/**
 * Orders to send next, oldest first: those due now (next_attempt_at passed or unset) that have
 * never failed alone (strikes = 0). Days offline are just a longer list, drained in this order.
 */
export function nextPendingOrders(db: Database, limit: number, nowIso: string): PendingOrder[] {
  return db
    .prepare(
      `SELECT aggregate_id AS aggregateId, min(id) AS firstRowId, max(aggregate_version) AS maxVersion, max(strikes) AS strikes
         FROM outbox WHERE ${PENDING}
        GROUP BY aggregate_id
       HAVING max(strikes) = 0 AND (max(next_attempt_at) IS NULL OR max(next_attempt_at) <= ?)
        ORDER BY firstRowId LIMIT ?`,
    )
    .all(nowIso, limit) as PendingOrder[];
}

/** A suspect (an order that failed alone before) that is due again: it is always sent on its own. */
export function nextSuspectOrder(db: Database, nowIso: string): PendingOrder | undefined {
  return db
    .prepare(
      `SELECT aggregate_id AS aggregateId, min(id) AS firstRowId, max(aggregate_version) AS maxVersion, max(strikes) AS strikes
         FROM outbox WHERE ${PENDING}
        GROUP BY aggregate_id
       HAVING max(strikes) > 0 AND (max(next_attempt_at) IS NULL OR max(next_attempt_at) <= ?)
        ORDER BY firstRowId LIMIT 1`,
    )
    .get(nowIso) as PendingOrder | undefined;
}

/** When the earliest order that is waiting for its own turn becomes due (null: none is waiting). */
export function nextOrderDueAt(db: Database): string | null {
  const row = db
    .prepare(`SELECT min(due) AS due FROM (SELECT max(next_attempt_at) AS due FROM outbox WHERE ${PENDING} GROUP BY aggregate_id) WHERE due IS NOT NULL`)
    .get() as { due: string | null };
  return row.due;
}

/** The cloud acknowledged the order at `version`: its pending rows up to that version are sent; a newer one stays. */
export function markOrderSent(db: Database, aggregateId: string, version: number, nowIso: string): number {
  return db
    .prepare(`UPDATE outbox SET sent_at = ?, next_attempt_at = NULL WHERE aggregate_id = ? AND aggregate_version <= ? AND ${PENDING}`)
    .run(nowIso, aggregateId, version).changes;
}

/** Moves an order's pending rows (up to `version`, or all) to the dead letters with the reason. */
export function deadLetterOrder(db: Database, aggregateId: string, version: number | null, errorJson: string, nowIso: string): number {
  return db
    .prepare(`UPDATE outbox SET dead_at = ?, last_error = ? WHERE aggregate_id = ? AND (? IS NULL OR aggregate_version <= ?) AND ${PENDING}`)
    .run(nowIso, errorJson, aggregateId, version, version).changes;
}

/** A send that was not acknowledged: every pending row of these orders counts an attempt and waits. */
export function recordOrdersFailure(db: Database, aggregateIds: readonly string[], errorJson: string, nextAttemptAt: string | null): void {
  const update = db.prepare(`UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE aggregate_id = ? AND ${PENDING}`);
  for (const id of aggregateIds) update.run(errorJson, nextAttemptAt, id);
}

/** The order failed alone: one more strike (the first one's time is kept) and its own later turn. */
export function strikeOrder(db: Database, aggregateId: string, nowIso: string, nextAttemptAt: string): { strikes: number; firstStrikeAt: string } {
  db.prepare(
    `UPDATE outbox SET strikes = strikes + 1, first_strike_at = coalesce(first_strike_at, ?), next_attempt_at = ? WHERE aggregate_id = ? AND ${PENDING}`,
  ).run(nowIso, nextAttemptAt, aggregateId);
  const row = db.prepare(`SELECT max(strikes) AS strikes, min(first_strike_at) AS firstStrikeAt FROM outbox WHERE aggregate_id = ? AND ${PENDING}`).get(aggregateId) as {
    strikes: number | null;
    firstStrikeAt: string | null;
  };
  return { strikes: row.strikes ?? 0, firstStrikeAt: row.firstStrikeAt ?? nowIso };
}

/** The backlog as the status bar and the cloud's sync-health page see it. */
export function outboxCounts(db: Database): { pending: number; dead: number; oldestPendingAt: string | null } {
  const backlog = outboxBacklog(db);
  const dead = (db.prepare('SELECT count(DISTINCT aggregate_id) AS n FROM outbox WHERE dead_at IS NOT NULL AND sent_at IS NULL').get() as { n: number }).n;
  return { ...backlog, dead };
}

export interface DeadLetterRow {
  aggregate_id: string;
  order_no: string | null;
  version: number;
  rows: number;
  attempts: number;
  dead_at: string;
  last_error: string | null;
}

/** Dead letters by order, latest first (an order's rows die together). */
export function listDeadLetters(db: Database, limit: number): DeadLetterRow[] {
  return db
    .prepare(
      `SELECT o.aggregate_id, d.order_no, max(o.aggregate_version) AS version, count(*) AS rows, max(o.attempts) AS attempts,
              max(o.dead_at) AS dead_at,
              (SELECT last_error FROM outbox x WHERE x.aggregate_id = o.aggregate_id AND x.dead_at IS NOT NULL AND x.sent_at IS NULL ORDER BY x.id DESC LIMIT 1) AS last_error
         FROM outbox o LEFT JOIN orders d ON d.id = o.aggregate_id
        WHERE o.dead_at IS NOT NULL AND o.sent_at IS NULL
        GROUP BY o.aggregate_id
        ORDER BY max(o.dead_at) DESC, o.aggregate_id
        LIMIT ?`,
    )
    .all(limit) as DeadLetterRow[];
}

/** Puts an order's dead rows back in the queue with a clean slate; returns how many rows. */
export function requeueDeadLetters(db: Database, aggregateId: string): number {
  return db
    .prepare(
      `UPDATE outbox SET dead_at = NULL, attempts = 0, strikes = 0, first_strike_at = NULL, next_attempt_at = NULL
        WHERE aggregate_id = ? AND dead_at IS NOT NULL AND sent_at IS NULL`,
    )
    .run(aggregateId).changes;
}

// ---- sync_state (one row) -------------------------------------------------------------------

export interface SyncStateRow {
  cloud_url: string | null;
  cloud_terminal_id: string | null;
  cloud_store_code: string | null;
  enrolled_at: string | null;
  events_cursor: string | null;
  consecutive_failures: number;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  paused: 'auth' | null;
}

const EMPTY_SYNC_STATE: SyncStateRow = {
  cloud_url: null,
  cloud_terminal_id: null,
  cloud_store_code: null,
  enrolled_at: null,
  events_cursor: null,
  consecutive_failures: 0,
  next_attempt_at: null,
  last_attempt_at: null,
  last_success_at: null,
  last_error: null,
  paused: null,
};

export function readSyncState(db: Database): SyncStateRow {
  const row = db.prepare('SELECT * FROM sync_state WHERE id = 1').get() as (SyncStateRow & { id: number }) | undefined;
  if (!row) return { ...EMPTY_SYNC_STATE };
  const { id: _id, ...state } = row;
  return state;
}

/** Updates some fields of the one row (creating it on first use). */
export function writeSyncState(db: Database, changes: Partial<SyncStateRow>): SyncStateRow {
  const next = { ...readSyncState(db), ...changes };
  const columns = Object.keys(EMPTY_SYNC_STATE) as (keyof SyncStateRow)[];
  db.prepare(
    `INSERT INTO sync_state (id, ${columns.join(', ')}) VALUES (1, ${columns.map(() => '?').join(', ')})
     ON CONFLICT (id) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`,
  ).run(...columns.map((c) => next[c]));
  return next;
}
