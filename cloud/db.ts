/**
 * The cloud's database: a real PostgreSQL through a `pg` Pool when a URL is given, or PGlite (the
 * same PostgreSQL compiled to WebAssembly, in memory or in a folder) when none is, so the demo runs
 * with no server. Both sit behind one thin interface: `query(text, params)` → rows, `exec(script)`
 * for multi-statement SQL (migrations), and `transaction(fn)`.
 *
 * Values come back as each driver parses them (pg: int8/numeric as strings, PGlite: numbers);
 * callers convert with `toInt` so both behave the same.
 */
import pg from 'pg';

export interface Queryable {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface CloudDatabase extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn inside BEGIN … COMMIT (ROLLBACK on throw) on one connection. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenCloudDatabaseOptions {
  /** postgres://… — a real PostgreSQL. Absent: PGlite. */
  url?: string;
  /** PGlite data folder; absent (or ':memory:'): in memory. */
  pgliteDir?: string;
  /** pg Pool size (default 10). */
  poolSize?: number;
}

export async function openCloudDatabase(options: OpenCloudDatabaseOptions): Promise<CloudDatabase> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10);
  return openPglite(options.pgliteDir);
}

function openPostgres(url: string, max: number): CloudDatabase {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its server (restart, failover) must not crash the process.
  pool.on('error', () => undefined);
  const on = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(text: string, params?: readonly unknown[]) {
      const result = await client.query(text, params as unknown[] | undefined);
      return result.rows as T[];
    },
    async exec(script: string) {
      await client.query(script);
    },
  });
  const base = on(pool);
  return {
    kind: 'postgres',
    ...base,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(on(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

async function openPglite(dir: string | undefined): Promise<CloudDatabase> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = dir && dir !== ':memory:' ? await PGlite.create(dir) : await PGlite.create();
  type Target = { query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>; exec(script: string): Promise<unknown> };
  const on = (target: Target): Queryable => ({
    async query<T>(text: string, params?: readonly unknown[]) {
      const result = await target.query<T>(text, params ? [...params] : undefined);
      return result.rows;
    },
    async exec(script: string) {
      await target.exec(script);
    },
  });
  return {
    kind: 'pglite',
    ...on(db),
    // PGlite is one connection; its transaction() holds it, so other queries wait their turn.
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => db.transaction((tx) => fn(on(tx))),
    close: () => db.close(),
  };
}

/**
 * A view of `db` that reports every statement (inside transactions too): tests count round trips
 * with it, and it is where a slow-query log would go.
 */
export function instrumentDatabase(db: CloudDatabase, onQuery: (text: string) => void): CloudDatabase {
  const wrap = (target: Queryable): Queryable => ({
    query<T>(text: string, params?: readonly unknown[]) {
      onQuery(text);
      return target.query<T>(text, params);
    },
    exec(script: string) {
      onQuery(script);
      return target.exec(script);
    },
  });
  return {
    kind: db.kind,
    ...wrap(db),
    transaction: (fn) => {
      onQuery('BEGIN');
      return db.transaction((tx) => fn(wrap(tx)));
    },
    close: () => db.close(),
  };
}

/** int4/int8/numeric as either driver returns them → a JS integer (throws beyond 2^53). */
export function toInt(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'number' ? value : Number(value as string | bigint);
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer: ${String(value)}`);
  return n;
}

export function toIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return new Date(String(value)).toISOString();
}

/** A date column selected as `col::text` (both drivers then agree): YYYY-MM-DD. */
export function toDateString(value: unknown): string {
  return String(value).slice(0, 10);
}
