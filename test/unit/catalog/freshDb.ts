import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../../db/connection';

/** A fresh, migrated SQLite file per test; `close` also removes it. */
export function freshDb(): { db: Database; close: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'till-'));
  const { db } = openDatabase({ file: join(dir, 'till.sqlite') });
  return {
    db,
    close: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
