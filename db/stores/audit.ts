import type { Database } from 'better-sqlite3';

export interface AuditEntry {
  at: string;
  terminalId?: string | null;
  userId?: string | null;
  approverId?: string | null;
  action: string;
  target?: string | null;
  details?: Record<string, unknown> | null;
}

export interface AuditRow {
  id: number;
  at: string;
  terminal_id: string | null;
  user_id: string | null;
  approver_id: string | null;
  action: string;
  target: string | null;
  details: string | null;
}

/** Appends one entry. The table refuses UPDATE and DELETE (triggers), so the log is append-only. */
export function appendAudit(db: Database, entry: AuditEntry): void {
  db.prepare(
    'INSERT INTO audit_log (at, terminal_id, user_id, approver_id, action, target, details) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(
    entry.at,
    entry.terminalId ?? null,
    entry.userId ?? null,
    entry.approverId ?? null,
    entry.action,
    entry.target ?? null,
    entry.details ? JSON.stringify(entry.details) : null,
  );
}

export function listAudit(db: Database, options: { since?: string; action?: string; limit?: number } = {}): AuditRow[] {
  return db
    .prepare(
      `SELECT * FROM audit_log WHERE (@since IS NULL OR at >= @since) AND (@action IS NULL OR action = @action)
       ORDER BY id DESC LIMIT @limit`,
    )
    .all({ since: options.since ?? null, action: options.action ?? null, limit: options.limit ?? 200 }) as AuditRow[];
}
