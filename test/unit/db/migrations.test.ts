import { existsSync, readdirSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../db/connection';
import { applyMigrations, loadMigrations, NewerDatabaseError, schemaVersion, type Migration } from '../../../db/migrate';
import { tempDir } from '../../support/tempDb';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));
function temp() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t;
}

describe('openDatabase', () => {
  it('applies the durability pragmas: WAL, synchronous=FULL, foreign keys, busy timeout', () => {
    const { db } = openDatabase({ file: temp().file('till.sqlite') });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // 2 = FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  it('records the schema version and is idempotent on reopen', () => {
    const file = temp().file('till.sqlite');
    const first = openDatabase({ file });
    expect(first.migrated).toEqual(loadMigrations().map((m) => m.version));
    expect(schemaVersion(first.db)).toBe(loadMigrations().length);
    first.db.close();
    const second = openDatabase({ file });
    expect(second.migrated).toEqual([]);
    expect(second.backupFile).toBeUndefined();
    second.db.close();
  });

  it('refuses a database written by a newer version of the app, without touching it', () => {
    const file = temp().file('till.sqlite');
    openDatabase({ file }).db.close();
    const raw = new BetterSqlite3(file);
    raw.pragma(`user_version = ${loadMigrations().length + 5}`);
    raw.close();
    expect(() => openDatabase({ file })).toThrow(NewerDatabaseError);
    const check = new BetterSqlite3(file);
    expect(check.pragma('user_version', { simple: true })).toBe(loadMigrations().length + 5);
    check.close();
  });

  it('backs up a non-empty database before migrating it, and the backup opens at the old version', () => {
    const t = temp();
    const file = t.file('till.sqlite');
    const v1: Migration[] = [{ version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (42);' }];
    openDatabase({ file, migrations: v1 }).db.close();
    const v2: Migration[] = [...v1, { version: 2, name: 'b', sql: 'ALTER TABLE a ADD COLUMN y TEXT;' }];
    const opened = openDatabase({ file, migrations: v2, backupDir: t.file('backups') });
    expect(opened.migrated).toEqual([2]);
    expect(opened.backupFile).toBeDefined();
    expect(existsSync(opened.backupFile!)).toBe(true);
    opened.db.close();
    const backup = new BetterSqlite3(opened.backupFile!);
    expect(backup.pragma('user_version', { simple: true })).toBe(1);
    expect(backup.prepare('SELECT x FROM a').get()).toEqual({ x: 42 });
    backup.close();
    expect(readdirSync(t.file('backups'))).toHaveLength(1);
  });

  it('does not back up an empty database on first run', () => {
    const t = temp();
    const opened = openDatabase({ file: t.file('till.sqlite'), backupDir: t.file('backups') });
    expect(opened.backupFile).toBeUndefined();
    expect(existsSync(t.file('backups'))).toBe(false);
    opened.db.close();
  });
});

describe('applyMigrations', () => {
  it('applies each migration in one transaction: a failing one leaves the previous version intact', () => {
    const db = new BetterSqlite3(':memory:');
    const migrations: Migration[] = [
      { version: 1, name: 'ok', sql: 'CREATE TABLE a (x INTEGER);' },
      { version: 2, name: 'broken', sql: 'CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);' },
    ];
    expect(() => applyMigrations(db, migrations)).toThrow();
    expect(schemaVersion(db)).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all();
    expect(tables).toEqual([{ name: 'a' }]);
    db.close();
  });

  it('ships migrations numbered 1..n without gaps', () => {
    const migrations = loadMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    migrations.forEach((migration, index) => expect(migration.version).toBe(index + 1));
  });
});
