import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretKeeper } from '../payments/secrets';

const VERSION = 1;

/**
 * The browser host's secret keeper: AES-256-GCM with a random key kept in a file that only this
 * user can read (0600). Where Electron runs, safeStorage (OS keychain) is used instead.
 * Layout of a sealed value: version (1) ‖ nonce (12) ‖ tag (16) ‖ ciphertext.
 */
export class KeyFileKeeper implements SecretKeeper {
  readonly name = 'key-file';
  private readonly key: Buffer;

  constructor(keyFile: string) {
    this.key = KeyFileKeeper.loadOrCreate(keyFile);
  }

  static loadOrCreate(keyFile: string): Buffer {
    if (existsSync(keyFile)) {
      const mode = statSync(keyFile).mode & 0o777;
      // Tighten a key file someone loosened, rather than refuse to start the till.
      if (mode !== 0o600) chmodSync(keyFile, 0o600);
      const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
      if (key.length !== 32) throw new Error(`The key file ${keyFile} is not a 32-byte key`);
      return key;
    }
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    const key = randomBytes(32);
    writeFileSync(keyFile, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  }

  seal(plaintext: string): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer): string {
    if (sealed[0] !== VERSION || sealed.length < 29) throw new Error('Unknown secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 13));
    decipher.setAuthTag(sealed.subarray(13, 29));
    return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
  }
}
