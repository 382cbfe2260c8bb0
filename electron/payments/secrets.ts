import type { Database } from 'better-sqlite3';
import { deleteSecretRow, listSecretNames, readSecretRow, writeSecretRow } from '../../db/stores/secrets';
import { SECRET_NAMES } from '../api/contract';

/**
 * Seals and opens secrets with a key the database never sees. The Electron shell implements it
 * with safeStorage (the OS keychain / DPAPI / libsecret); the browser host with a key file only
 * its user can read (0600).
 */
export interface SecretKeeper {
  readonly name: string;
  seal(plaintext: string): Buffer;
  open(ciphertext: Buffer): string;
}

export { SECRET_NAMES };
export type SecretName = (typeof SECRET_NAMES)[number];

/**
 * Merchant credentials encrypted at rest. Values only leave through `reveal`, which the provider
 * factories call in the main process; no API method returns them and they are never logged
 * (`describe` shows which are set, not what they are).
 */
export class SecretVault {
  constructor(
    private readonly db: Database,
    private readonly keeper: SecretKeeper,
    private readonly clock: () => number = Date.now,
  ) {}

  store(name: SecretName, value: string): void {
    writeSecretRow(this.db, { name, ciphertext: this.keeper.seal(value), keeper: this.keeper.name, updated_at: new Date(this.clock()).toISOString() });
  }

  reveal(name: SecretName): string | undefined {
    const row = readSecretRow(this.db, name);
    return row ? this.keeper.open(row.ciphertext) : undefined;
  }

  remove(name: SecretName): void {
    deleteSecretRow(this.db, name);
  }

  /** What the manager screens may show: which secrets are set, never their values. */
  describe(): Record<string, boolean> {
    const present = new Set(listSecretNames(this.db));
    return Object.fromEntries(SECRET_NAMES.map((name) => [name, present.has(name)]));
  }
}
