import type { Database } from 'better-sqlite3';

export interface StoreRow {
  id: string;
  code: string;
  name: string;
  timezone: string;
  address: string | null;
  phone: string | null;
  created_at: string;
}

export interface TerminalRow {
  id: string;
  store_id: string;
  code: string;
  name: string;
  created_at: string;
}

export function insertStore(db: Database, store: StoreRow): void {
  db.prepare(
    'INSERT INTO stores (id, code, name, timezone, address, phone, created_at) VALUES (@id, @code, @name, @timezone, @address, @phone, @created_at)',
  ).run(store);
}

export function insertTerminal(db: Database, terminal: TerminalRow): void {
  db.prepare('INSERT INTO terminals (id, store_id, code, name, created_at) VALUES (@id, @store_id, @code, @name, @created_at)').run(terminal);
}

export function getStore(db: Database, id: string): StoreRow | undefined {
  return db.prepare('SELECT * FROM stores WHERE id = ?').get(id) as StoreRow | undefined;
}

export function getTerminal(db: Database, id: string): TerminalRow | undefined {
  return db.prepare('SELECT * FROM terminals WHERE id = ?').get(id) as TerminalRow | undefined;
}

/** The first terminal on this machine's database: a till database holds its own store and terminal. */
export function firstTerminal(db: Database): (TerminalRow & { store: StoreRow }) | undefined {
  const terminal = db.prepare('SELECT * FROM terminals ORDER BY created_at, id LIMIT 1').get() as TerminalRow | undefined;
  if (!terminal) return undefined;
  const store = getStore(db, terminal.store_id);
  return store ? { ...terminal, store } : undefined;
}
