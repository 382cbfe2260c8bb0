import type { Database } from 'better-sqlite3';
import { hashPin } from '../pinHash';
import { insertStore, insertTerminal } from '../stores/storesAndTerminals';
import { insertUser, countUsers, type Role } from '../stores/users';

/** The demo identities; README.md lists these PINs. */
export const DEMO_USERS: readonly { id: string; username: string; displayName: string; role: Role; pin: string }[] = [
  { id: 'demo-owner', username: 'owner', displayName: '王芳 (店主)', role: 'owner', pin: '8888' },
  { id: 'demo-manager', username: 'manager', displayName: '李强 (店长)', role: 'manager', pin: '6666' },
  { id: 'demo-cashier', username: 'cashier', displayName: '张敏 (收银员)', role: 'cashier', pin: '1234' },
];

export const DEMO_STORE = { id: 'demo-store', code: 'S001', name: '便利蜂示范店 Demo Store', timezone: 'Asia/Shanghai' } as const;
export const DEMO_TERMINAL = { id: 'demo-terminal', code: 'T01', name: '1号收银台 Till 1' } as const;

/**
 * First run on an empty database: one store, one terminal and the three demo users. Does nothing
 * when users already exist, so a real installation is never touched.
 */
export async function seedDemoStore(db: Database, now: string): Promise<boolean> {
  if (countUsers(db) > 0) return false;
  const hashes = await Promise.all(DEMO_USERS.map((user) => hashPin(user.pin)));
  db.transaction(() => {
    insertStore(db, { ...DEMO_STORE, address: '北京市海淀区中关村大街1号', phone: '010-00000000', created_at: now });
    insertTerminal(db, { ...DEMO_TERMINAL, store_id: DEMO_STORE.id, created_at: now });
    DEMO_USERS.forEach((user, index) =>
      insertUser(db, {
        id: user.id,
        store_id: DEMO_STORE.id,
        username: user.username,
        display_name: user.displayName,
        role: user.role,
        pin_hash: hashes[index]!,
        failed_attempts: 0,
        locked_until: null,
        active: 1,
        created_at: now,
        updated_at: now,
      }),
    );
  })();
  return true;
}
