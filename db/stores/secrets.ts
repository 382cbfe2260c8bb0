import type { Database } from 'better-sqlite3';

export interface SecretRow {
  name: string;
  ciphertext: Buffer;
  keeper: string;
  updated_at: string;
}

export function readSecretRow(db: Database, name: string): SecretRow | undefined {
  return db.prepare('SELECT * FROM secrets WHERE name = ?').get(name) as SecretRow | undefined;
}

export function writeSecretRow(db: Database, row: SecretRow): void {
  db.prepare(
    `INSERT INTO secrets (name, ciphertext, keeper, updated_at) VALUES (@name, @ciphertext, @keeper, @updated_at)
     ON CONFLICT (name) DO UPDATE SET ciphertext = excluded.ciphertext, keeper = excluded.keeper, updated_at = excluded.updated_at`,
  ).run(row);
}

export function deleteSecretRow(db: Database, name: string): void {
  db.prepare('DELETE FROM secrets WHERE name = ?').run(name);
}

export function listSecretNames(db: Database): string[] {
  return (db.prepare('SELECT name FROM secrets ORDER BY name').all() as { name: string }[]).map((row) => row.name);
}
