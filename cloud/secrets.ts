/**
 * Secrets at rest (terminal HMAC keys, WeChat Pay APIv3 keys): AES-256-GCM with the cloud's secret
 * key, a random 12-byte IV per value, stored as `v1:<base64(iv | tag | ciphertext)>`.
 *
 * The key comes from CLOUD_SECRET_KEY (32 bytes as 64 hex characters or base64) — every instance
 * behind a load balancer needs the same one — or a 0600 key file (see main.ts). Without either, the
 * key is derived from the admin token with HKDF, so the two rotate together. A check value in
 * cloud_meta makes a cloud started with the wrong key refuse to start instead of failing every
 * signature later.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Queryable } from './db';

export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the cloud secret key must be 32 bytes');
    this.key = Buffer.from(key);
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v1:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64')}`;
  }

  open(sealed: string): string {
    if (!sealed.startsWith('v1:')) throw new Error('unknown sealed-secret format');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

/** 64 hex characters or base64 of 32 bytes. */
export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('CLOUD_SECRET_KEY must be 32 bytes: 64 hex characters or base64');
  return key;
}

export function keyFromAdminToken(adminToken: string): Buffer {
  return Buffer.from(hkdfSync('sha256', adminToken, 'till-cloud', 'secret-box-v1', 32));
}

const CHECK_PLAINTEXT = 'till-cloud-secret-key-check';

/** Records the key's check value on first use; throws if the database was sealed with another key. */
export async function checkSecretKey(db: Queryable, box: SecretBox): Promise<void> {
  await db.query("INSERT INTO cloud_meta (key, value) VALUES ('secret_key_check', $1) ON CONFLICT (key) DO NOTHING", [box.seal(CHECK_PLAINTEXT)]);
  const rows = await db.query<{ value: string }>("SELECT value FROM cloud_meta WHERE key = 'secret_key_check'");
  let ok = false;
  try {
    ok = box.open(rows[0]?.value ?? '') === CHECK_PLAINTEXT;
  } catch {
    ok = false;
  }
  if (!ok) throw new Error('the cloud secret key (CLOUD_SECRET_KEY / key file / admin token) is not the one this database was written with');
}
