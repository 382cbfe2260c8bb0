/**
 * The cloud's schema migrations: numbered files cloud/migrations/NNNN_name.sql, each applied in its
 * own transaction together with its row in cloud_migrations. Every transaction first takes one
 * transaction-scoped advisory lock, so several instances starting at once against one database
 * apply each migration exactly once (the others wait, then see it recorded). A database that has
 * a migration this build does not know, or a recorded migration whose file changed, is refused.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toInt, type CloudDatabase } from './db';

/** Arbitrary, fixed: the advisory lock that serialises migrations (pg_advisory_xact_lock(bigint)). */
const MIGRATION_LOCK = '7315000001';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(`${dir}/${file}`, 'utf8');
      return { version: Number(file.slice(0, 4)), name: file.slice(5, -4), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`cloud migrations must be numbered 0001, 0002, … without gaps (found ${migration.version} at position ${index + 1})`);
  });
  return migrations;
}

export interface MigrateResult {
  /** Versions this call applied (empty when the schema was already current). */
  applied: number[];
  version: number;
}

export async function migrate(db: CloudDatabase, migrations: Migration[] = loadMigrations()): Promise<MigrateResult> {
  const applied: number[] = [];
  const latest = migrations.length;
  for (;;) {
    const done = await db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK}::bigint)`);
      await tx.exec(
        'CREATE TABLE IF NOT EXISTS cloud_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const rows = await tx.query<{ version: unknown; name: string; checksum: string }>('SELECT version, name, checksum FROM cloud_migrations ORDER BY version');
      const recorded = rows.map((row) => ({ version: toInt(row.version), name: row.name, checksum: row.checksum }));
      const newest = recorded.at(-1)?.version ?? 0;
      if (newest > latest) {
        throw new Error(`the cloud database is at schema version ${newest}, newer than this build knows (${latest}); refusing to run an older cloud on it`);
      }
      for (const row of recorded) {
        const known = migrations[row.version - 1];
        if (!known || known.checksum !== row.checksum) throw new Error(`cloud migration ${String(row.version).padStart(4, '0')}_${row.name} was changed after it was applied`);
      }
      const next = migrations[newest];
      if (!next) return true;
      await tx.exec(next.sql);
      await tx.query('INSERT INTO cloud_migrations (version, name, checksum) VALUES ($1, $2, $3)', [next.version, next.name, next.checksum]);
      applied.push(next.version);
      return false;
    });
    if (done) return { applied, version: latest };
  }
}
