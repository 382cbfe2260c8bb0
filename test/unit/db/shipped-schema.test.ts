import { readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../db/migrate';
import { describeSchema, type SchemaShape } from '../../../db/schemaSnapshot';

/**
 * Guards the tables and columns that have shipped (db/shipped-schema.json): a migration may add,
 * never drop or retype, because a till in a shop may be upgraded from any earlier version and
 * its orders must survive. New tables/columns are fine; record them with `npx tsx db/snapshotSchema.ts`.
 */
const shipped = JSON.parse(readFileSync(new URL('../../../db/shipped-schema.json', import.meta.url), 'utf8')) as SchemaShape;

describe('shipped schema', () => {
  const db = new BetterSqlite3(':memory:');
  applyMigrations(db);
  const current = describeSchema(db);

  for (const [table, columns] of Object.entries(shipped)) {
    it(`keeps table ${table} and its columns with their types`, () => {
      expect(current[table], `table ${table} was dropped`).toBeDefined();
      for (const [column, type] of Object.entries(columns)) {
        expect(current[table]?.[column], `column ${table}.${column} was dropped`).toBeDefined();
        expect(current[table]?.[column], `column ${table}.${column} was retyped`).toBe(type);
      }
    });
  }

  it('has recorded every current table (run db/snapshotSchema.ts when shipping a migration)', () => {
    expect(Object.keys(current).filter((table) => !(table in shipped))).toEqual([]);
  });
});
