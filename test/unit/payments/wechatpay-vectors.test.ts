/**
 * The WeChat Pay test vectors of payment-protocols.md §9 (official #1–#4 and the derived ones), run
 * through our own sign/verify/AEAD modules, plus the verification rules that the vectors alone do not
 * pin: tampering, staleness, unknown serials, SIGNTEST probes and public-key mode.
 * (#5, the APIv2 MD5/HMAC sign, is not covered: the till has no v2 signer.)
 */
import { createPublicKey, createSign, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aeadDecrypt, decryptResource } from '../../../electron/payments/wechatpay/aead';
import { createWechatPayClient } from '../../../electron/payments/wechatpay/client';
import { resolveWechatPayConfig } from '../../../electron/payments/wechatpay/config';
import { openNotification } from '../../../electron/payments/wechatpay/notify';
import { buildAuthorization, buildRequestSignMessage, signMessage } from '../../../electron/payments/wechatpay/sign';
import { verifyWechatSignature, type WechatVerificationKeys } from '../../../electron/payments/wechatpay/verify';
import { ProviderError } from '../../../electron/payments/provider';

const vectors = new URL('../../fixtures/vectors/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, vectors), 'utf8');

const wxPrivateKey = read('wx_test_private_key.pem');
const wxCertificate = read('wx_test_platform_cert.pem');
const notifyBody = read('wx_notify_body.json');
const docKey = read('wx_doc/doc_test_key.pem');
const derived = JSON.parse(read('derived_vectors.json')) as {
  wechat_v3_request: { message: string; authorization: string };
  wechat_notify_gcm: { apiv3_key: string; nonce: string; associated_data: string; plaintext: string; ciphertext: string };
};

const CERT_SERIAL = 'D7CE59D1F522D701';
const certificateKeys: WechatVerificationKeys = { certificates: new Map([[CERT_SERIAL, new X509Certificate(wxCertificate).publicKey]]) };

const NOTIFY_TS = '1624523846';
const NOTIFY_NONCE = 'EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz';
const NOTIFY_SIGNATURE =
  'tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXFlbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1IBLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY406ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q==';

const notifyHeaders = (overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> => ({
  'wechatpay-timestamp': NOTIFY_TS,
  'wechatpay-nonce': NOTIFY_NONCE,
  'wechatpay-signature': NOTIFY_SIGNATURE,
  'wechatpay-serial': CERT_SERIAL,
  ...overrides,
});

function expectVerificationError(run: () => unknown, code: string): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('verification');
    expect((error as ProviderError).code).toBe(code);
    return;
  }
  throw new Error(`expected ProviderError(verification, ${code})`);
}

describe('official vector #1: RSA request signing (wechatpay-go utils/sign_test.go)', () => {
  it('signs "source" to the published signature', () => {
    expect(signMessage('source', wxPrivateKey)).toBe(
      'BKyAfU4iMCuvXMXS0Wzam3V/cnxZ+JaqigPM5OhljS2iOT95OO6Fsuml2JkFANJU9K6q9bLlDhPXuoVz+pp4hAm6pHU4ld815U4jsKu1RkyaII+1CYBUYC8TK0XtJ8FwUXXz8vZHh58rrAVN1XwNyvD1vfpxrMT4SL536GLwvpUHlCqIMzoZUguLli/K8V29QiOhuH6IEqLNJn8e9b3nwNcQ7be3CzYGpDAKBfDGPCqCv8Rw5zndhlffk2FEA70G4hvMwe51qMN/RAJbknXG23bSlObuTCN7Ndj1aJGH6/L+hdwfLpUtJm4QYVazzW7DFD27EpSQEqA8bX9+8m1rLg==',
    );
  });
});

describe('official vector #2: callback verification + AES-128-GCM (wechatpay-go core/notify/notify_test.go)', () => {
  const nowSeconds = Number(NOTIFY_TS) + 10;

  it('verifies the published callback with the platform certificate chosen by serial', () => {
    expect(() => verifyWechatSignature({ headers: notifyHeaders(), body: notifyBody }, certificateKeys, nowSeconds)).not.toThrow();
  });

  it('verifies and decrypts it with the 16-byte key (AES-128-GCM)', () => {
    const { envelope, plaintext } = openNotification({ headers: notifyHeaders(), rawBody: notifyBody }, { keys: certificateKeys, apiV3Key: 'testMchAPIv3Key0', nowSeconds });
    expect(envelope.event_type).toBe('PAYSCORE.USER_OPEN_SERVICE');
    expect(JSON.parse(plaintext)).toEqual({
      mchid: '1234567890',
      appid: '054aa7d7a2a54ab5898df65bd96f001c',
      create_time: '2020-06-30T12:12:00+08:00',
      out_contract_code: '21640bdbd08e473e828f3206a2741c6e',
    });
  });

  it('rejects a tampered body', () => {
    const tampered = notifyBody.replace('PAYSCORE.USER_OPEN_SERVICE', 'PAYSCORE.USER_OPEN_SERVICF');
    expect(tampered).not.toBe(notifyBody);
    expectVerificationError(() => verifyWechatSignature({ headers: notifyHeaders(), body: tampered }, certificateKeys, nowSeconds), 'BAD_SIGNATURE');
  });

  it('rejects a tampered signature and a re-serialised body', () => {
    const flipped = `${NOTIFY_SIGNATURE.startsWith('A') ? 'B' : 'A'}${NOTIFY_SIGNATURE.slice(1)}`;
    expectVerificationError(() => verifyWechatSignature({ headers: notifyHeaders({ 'wechatpay-signature': flipped }), body: notifyBody }, certificateKeys, nowSeconds), 'BAD_SIGNATURE');
    // What frameworks do to a body (parse + stringify with spacing) breaks the signature: we must verify raw bytes.
    const reserialised = JSON.stringify(JSON.parse(notifyBody), null, 1);
    expectVerificationError(() => verifyWechatSignature({ headers: notifyHeaders(), body: reserialised }, certificateKeys, nowSeconds), 'BAD_SIGNATURE');
  });

  it('refuses a timestamp 300 s or more away, accepts 299 s', () => {
    const ts = Number(NOTIFY_TS);
    expect(() => verifyWechatSignature({ headers: notifyHeaders(), body: notifyBody }, certificateKeys, ts + 299)).not.toThrow();
    expect(() => verifyWechatSignature({ headers: notifyHeaders(), body: notifyBody }, certificateKeys, ts - 299)).not.toThrow();
    expectVerificationError(() => verifyWechatSignature({ headers: notifyHeaders(), body: notifyBody }, certificateKeys, ts + 300), 'STALE_TIMESTAMP');
    expectVerificationError(() => verifyWechatSignature({ headers: notifyHeaders(), body: notifyBody }, certificateKeys, ts - 3600), 'STALE_TIMESTAMP');
  });

  it('refuses an unknown serial and a missing header', () => {
    expectVerificationError(() => verifyWechatSignature({ headers: notifyHeaders({ 'wechatpay-serial': 'D7CE59D1F522D702' }), body: notifyBody }, certificateKeys, nowSeconds), 'UNKNOWN_SERIAL');
    expectVerificationError(() => verifyWechatSignature({ headers: notifyHeaders({ 'wechatpay-serial': 'PUB_KEY_ID_0000' }), body: notifyBody }, certificateKeys, nowSeconds), 'UNKNOWN_SERIAL');
    for (const header of ['wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-signature', 'wechatpay-serial']) {
      expectVerificationError(() => verifyWechatSignature({ headers: notifyHeaders({ [header]: undefined }), body: notifyBody }, certificateKeys, nowSeconds), 'MISSING_SIGNATURE_HEADERS');
    }
  });

  it('matches the serial case-insensitively (serials are hex)', () => {
    expect(() => verifyWechatSignature({ headers: notifyHeaders({ 'wechatpay-serial': CERT_SERIAL.toLowerCase() }), body: notifyBody }, certificateKeys, nowSeconds)).not.toThrow();
  });

  it('refuses WECHATPAY/SIGNTEST/ probes', () => {
    expectVerificationError(
      () => verifyWechatSignature({ headers: notifyHeaders({ 'wechatpay-signature': `WECHATPAY/SIGNTEST/${NOTIFY_SIGNATURE}` }), body: notifyBody }, certificateKeys, nowSeconds),
      'SIGNTEST_PROBE',
    );
  });

  it('rejects decryption with the wrong APIv3 key', () => {
    expectVerificationError(() => openNotification({ headers: notifyHeaders(), rawBody: notifyBody }, { keys: certificateKeys, apiV3Key: 'testMchAPIv3Key1', nowSeconds }), 'DECRYPT_FAILED');
  });
});

describe('public-key mode picks the PUB_KEY_ID key', () => {
  const docPublicKey = createPublicKey(docKey);
  const wxPublicKey = new X509Certificate(wxCertificate).publicKey;
  const sign = (key: string, ts: string, nonce: string, body: string) => createSign('RSA-SHA256').update(`${ts}\n${nonce}\n${body}\n`).sign(key, 'base64');
  const body = '{"code_url":"weixin://wxpay/bizpayurl?pr=abc"}';
  const ts = '1700000000';
  const nonce = 'nonce-123';
  // Two keys in play: the public key (doc key) under its id, and a certificate with another key.
  const keys = (publicKey: KeyObject): WechatVerificationKeys => ({ publicKey: { id: 'PUB_KEY_ID_0112345678', key: publicKey }, certificates: new Map([[CERT_SERIAL, wxPublicKey]]) });
  const headers = (signature: string, serial: string) => ({ 'wechatpay-timestamp': ts, 'wechatpay-nonce': nonce, 'wechatpay-signature': signature, 'wechatpay-serial': serial });

  it('verifies a PUB_KEY_ID-signed answer with the public key, not the certificate', () => {
    const signature = sign(docKey, ts, nonce, body);
    expect(() => verifyWechatSignature({ headers: headers(signature, 'PUB_KEY_ID_0112345678'), body }, keys(docPublicKey), 1_700_000_000)).not.toThrow();
    // Same signature presented under the certificate serial must fail: the certificate holds a different key.
    expectVerificationError(() => verifyWechatSignature({ headers: headers(signature, CERT_SERIAL), body }, keys(docPublicKey), 1_700_000_000), 'BAD_SIGNATURE');
    // And if the configured public key is a different key, the PUB_KEY_ID answer fails.
    expectVerificationError(() => verifyWechatSignature({ headers: headers(signature, 'PUB_KEY_ID_0112345678'), body }, keys(wxPublicKey), 1_700_000_000), 'BAD_SIGNATURE');
  });

  it('still verifies certificate-signed answers during migration', () => {
    const signature = sign(wxPrivateKey, ts, nonce, body);
    expect(() => verifyWechatSignature({ headers: headers(signature, CERT_SERIAL), body }, keys(docPublicKey), 1_700_000_000)).not.toThrow();
  });

  it('refuses a PUB_KEY_ID other than ours', () => {
    const signature = sign(docKey, ts, nonce, body);
    expectVerificationError(() => verifyWechatSignature({ headers: headers(signature, 'PUB_KEY_ID_0199999999'), body }, keys(docPublicKey), 1_700_000_000), 'UNKNOWN_SERIAL');
  });
});

describe('official vector #3: AES-GCM', () => {
  it('decrypts the wechatpay-go AES-128 vector', () => {
    expect(aeadDecrypt('testAPIv3Key0000', 'wCq51qZv4Yfg', 'Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8', 'FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC').toString('utf8')).toBe('Hello World');
  });

  it('decrypts the wechatpay-axios-plugin AES-256 vector (16-byte IV)', () => {
    expect(aeadDecrypt('0123456789abcdef0123456789abcdef', '0123456789abcdef', 'world', 'APoZlYpivU3HjbAiB4CvW1rAFr8J').toString('utf8')).toBe('hello');
  });

  it('fails on a wrong AAD and on a non-AEAD algorithm', () => {
    expect(() => aeadDecrypt('testAPIv3Key0000', 'wCq51qZv4Yfg', 'Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR9', 'FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC')).toThrow(ProviderError);
    expect(() => decryptResource('testAPIv3Key0000', { algorithm: 'AES_CBC', nonce: 'wCq51qZv4Yfg', associated_data: '', ciphertext: 'FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC' })).toThrow(
      /unsupported resource algorithm/,
    );
  });
});

describe('official vector #4: the signing-guide examples (doc_test_key.pem)', () => {
  const ts = '1554208460';
  const nonce = '593BEC0C930BF1AFEB40B4A08C8FB242';

  it('signs the POST /v3/pay/transactions/jsapi example', () => {
    const body =
      '{"appid":"wxd678efh567hg6787","mchid":"1230000109","description":"Image形象店-深圳腾大-QQ公仔","out_trade_no":"1217752501201407033233368018","notify_url":"https://www.weixin.qq.com/wxpay/pay.php","amount":{"total":100,"currency":"CNY"},"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}';
    expect(signMessage(buildRequestSignMessage('POST', '/v3/pay/transactions/jsapi', ts, nonce, body), docKey)).toBe(
      'gEuexJ547PHFV77TQ6eiE4tphVYfWfUe1Wc2dBmVnoMYU2rl/M4zhw+b3vBhuMw6AC7pteNkryLA7UWU2h+umo0OdSuuLm1++O3NckQPCSfm6dypsjn4GYm84KMqXWFrhFmyxEwIdEJDr3w1UYfxOcu55OQupfLkrt/ZzuOspnliJFrPzGQFUk7lGqMMtpz3EfbDUNxnVsHblORg3hVmuYNmbGWnS2ovU30Y2Q+iKFDxzkaXBk8LTy6HzvxizRo6Q+J4SVM7O0hKXfgo1QdI68kpzNULb3EVBXlhTyPUzhkHzzLxECL1qHl3HH2hEv8++C+4wBlsagF3j/O6PABojA==',
    );
  });

  it('signs the GET /v3/refund/domestic/refunds/123123123123 example (message ends \\n\\n)', () => {
    const message = buildRequestSignMessage('GET', '/v3/refund/domestic/refunds/123123123123', ts, nonce, '');
    expect(message.endsWith('\n\n')).toBe(true);
    expect(signMessage(message, docKey)).toBe(
      'Lc9VXxmeonkdV8Xk9tmigQFLhl0vRWTerdmoRu01aAnYwIrD/5nsSwE1WlmZGLRlAFTNQ3QsMa0+VRDlJp1Wp5p0nO8EK68b5sJBbjouxaFciIfq1zfDWWz+jqhcMoKXI1A6dPm1AW7D4d30WsMTNzp6g23OXakIsh9LO3lUmwvTuE0BY8ncf6tNGk4wKmvXwERd/ZpoQY3MAVKz+Nakwc+2XBmzT66KcUehU5kr4IvGa/lEU5RZb/q00zP9VLdBhC/jQSX3X1UcJLCtEc4gTmib4tnmAT+bHF/e17ZAuxDNcx6rqT8gNEXqaJGG+1OflMSTU2tpyG65G4dMKdFcoA==',
    );
  });
});

describe('derived WeChat vectors (derived_vectors.json)', () => {
  it('builds the exact Native Authorization header', () => {
    const vector = derived.wechat_v3_request;
    const body = vector.message.split('\n')[4] ?? '';
    expect(buildRequestSignMessage('POST', '/v3/pay/transactions/native', '1704135845', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', body)).toBe(vector.message);
    expect(
      buildAuthorization({
        mchid: '1230000109',
        merchantSerial: CERT_SERIAL,
        privateKey: wxPrivateKey,
        method: 'POST',
        canonicalUrl: '/v3/pay/transactions/native',
        body,
        timestamp: 1704135845,
        nonce: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345',
      }),
    ).toBe(vector.authorization);
  });

  it('decrypts the AES-256-GCM TRANSACTION.SUCCESS resource', () => {
    const vector = derived.wechat_notify_gcm;
    expect(aeadDecrypt(vector.apiv3_key, vector.nonce, vector.associated_data, vector.ciphertext).toString('utf8')).toBe(vector.plaintext);
  });

  it('turns a signed notification around that resource into a payment through the client', async () => {
    const vector = derived.wechat_notify_gcm;
    const rawBody = JSON.stringify({
      id: 'EV-2024010203050001',
      create_time: '2024-01-02T03:05:01+08:00',
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', ciphertext: vector.ciphertext, associated_data: vector.associated_data, nonce: vector.nonce },
    });
    const ts = 1704135901;
    const nonce = 'n0nce';
    const signature = createSign('RSA-SHA256').update(`${ts}\n${nonce}\n${rawBody}\n`).sign(wxPrivateKey, 'base64');
    const client = createWechatPayClient(
      {
        appid: 'wxd678efh567hg6787',
        mchid: '1230000109',
        merchantSerial: CERT_SERIAL,
        merchantPrivateKeyPem: wxPrivateKey,
        apiV3Key: vector.apiv3_key,
        platformCertificates: { [CERT_SERIAL]: wxCertificate },
      },
      { now: () => ts * 1000, env: {} },
    );
    const headers = { 'Wechatpay-Timestamp': String(ts), 'Wechatpay-Nonce': nonce, 'Wechatpay-Signature': signature, 'Wechatpay-Serial': CERT_SERIAL };
    const notification = await client.verifyNotification({ headers, rawBody });
    expect(notification).toEqual({
      kind: 'payment',
      provider: 'wechat',
      eventId: 'EV-2024010203050001',
      trade: {
        status: 'success',
        providerState: 'SUCCESS',
        outTradeNo: 'POS20240102000001',
        providerTradeNo: '4200000000202401020000000001',
        totalFen: 8888,
        merchantId: '1230000109',
        paidAt: '2024-01-02T03:05:00+08:00',
        description: '支付成功',
      },
    });
    // The same notification for another merchant is refused even though the signature is valid.
    const other = createWechatPayClient(
      { appid: 'wxd678efh567hg6787', mchid: '1230000110', merchantSerial: CERT_SERIAL, merchantPrivateKeyPem: wxPrivateKey, apiV3Key: vector.apiv3_key, platformCertificates: { [CERT_SERIAL]: wxCertificate } },
      { now: () => ts * 1000, env: {} },
    );
    await expect(other.verifyNotification({ headers, rawBody })).rejects.toMatchObject({ kind: 'verification', code: 'MERCHANT_MISMATCH' });
    // A stale one (client clock 5 minutes later) is refused.
    const later = createWechatPayClient(
      { appid: 'wxd678efh567hg6787', mchid: '1230000109', merchantSerial: CERT_SERIAL, merchantPrivateKeyPem: wxPrivateKey, apiV3Key: vector.apiv3_key, platformCertificates: { [CERT_SERIAL]: wxCertificate } },
      { now: () => (ts + 300) * 1000, env: {} },
    );
    await expect(later.verifyNotification({ headers, rawBody })).rejects.toMatchObject({ kind: 'verification', code: 'STALE_TIMESTAMP' });
  });
});

describe('config resolution', () => {
  const base = { appid: 'wxd678efh567hg6787', mchid: '1230000109', merchantSerial: CERT_SERIAL, merchantPrivateKeyPem: wxPrivateKey, apiV3Key: '0123456789abcdef0123456789abcdef' };

  it('reads the serial from the platform certificate and refuses a mislabelled one', () => {
    const config = resolveWechatPayConfig({ ...base, platformCertificatePaths: [new URL('wx_test_platform_cert.pem', vectors).pathname] }, { env: {} });
    expect([...config.verificationKeys.certificates.keys()]).toEqual([CERT_SERIAL]);
    expect(() => resolveWechatPayConfig({ ...base, platformCertificates: { AAAA0000: wxCertificate } }, { env: {} })).toThrow(/has serial D7CE59D1F522D701/);
  });

  it('defaults to the production host, lets TILL_WECHATPAY_BASE_URL override it', () => {
    const withCert = { ...base, platformCertificates: { [CERT_SERIAL]: wxCertificate } };
    expect(resolveWechatPayConfig(withCert, { env: {} }).baseUrl).toBe('https://api.mch.weixin.qq.com');
    expect(resolveWechatPayConfig({ ...withCert, baseUrl: 'http://127.0.0.1:1234/' }, { env: {} }).baseUrl).toBe('http://127.0.0.1:1234');
    expect(resolveWechatPayConfig(withCert, { env: { TILL_WECHATPAY_BASE_URL: 'http://127.0.0.1:9/' } }).baseUrl).toBe('http://127.0.0.1:9');
  });

  it('refuses bad settings without echoing secrets', () => {
    const attempt = (input: unknown) => {
      try {
        resolveWechatPayConfig(input, { env: {} });
      } catch (error) {
        expect(error).toMatchObject({ kind: 'config', code: 'CONFIG_INVALID' });
        return (error as Error).message;
      }
      throw new Error('expected a config error');
    };
    const shortKey = attempt({ ...base, apiV3Key: 'secret-apiv3-key-too-short', platformCertificates: { [CERT_SERIAL]: wxCertificate } });
    expect(shortKey).toMatch(/apiV3Key/);
    expect(shortKey).not.toContain('secret-apiv3-key-too-short');
    const badPem = attempt({ ...base, merchantPrivateKeyPem: '-----BEGIN PRIVATE KEY-----\nMIIsecret\n-----END PRIVATE KEY-----', platformCertificates: { [CERT_SERIAL]: wxCertificate } });
    expect(badPem).not.toContain('MIIsecret');
    expect(attempt(base)).toMatch(/public key or at least one platform certificate/);
  });
});
