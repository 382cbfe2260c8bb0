import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAlipayConfig, timeoutExpressMinutes } from '../../../electron/payments/alipay/config';
import { ProviderError } from '../../../electron/payments/provider';

const VECTORS = join(process.cwd(), 'test/fixtures/vectors/alipay');
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs8Pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const pkcs1Pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const spkiPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const bareBase64 = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

const base = { appId: '2021000122671080', appPrivateKey: pkcs8Pem, alipayPublicKey: spkiPem };

describe('loadAlipayConfig', () => {
  it('applies defaults: production gateway, 15 s timeout, 5m QR', () => {
    const config = loadAlipayConfig(base, { env: {} });
    expect(config.gateway).toBe('https://openapi.alipay.com/gateway.do');
    expect(config.timeoutMs).toBe(15_000);
    expect(config.qrTimeoutExpress).toBe('5m');
  });

  it('lets TILL_ALIPAY_GATEWAY override the configured gateway', () => {
    const config = loadAlipayConfig({ ...base, gateway: 'https://example.test/gateway.do' }, { env: { TILL_ALIPAY_GATEWAY: 'http://127.0.0.1:9/gateway.do' } });
    expect(config.gateway).toBe('http://127.0.0.1:9/gateway.do');
    expect(loadAlipayConfig({ ...base, gateway: 'https://example.test/gateway.do' }, { env: {} }).gateway).toBe('https://example.test/gateway.do');
    expect(() => loadAlipayConfig(base, { env: { TILL_ALIPAY_GATEWAY: 'not a url' } })).toThrow(ProviderError);
  });

  it('normalises PKCS#8, PKCS#1 and bare-base64 private keys to the same PKCS#1 PEM the SDK expects', () => {
    const fromPkcs8 = loadAlipayConfig(base, { env: {} }).appPrivateKeyPem;
    expect(fromPkcs8).toContain('BEGIN RSA PRIVATE KEY');
    expect(loadAlipayConfig({ ...base, appPrivateKey: pkcs1Pem }, { env: {} }).appPrivateKeyPem).toBe(fromPkcs8);
    expect(loadAlipayConfig({ ...base, appPrivateKey: bareBase64(pkcs8Pem) }, { env: {} }).appPrivateKeyPem).toBe(fromPkcs8);
    expect(loadAlipayConfig({ ...base, appPrivateKey: bareBase64(pkcs1Pem) }, { env: {} }).appPrivateKeyPem).toBe(fromPkcs8);
  });

  it('reads keys from file paths (the alipay-sdk fixtures)', () => {
    const config = loadAlipayConfig(
      { ...base, appPrivateKey: join(VECTORS, 'app-private-key.pem'), alipayPublicKey: join(VECTORS, 'alipay-public-key.pem') },
      { env: {} },
    );
    expect(config.appPrivateKeyPem).toContain('BEGIN RSA PRIVATE KEY');
    expect(config.alipayPublicKeyPem).toContain('BEGIN PUBLIC KEY');
    const dir = mkdtempSync(join(tmpdir(), 'till-alipay-'));
    writeFileSync(join(dir, 'alipay.txt'), bareBase64(spkiPem));
    expect(loadAlipayConfig({ ...base, alipayPublicKey: join(dir, 'alipay.txt') }, { env: {} }).alipayPublicKeyPem).toBe(spkiPem);
  });

  it('rejects bad settings as config errors without echoing key material', () => {
    const attempt = (input: Parameters<typeof loadAlipayConfig>[0]) => {
      try {
        loadAlipayConfig(input, { env: {} });
      } catch (error) {
        return error as ProviderError;
      }
      throw new Error('expected a config error');
    };
    const swapped = attempt({ ...base, appPrivateKey: spkiPem });
    expect(swapped.kind).toBe('config');
    expect(attempt({ ...base, alipayPublicKey: '/no/such/file.pem' }).kind).toBe('config');
    const badId = attempt({ ...base, appId: 'abc' });
    expect(badId.message).toMatch(/appId/);
    const badSeller = attempt({ ...base, sellerId: '123' });
    expect(badSeller.message).toMatch(/sellerId/);
    const badQr = attempt({ ...base, qrTimeoutExpress: '5s' });
    expect(badQr.message).toMatch(/qrTimeoutExpress/);
    const keyBody = bareBase64(pkcs8Pem).slice(20, 60);
    for (const error of [swapped, badId, badSeller, badQr]) expect(error.message).not.toContain(keyBody);
  });
});

describe('timeoutExpressMinutes', () => {
  it('reads m, h and d', () => {
    expect(timeoutExpressMinutes('5m')).toBe(5);
    expect(timeoutExpressMinutes('2h')).toBe(120);
    expect(timeoutExpressMinutes('1d')).toBe(1440);
    expect(() => timeoutExpressMinutes('0m')).toThrow();
  });
});
