import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads db/migrations/NNNN_name.sql in order and checks the numbering has no gaps or repeats. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = FILE_PATTERN.exec(file);
      if (!match) throw new Error(`Migration file name must look like 0001_name.sql: ${file}`);
      return { version: Number(match[1]), name: match[2]!, sql: readFileSync(join(dir, file), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migrations must be numbered 1..n without gaps; found ${migration.version} at position ${index + 1}`);
    }
  });
  return migrations;
}

export class NewerDatabaseError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly appVersion: number,
  ) {
    super(`Database schema version ${databaseVersion} is newer than this app understands (${appVersion})`);
    this.name = 'NewerDatabaseError';
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies pending migrations, each in its own transaction together with its user_version bump,
 * so a crash leaves the database at a whole version. Returns the versions applied.
 */
export function applyMigrations(db: Database, migrations: Migration[] = loadMigrations()): number[] {
  const current = schemaVersion(db);
  const latest = migrations.length;
  if (current > latest) throw new NewerDatabaseError(current, latest);
  const applied: number[] = [];
  for (const migration of migrations.slice(current)) {
    db.transaction(() => {
      db.exec(migration.sql);
      // PRAGMA cannot be bound; the version is an integer we produced.
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
    applied.push(migration.version);
  }
  return applied;
}
