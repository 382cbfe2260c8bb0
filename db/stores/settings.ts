import type { Database } from 'better-sqlite3';

/** Raw JSON settings by key; the typed view and validation live in electron/core/settings.ts. */
export function readSetting(db: Database, key: string): unknown {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return row === undefined ? undefined : JSON.parse(row.value);
}

export function readAllSettings(db: Database): Record<string, unknown> {
  const rows = db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
  return Object.fromEntries(rows.map((row) => [row.key, JSON.parse(row.value)]));
}

export function writeSetting(db: Database, key: string, value: unknown, now: string): void {
  db.prepare(
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  ).run(key, JSON.stringify(value), now);
}
