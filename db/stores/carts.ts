import type { Database } from 'better-sqlite3';

export interface CartRow {
  terminal_id: string;
  cashier_id: string | null;
  data: string;
  updated_at: string;
}

export function readCart(db: Database, terminalId: string): CartRow | undefined {
  return db.prepare('SELECT * FROM carts WHERE terminal_id = ?').get(terminalId) as CartRow | undefined;
}

export function writeCart(db: Database, row: CartRow): void {
  db.prepare(
    `INSERT INTO carts (terminal_id, cashier_id, data, updated_at) VALUES (@terminal_id, @cashier_id, @data, @updated_at)
     ON CONFLICT (terminal_id) DO UPDATE SET cashier_id = excluded.cashier_id, data = excluded.data, updated_at = excluded.updated_at`,
  ).run(row);
}

export function deleteCart(db: Database, terminalId: string): void {
  db.prepare('DELETE FROM carts WHERE terminal_id = ?').run(terminalId);
}
