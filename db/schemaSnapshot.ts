import type { Database } from 'better-sqlite3';

/** table → column → declared type (with NOT NULL / PK flags), as SQLite reports them. */
export type SchemaShape = Record<string, Record<string, string>>;

export function describeSchema(db: Database): SchemaShape {
  const tables = db
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
       AND name NOT LIKE '%_fts_%' ORDER BY name`,
    )
    .all() as { name: string }[];
  const shape: SchemaShape = {};
  for (const { name } of tables) {
    const columns = db.prepare(`SELECT name, type, "notnull" AS not_null, pk FROM pragma_table_info(?) ORDER BY cid`).all(name) as {
      name: string;
      type: string;
      not_null: number;
      pk: number;
    }[];
    shape[name] = Object.fromEntries(
      columns.map((column) => [column.name, `${column.type || 'ANY'}${column.not_null ? ' NOT NULL' : ''}${column.pk ? ' PK' : ''}`]),
    );
  }
  return shape;
}
