import { statSync, chmodSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyFileKeeper } from '../../electron/host/keyFileKeeper';
import { startTestCore, PINS, type TestCore } from '../support/core';
import { tempDir } from '../support/tempDb';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const SECRET = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC-very-secret\n-----END PRIVATE KEY-----';

describe('key file keeper (browser host)', () => {
  it('creates a 0600 key file, seals with AES-GCM, and refuses tampered or foreign ciphertext', () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const keeper = new KeyFileKeeper(dir.file('secret.key'));
    expect(statSync(dir.file('secret.key')).mode & 0o777).toBe(0o600);
    const sealed = keeper.seal(SECRET);
    expect(sealed.toString('latin1')).not.toContain('very-secret');
    expect(keeper.open(sealed)).toBe(SECRET);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 1;
    expect(() => keeper.open(tampered)).toThrow();
    const other = new KeyFileKeeper(dir.file('other.key'));
    expect(() => other.open(sealed)).toThrow();
  });

  it('tightens a key file whose permissions were loosened', () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    new KeyFileKeeper(dir.file('secret.key'));
    chmodSync(dir.file('secret.key'), 0o644);
    new KeyFileKeeper(dir.file('secret.key'));
    expect(statSync(dir.file('secret.key')).mode & 0o777).toBe(0o600);
  });
});

describe('secret vault through the API', () => {
  async function start(): Promise<TestCore> {
    const dir = tempDir();
    const t = await startTestCore({ extra: { secretKeeper: new KeyFileKeeper(dir.file('secret.key')) } });
    cleanups.push(async () => {
      await t.cleanup();
      dir.cleanup();
    });
    return t;
  }

  it('lets only an owner set a secret, stores it encrypted, and never returns or logs it', async () => {
    const t = await start();
    const manager = await t.login('manager', PINS.manager);
    expect(await t.call('secrets.set', { name: 'wechat.apiV3Key', value: SECRET }, manager)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const owner = await t.login('owner', PINS.owner);
    await t.ok('secrets.set', { name: 'wechat.merchantPrivateKey', value: SECRET }, owner);
    const row = t.core.db.prepare('SELECT ciphertext, keeper FROM secrets WHERE name = ?').get('wechat.merchantPrivateKey') as { ciphertext: Buffer; keeper: string };
    expect(row.keeper).toBe('key-file');
    expect(row.ciphertext.toString('latin1')).not.toContain('very-secret');
    expect(t.core.vault!.reveal('wechat.merchantPrivateKey')).toBe(SECRET);
    const status = await t.ok<{ secrets: Record<string, boolean> }>('payments.status', {}, owner);
    expect(status.secrets['wechat.merchantPrivateKey']).toBe(true);
    expect(status.secrets['wechat.apiV3Key']).toBe(false);
    expect(JSON.stringify(status)).not.toContain('very-secret');
    const audit = await t.ok<unknown[]>('audit.list', { action: 'secret.changed' }, owner);
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain('very-secret');
    // Nothing readable on disk either: the database file holds only ciphertext.
    t.core.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(t.file).toString('latin1')).not.toContain('very-secret');
  });

  it('refuses key material in plain settings', async () => {
    const t = await start();
    const manager = await t.login('manager', PINS.manager);
    const response = await t.call('settings.set', { key: 'payments.wechat', value: { appid: 'wx1', apiV3Key: 'x'.repeat(32) } }, manager);
    expect(response).toMatchObject({ ok: false, error: { code: 'SETTING_INVALID' } });
  });
});
