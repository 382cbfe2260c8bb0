import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../db/connection';
import { applyMigrations, loadMigrations } from '../../../db/migrate';
import { listOutboxFor, readSyncState, writeSyncState } from '../../../db/stores/outbox';
import { tempDir } from '../../support/tempDb';

/**
 * Migration 0004 (sync): a till upgraded from 0003 with a backlog keeps every outbox row, pending
 * and sent, and gains the worker's columns (strikes, first_strike_at) with safe defaults, the
 * sync_state row and the indexes the worker reads through.
 */
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

describe('migration 0004_sync', () => {
  it('upgrades a 0003 database with a backlog: rows kept, new columns defaulted, backed up first', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = t.file('till.sqlite');
    const all = loadMigrations();
    const upTo3 = all.filter((m) => m.version <= 3);
    expect(all.find((m) => m.version === 4)?.name).toBe('sync');
    const raw = new BetterSqlite3(file);
    applyMigrations(raw, upTo3);
    raw.prepare("INSERT INTO outbox (kind, aggregate_id, aggregate_version, created_at) VALUES ('order', 'A', 3, '2026-01-01T00:00:00.000Z')").run();
    raw.prepare("INSERT INTO outbox (kind, aggregate_id, aggregate_version, created_at, attempts, sent_at) VALUES ('order', 'B', 3, '2026-01-01T00:00:00.000Z', 2, '2026-01-01T00:01:00.000Z')").run();
    raw.close();

    const opened = openDatabase({ file, backupDir: t.file('backups') });
    expect(opened.migrated).toContain(4);
    expect(opened.backupFile).toBeDefined();
    const db = opened.db;
    const a = listOutboxFor(db, 'A')[0] as unknown as Record<string, unknown>;
    const b = listOutboxFor(db, 'B')[0] as unknown as Record<string, unknown>;
    expect(a).toMatchObject({ aggregate_version: 3, sent_at: null, dead_at: null, attempts: 0, strikes: 0, first_strike_at: null });
    expect(b).toMatchObject({ attempts: 2, sent_at: '2026-01-01T00:01:00.000Z', strikes: 0 });
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox'").all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(['outbox_pending', 'outbox_pending_aggregate', 'outbox_dead']));
    // The pending-by-order lookup the acknowledgements use goes through the new partial index.
    const plan = db
      .prepare("EXPLAIN QUERY PLAN UPDATE outbox SET sent_at = 'x' WHERE aggregate_id = 'A' AND aggregate_version <= 3 AND sent_at IS NULL AND dead_at IS NULL AND kind = 'order'")
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/outbox_pending_aggregate/);
    db.close();
  });

  it('keeps one sync_state row; the pause flag and the error are checked', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const { db } = openDatabase({ file: t.file('till.sqlite') });
    expect(readSyncState(db)).toMatchObject({ cloud_url: null, consecutive_failures: 0, paused: null });
    writeSyncState(db, { cloud_url: 'http://cloud', consecutive_failures: 3 });
    writeSyncState(db, { paused: 'auth' });
    expect(readSyncState(db)).toMatchObject({ cloud_url: 'http://cloud', consecutive_failures: 3, paused: 'auth' });
    expect((db.prepare('SELECT count(*) AS n FROM sync_state').get() as { n: number }).n).toBe(1);
    expect(() => db.prepare('INSERT INTO sync_state (id) VALUES (2)').run()).toThrow();
    expect(() => writeSyncState(db, { last_error: 'not json' })).toThrow();
    expect(() => writeSyncState(db, { paused: 'nope' as 'auth' })).toThrow();
    db.close();
  });
});
