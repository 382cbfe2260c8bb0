import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { applyMigrations, loadMigrations, NewerDatabaseError, schemaVersion, type Migration } from './migrate';

export type { Database } from 'better-sqlite3';

export interface OpenOptions {
  /** Path of the SQLite file; ':memory:' only for throwaway tests. */
  file: string;
  /** Where pre-migration backups go; defaults to `<dir>/backups`. */
  backupDir?: string;
  migrations?: Migration[];
  readonly?: boolean;
}

export interface OpenedDatabase {
  db: Database;
  /** Versions applied at this open. */
  migrated: number[];
  /** Path of the backup taken before migrating, if one was taken. */
  backupFile?: string;
}

/**
 * Pragmas that make a sale shown as paid survive a power cut: WAL for concurrent readers, and
 * synchronous=FULL because better-sqlite3 (like SQLite in WAL mode) would otherwise accept NORMAL,
 * which can lose the last transactions on power loss.
 */
export function applyPragmas(db: Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  // Keep reads of a big catalog off the disk once warm; this is a cache, not a correctness knob.
  db.pragma('cache_size = -32000');
}

function hasUserTables(db: Database): boolean {
  const row = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").get() as {
    n: number;
  };
  return row.n > 0;
}

function timestampForFile(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

/**
 * Opens (creating if needed) the order store, refuses a database written by a newer app,
 * backs up a non-empty database before migrating it, then migrates.
 */
export function openDatabase(options: OpenOptions): OpenedDatabase {
  const migrations = options.migrations ?? loadMigrations();
  const inMemory = options.file === ':memory:';
  if (!inMemory) mkdirSync(dirname(options.file), { recursive: true });
  const db = new BetterSqlite3(options.file, { readonly: options.readonly ?? false });
  try {
    if (!options.readonly) applyPragmas(db);
    const version = schemaVersion(db);
    if (version > migrations.length) throw new NewerDatabaseError(version, migrations.length);
    let backupFile: string | undefined;
    if (version < migrations.length && !inMemory && hasUserTables(db)) {
      const dir = options.backupDir ?? join(dirname(options.file), 'backups');
      mkdirSync(dir, { recursive: true });
      backupFile = join(dir, `${basename(options.file)}.v${version}.${timestampForFile(new Date())}.bak`);
      // VACUUM INTO writes a consistent, compact copy even while in WAL mode.
      db.prepare('VACUUM INTO ?').run(backupFile);
    }
    const migrated = options.readonly ? [] : applyMigrations(db, migrations);
    return backupFile ? { db, migrated, backupFile } : { db, migrated };
  } catch (error) {
    db.close();
    throw error;
  }
}

export function databaseFileSize(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}
