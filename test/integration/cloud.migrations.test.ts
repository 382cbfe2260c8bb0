/**
 * Cloud migrations against a real PostgreSQL: a fresh database, a re-run that does nothing, several
 * instances starting at once (the advisory lock lets exactly one apply each migration), and the
 * refusals (a newer schema than this build, a migration changed after it was applied, a secret key
 * that is not the database's).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCloudApp } from '../../cloud/app';
import { openCloudDatabase, toInt } from '../../cloud/db';
import { loadMigrations, migrate } from '../../cloud/migrate';
import { startPostgres, type TestPostgres } from '../support/postgres';

let cluster: TestPostgres;
beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(async () => cluster?.stop());

describe('cloud migrations', () => {
  it('apply on a fresh database, then do nothing on a re-run', async () => {
    const db = await openCloudDatabase({ url: await cluster.createDatabase('fresh') });
    try {
      const migrations = loadMigrations();
      expect(migrations.length).toBeGreaterThan(0);
      const first = await migrate(db);
      expect(first.applied).toEqual(migrations.map((m) => m.version));
      const again = await migrate(db);
      expect(again.applied).toEqual([]);
      const rows = await db.query<{ version: unknown }>('SELECT version FROM cloud_migrations ORDER BY version');
      expect(rows.map((r) => toInt(r.version))).toEqual(migrations.map((m) => m.version));
      const tables = await db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
      expect(tables.map((t) => t.table_name)).toEqual(
        expect.arrayContaining(['stores', 'terminals', 'terminal_nonces', 'orders', 'order_lines', 'order_payments', 'order_refunds', 'sync_gaps', 'provider_events']),
      );
    } finally {
      await db.close();
    }
  });

  it('several instances starting at once apply each migration exactly once', async () => {
    const url = await cluster.createDatabase('concurrent');
    const dbs = await Promise.all(Array.from({ length: 6 }, () => openCloudDatabase({ url, poolSize: 2 })));
    try {
      const results = await Promise.all(dbs.map((db) => migrate(db)));
      const applied = results.flatMap((r) => r.applied).sort();
      expect(applied).toEqual(loadMigrations().map((m) => m.version));
      // And whole apps (migrations + the secret-key check) side by side on one database.
      const adminToken = `admin-${randomBytes(8).toString('hex')}`;
      const secretKey = randomBytes(32);
      const apps = await Promise.all(dbs.slice(0, 3).map((db) => buildCloudApp({ db, adminToken, secretKey })));
      for (const app of apps) expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ ok: true, db: 'up' });
      await Promise.all(apps.map((app) => app.close()));
      // Another key on the same database is refused at start, not at the first signature.
      await expect(buildCloudApp({ db: dbs[0]!, adminToken, secretKey: randomBytes(32) })).rejects.toThrow(/secret key/);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
  });

  it('refuse a database from a newer build and a migration changed after it was applied', async () => {
    const db = await openCloudDatabase({ url: await cluster.createDatabase('guarded') });
    try {
      await migrate(db);
      const migrations = loadMigrations();
      await expect(migrate(db, [{ ...migrations[0]!, sql: `${migrations[0]!.sql}\n-- edited`, checksum: 'different' }, ...migrations.slice(1)])).rejects.toThrow(/changed after it was applied/);
      await db.query("INSERT INTO cloud_migrations (version, name, checksum) VALUES (999, 'future', 'x')");
      await expect(migrate(db)).rejects.toThrow(/newer than this build/);
    } finally {
      await db.close();
    }
  });

  it('health says down when the database is gone', async () => {
    const url = await cluster.createDatabase('health');
    const db = await openCloudDatabase({ url });
    const app = await buildCloudApp({ db, adminToken: 'x'.repeat(20) });
    try {
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      await db.close();
      const down = await app.inject({ method: 'GET', url: '/health' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toEqual({ ok: false, db: 'down' });
    } finally {
      await app.close();
    }
  });
});
