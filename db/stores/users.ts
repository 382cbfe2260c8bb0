import type { Database } from 'better-sqlite3';

export type Role = 'cashier' | 'manager' | 'owner';

export interface UserRow {
  id: string;
  store_id: string | null;
  username: string;
  display_name: string;
  role: Role;
  pin_hash: string;
  failed_attempts: number;
  locked_until: string | null;
  active: 0 | 1;
  created_at: string;
  updated_at: string;
}

export function insertUser(db: Database, user: UserRow): void {
  db.prepare(
    `INSERT INTO users (id, store_id, username, display_name, role, pin_hash, failed_attempts, locked_until, active, created_at, updated_at)
     VALUES (@id, @store_id, @username, @display_name, @role, @pin_hash, @failed_attempts, @locked_until, @active, @created_at, @updated_at)`,
  ).run(user);
}

export function getUserByUsername(db: Database, username: string): UserRow | undefined {
  return db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
}

export function getUserById(db: Database, id: string): UserRow | undefined {
  return db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
}

export function listUsers(db: Database): UserRow[] {
  return db.prepare('SELECT * FROM users ORDER BY role DESC, username').all() as UserRow[];
}

export function countUsers(db: Database): number {
  return (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
}

/** Records a wrong PIN; returns the new count. Locking is decided by the caller's policy. */
export function recordFailedPin(db: Database, id: string, lockedUntil: string | null, now: string): number {
  const row = db
    .prepare(
      `UPDATE users SET failed_attempts = failed_attempts + 1, locked_until = COALESCE(@lockedUntil, locked_until), updated_at = @now
       WHERE id = @id RETURNING failed_attempts`,
    )
    .get({ id, lockedUntil, now }) as { failed_attempts: number } | undefined;
  return row?.failed_attempts ?? 0;
}

export function lockUser(db: Database, id: string, lockedUntil: string, now: string): void {
  db.prepare('UPDATE users SET locked_until = ?, updated_at = ? WHERE id = ?').run(lockedUntil, now, id);
}

export function clearFailedPins(db: Database, id: string, now: string): void {
  db.prepare('UPDATE users SET failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE id = ? AND (failed_attempts <> 0 OR locked_until IS NOT NULL)').run(
    now,
    id,
  );
}

export function updateUserPin(db: Database, id: string, pinHash: string, now: string): void {
  db.prepare('UPDATE users SET pin_hash = ?, failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE id = ?').run(pinHash, now, id);
}

export function setUserActive(db: Database, id: string, active: boolean, now: string): void {
  db.prepare('UPDATE users SET active = ?, updated_at = ? WHERE id = ?').run(active ? 1 : 0, now, id);
}
