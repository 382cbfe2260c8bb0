/**
 * Records the shipped schema in db/shipped-schema.json. Run it when a release ships a migration:
 * `npx tsx db/snapshotSchema.ts`. It only ever adds: a table or column already recorded stays
 * recorded, so the guard test keeps protecting it even if someone edits this file's output.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { applyMigrations } from './migrate';
import { describeSchema, type SchemaShape } from './schemaSnapshot';

const target = fileURLToPath(new URL('./shipped-schema.json', import.meta.url));
const db = new BetterSqlite3(':memory:');
applyMigrations(db);
const current = describeSchema(db);
const previous: SchemaShape = existsSync(target) ? JSON.parse(readFileSync(target, 'utf8')) : {};
const merged: SchemaShape = { ...current };
for (const [table, columns] of Object.entries(previous)) merged[table] = { ...columns, ...(current[table] ?? {}) };
writeFileSync(target, JSON.stringify(merged, null, 2) + '\n');
console.log(`Recorded ${Object.keys(merged).length} tables in ${target}`);
