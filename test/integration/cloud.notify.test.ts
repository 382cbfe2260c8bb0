/**
 * Provider notifications through the cloud, against a real PostgreSQL:
 * - real notifications produced by the WeChat Pay and Alipay sandboxes (signed, encrypted, resent,
 *   duplicated, tampered), with each sandbox's notify URL pointed at the cloud;
 * - the official test vectors (test/fixtures/vectors): WeChat callback signature + AEAD, Alipay's
 *   real production notification;
 * - stored once, replied to exactly as each provider expects, relayed to the owning terminal only,
 *   refused when forged, stale, for another merchant, or for another amount than the synced payment.
 */
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toInt } from '../../cloud/db';
import { decryptWechatResource, verifyWechatSignature, wechatKeysFrom } from '../../cloud/notify/wechat';
import { NotificationRefused } from '../../cloud/notify/types';
import { createAlipayClient } from '../../electron/payments/alipay';
import { createWechatPayClient } from '../../electron/payments/wechatpay';
import { startAlipaySandbox, type AlipaySandbox } from '../../electron/sandbox/alipay';
import { startWechatSandbox, type WechatSandbox } from '../../electron/sandbox/wechatpay';
import type { EnrolResponse, EventsResponse } from '../../electron/sync/wire';
import { makeOrder, Prng, signedHeaders, startTestCloud, type TestCloud } from '../support/cloud';

const vectors = new URL('../fixtures/vectors/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, vectors), 'utf8');
const WX_CERT = read('wx_test_platform_cert.pem');
const WX_KEY = read('wx_test_private_key.pem');
const WX_SERIAL = 'D7CE59D1F522D701';
const derived = JSON.parse(read('derived_vectors.json')) as { wechat_notify_gcm: { apiv3_key: string; nonce: string; associated_data: string; plaintext: string; ciphertext: string } };
const alipayVector = JSON.parse(read('alipay/notify_vector.json')) as { alipay_public_key_base64: string; params: Record<string, string> };

let fixedNow: number | undefined;
const now = () => fixedNow ?? Date.now();
let cloud: TestCloud;
let wechat: WechatSandbox;
let alipay: AlipaySandbox;
let t1: EnrolResponse;
let t2: EnrolResponse;
let other: EnrolResponse;
const prng = new Prng(7);
const admin = () => ({ authorization: `Bearer ${cloud.adminToken}` });

async function events(credentials: { terminalId: string; secret: string }, after = '0'): Promise<EventsResponse> {
  const path = `/v1/sync/events?after=${after}`;
  const response = await cloud.app.inject({ method: 'GET', url: path, headers: signedHeaders(credentials, { method: 'GET', path, body: '' }, { timestamp: String(now()) }) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as EventsResponse;
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function storedEvents(outTradeNo: string) {
  return cloud.db.query<{ deliveries: unknown; claimed_state: string; terminal_code: string; kind: string }>(
    'SELECT deliveries, claimed_state, terminal_code, kind FROM provider_events WHERE out_trade_no = $1',
    [outTradeNo],
  );
}

const notifyUrl = (provider: 'wechat' | 'alipay', terminalId: string) => `${cloud.baseUrl}/v1/notify/${provider}/${encodeURIComponent(terminalId)}`;

async function configure(storeCode: string, body: object) {
  const response = await cloud.app.inject({ method: 'PUT', url: `/v1/admin/stores/${storeCode}/providers`, headers: admin(), payload: body });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Record<string, unknown>;
}

beforeAll(async () => {
  cloud = await startTestCloud({ now });
  [wechat, alipay] = await Promise.all([startWechatSandbox(), startAlipaySandbox()]);
  t1 = await cloud.enrolTerminal('S001', 'T01');
  t2 = await cloud.enrolTerminal('S001', 'T02');
  other = await cloud.enrolTerminal('S002', 'T01');
  const k = wechat.keys;
  await configure('S001', {
    wechat: {
      mchid: k.mchid,
      appid: k.appid,
      apiV3Key: k.apiV3Key,
      platformPublicKeyId: k.publicKey.id,
      platformPublicKeyPem: k.publicKey.publicKeyPem,
      platformCertificates: { [k.platformCertificate.serial]: k.platformCertificate.certificatePem },
    },
    alipay: { appId: alipay.keys.appId, sellerId: alipay.keys.sellerId, alipayPublicKey: alipay.keys.alipay.publicKeyPem },
  });
  // Store S002 has the same provider keys but another merchant: a valid signature is not enough.
  await configure('S002', {
    wechat: { mchid: '1900000001', appid: k.appid, apiV3Key: k.apiV3Key, platformPublicKeyId: k.publicKey.id, platformPublicKeyPem: k.publicKey.publicKeyPem },
    alipay: { appId: '2021000000000001', alipayPublicKey: alipay.keys.alipay.publicKeyPem },
  });
}, 60_000);

afterAll(async () => {
  await wechat?.close();
  await alipay?.close();
  await cloud?.close();
});

describe('provider settings', () => {
  it('never echoes the APIv3 key and keeps it sealed at rest', async () => {
    const view = await configure('S001', {
      wechat: {
        mchid: wechat.keys.mchid,
        appid: wechat.keys.appid,
        apiV3Key: wechat.keys.apiV3Key,
        platformPublicKeyId: wechat.keys.publicKey.id,
        platformPublicKeyPem: wechat.keys.publicKey.publicKeyPem,
        platformCertificates: { [wechat.keys.platformCertificate.serial]: wechat.keys.platformCertificate.certificatePem },
      },
    });
    expect(JSON.stringify(view)).not.toContain(wechat.keys.apiV3Key);
    expect((view.wechat as { apiV3Key: string }).apiV3Key).toBe('set');
    const rows = await cloud.db.query<{ sealed: string; config: unknown }>("SELECT wechat_api_v3_key_sealed AS sealed, wechat_config::text AS config FROM stores WHERE code = 'S001'");
    expect(rows[0]?.sealed.startsWith('v1:')).toBe(true);
    expect(String(rows[0]?.config)).not.toContain(wechat.keys.apiV3Key);
  });

  it('refuses keys that do not parse or a certificate under the wrong serial', async () => {
    const bad = await cloud.app.inject({
      method: 'PUT',
      url: '/v1/admin/stores/S001/providers',
      headers: admin(),
      payload: { wechat: { mchid: '1230000109', appid: 'wx1', apiV3Key: 'k'.repeat(32), platformCertificates: { ABCDEF: WX_CERT } } },
    });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { error: { code: string } }).error.code).toBe('PROVIDER_CONFIG_INVALID');
  });
});

describe('WeChat Pay notifications from the sandbox', () => {
  it('accepts a genuine one once, refuses tampered copies, stores duplicates once, relays to the owner only', async () => {
    wechat.configure({ notify: { duplicates: 2, tamperedBefore: ['forged-signature', 'signtest-probe', 'stale-timestamp', 'unknown-serial'] } });
    const client = createWechatPayClient(wechat.clientConfig({ notifyUrl: notifyUrl('wechat', t1.terminalId) }));
    const outTradeNo = `T${prng.ulid()}`;
    await client.createMerchantQr({ outTradeNo, amountFen: 1288, description: '测试', expiresAt: new Date(Date.now() + 300_000) });
    expect(wechat.scanAndPay(outTradeNo).ok).toBe(true);
    const deliveries = await until('wechat deliveries', () => {
      const list = wechat.notifications().filter((d) => d.outTradeNo === outTradeNo);
      return list.filter((d) => d.variant === 'duplicate').length === 2 ? list : undefined;
    });
    const byVariant = Object.fromEntries(deliveries.map((d) => [d.variant, d]));
    for (const tamper of ['forged-signature', 'signtest-probe', 'stale-timestamp', 'unknown-serial']) {
      expect(byVariant[tamper]?.accepted, tamper).toBe(false);
      expect(byVariant[tamper]?.status, tamper).toBe(401);
    }
    expect(byVariant.genuine?.accepted).toBe(true);
    expect(byVariant.genuine?.status).toBe(204);
    expect(deliveries.filter((d) => d.variant === 'duplicate').every((d) => d.accepted)).toBe(true);

    const rows = await storedEvents(outTradeNo);
    expect(rows).toHaveLength(1);
    expect(toInt(rows[0]?.deliveries)).toBe(3);
    const feed = await events(t1);
    const mine = feed.events.filter((e) => e.outTradeNo === outTradeNo);
    expect(mine).toEqual([{ id: expect.any(String), provider: 'wechat', kind: 'payment', outTradeNo, outRefundNo: null, claimedState: 'SUCCESS', receivedAt: expect.any(String) }]);
    expect((await events(t2)).events.filter((e) => e.outTradeNo === outTradeNo)).toEqual([]);
    expect((await events(other)).events).toEqual([]);
    // The cursor moves on.
    expect((await events(t1, feed.cursor)).events).toEqual([]);
    wechat.configure({ notify: { duplicates: 0, tamperedBefore: [] } });
  });

  it('relays refunds too', async () => {
    const client = createWechatPayClient(wechat.clientConfig({ notifyUrl: notifyUrl('wechat', t1.terminalId) }));
    wechat.configure({ refundProcessingMs: 0 });
    const outTradeNo = `T${prng.ulid()}`;
    await client.createMerchantQr({ outTradeNo, amountFen: 500, description: '退款测试', expiresAt: new Date(Date.now() + 300_000) });
    wechat.scanAndPay(outTradeNo);
    await client.refund({ outTradeNo, outRefundNo: `R${outTradeNo}-1`, refundFen: 200, totalFen: 500, notifyUrl: notifyUrl('wechat', t1.terminalId) });
    await until('refund delivery', () => (wechat.notifications().some((d) => d.outTradeNo === outTradeNo && d.eventType.startsWith('REFUND.') && d.accepted) ? true : undefined));
    const rows = await storedEvents(outTradeNo);
    expect(rows.map((r) => r.kind).sort()).toEqual(['payment', 'refund']);
  });

  it('refuses a notification for another merchant (store S002 has another mchid)', async () => {
    const client = createWechatPayClient(wechat.clientConfig({ notifyUrl: notifyUrl('wechat', other.terminalId) }));
    const outTradeNo = `T${prng.ulid()}`;
    await client.createMerchantQr({ outTradeNo, amountFen: 300, description: 'x', expiresAt: new Date(Date.now() + 300_000) });
    wechat.configure({ notify: { retryScale: 1000 } });
    wechat.scanAndPay(outTradeNo);
    const first = await until('refused delivery', () => wechat.notifications().find((d) => d.outTradeNo === outTradeNo && d.status !== undefined));
    expect(first.accepted).toBe(false);
    expect(first.status).toBe(403);
    expect(await storedEvents(outTradeNo)).toHaveLength(0);
    wechat.configure({ notify: { retryScale: 1 } });
  });

  it('refuses an amount that differs from the synced payment', async () => {
    const outTradeNo = `T${prng.ulid()}`;
    const order = makeOrder(prng, { storeCode: 'S001', terminalCode: 'T01', businessDate: '2025-01-15', seq: 1, payments: 1 });
    order.payments[0] = { ...order.payments[0]!, tender: 'wechat', method: 'merchant_qr', outTradeNo, tenderedFen: null };
    const body = JSON.stringify({ wireVersion: 1, backlog: { pending: 0, dead: 0, oldestPendingAt: null }, orders: [order] });
    const ingest = await cloud.app.inject({ method: 'POST', url: '/v1/sync/orders', headers: signedHeaders(t1, { method: 'POST', path: '/v1/sync/orders', body }, { timestamp: String(now()) }), payload: body });
    expect(ingest.statusCode).toBe(200);
    const client = createWechatPayClient(wechat.clientConfig({ notifyUrl: notifyUrl('wechat', t1.terminalId) }));
    await client.createMerchantQr({ outTradeNo, amountFen: order.payments[0]!.amountFen + 1, description: 'x', expiresAt: new Date(Date.now() + 300_000) });
    wechat.configure({ notify: { retryScale: 1000 } });
    wechat.scanAndPay(outTradeNo);
    const first = await until('refused delivery', () => wechat.notifications().find((d) => d.outTradeNo === outTradeNo && d.status !== undefined));
    expect(first.status).toBe(400);
    expect(await storedEvents(outTradeNo)).toHaveLength(0);
    wechat.configure({ notify: { retryScale: 1 } });
  });
});

describe('Alipay notifications from the sandbox', () => {
  it('answers exactly "success" once verified, refuses forged and altered copies, stores duplicates once', async () => {
    alipay.configure({ notify: { duplicates: 2, tamperedBefore: ['forged-signature', 'altered-amount'] } });
    const client = createAlipayClient(alipay.clientConfig({ notifyUrl: notifyUrl('alipay', t1.terminalId) }));
    const qr = await client.createMerchantQr({ outTradeNo: `T${prng.ulid()}`, amountFen: 8888, description: '测试', expiresAt: new Date(Date.now() + 300_000) });
    expect(qr.codeUrl).toBeTruthy();
    const outTradeNo = alipay.trades().at(-1)!.outTradeNo;
    expect(alipay.scanAndPay(outTradeNo).ok).toBe(true);
    const deliveries = await until('alipay deliveries', () => {
      const list = alipay.notifications().filter((d) => d.outTradeNo === outTradeNo && d.reply !== undefined);
      return list.filter((d) => d.variant === 'duplicate').length === 2 ? list : undefined;
    });
    for (const variant of ['forged-signature', 'altered-amount']) {
      const delivery = deliveries.find((d) => d.variant === variant);
      expect(delivery?.reply, variant).toBe('fail');
      expect(delivery?.accepted, variant).toBe(false);
    }
    const genuine = deliveries.find((d) => d.variant === 'genuine');
    expect(genuine?.reply).toBe('success');
    expect(genuine?.status).toBe(200);
    const rows = await storedEvents(outTradeNo);
    expect(rows).toHaveLength(1);
    expect(toInt(rows[0]?.deliveries)).toBe(3);
    expect(rows[0]?.claimed_state).toBe('TRADE_SUCCESS');
    expect((await events(t1)).events.some((e) => e.outTradeNo === outTradeNo && e.provider === 'alipay')).toBe(true);
    expect((await events(t2)).events.some((e) => e.outTradeNo === outTradeNo)).toBe(false);
    alipay.configure({ notify: { duplicates: 0, tamperedBefore: [] } });
  });

  it('refuses a notification for another app id', async () => {
    const client = createAlipayClient(alipay.clientConfig({ notifyUrl: notifyUrl('alipay', other.terminalId) }));
    await client.createMerchantQr({ outTradeNo: `T${prng.ulid()}`, amountFen: 100, description: 'x', expiresAt: new Date(Date.now() + 300_000) });
    const outTradeNo = alipay.trades().at(-1)!.outTradeNo;
    alipay.configure({ notify: { retryScale: 1000 } });
    alipay.scanAndPay(outTradeNo);
    const first = await until('refused delivery', () => alipay.notifications().find((d) => d.outTradeNo === outTradeNo && d.reply !== undefined));
    expect(first.reply).toBe('fail');
    expect(await storedEvents(outTradeNo)).toHaveLength(0);
    alipay.configure({ notify: { retryScale: 1 } });
  });
});

describe('official vectors', () => {
  const body = read('wx_notify_body.json');
  const headers = (timestamp: string, signature: string) => ({
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': 'EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz',
    'wechatpay-signature': signature,
    'wechatpay-serial': WX_SERIAL,
  });
  const NOTIFY_SIG =
    'tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXFlbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1IBLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY406ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q==';
  const keys = wechatKeysFrom({ mchid: '1234567890', appid: 'x', platformCertificates: { [WX_SERIAL]: WX_CERT } });
  const refusal = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      return error instanceof NotificationRefused ? error.code : 'other';
    }
    return 'accepted';
  };

  it('wechatpay-go notify_test: signature verifies at its time, not 300 s later, not with a changed byte', () => {
    expect(refusal(() => verifyWechatSignature(headers('1624523846', NOTIFY_SIG), Buffer.from(body), keys, 1624523846))).toBe('accepted');
    expect(refusal(() => verifyWechatSignature(headers('1624523846', NOTIFY_SIG), Buffer.from(body), keys, 1624523846 + 300))).toBe('STALE_TIMESTAMP');
    expect(refusal(() => verifyWechatSignature(headers('1624523846', NOTIFY_SIG), Buffer.from(body.replace('签约成功', '签约失败')), keys, 1624523846))).toBe('BAD_SIGNATURE');
    expect(refusal(() => verifyWechatSignature(headers('1624523846', `WECHATPAY/SIGNTEST/${NOTIFY_SIG}`), Buffer.from(body), keys, 1624523846))).toBe('SIGNTEST_PROBE');
    expect(refusal(() => verifyWechatSignature({ ...headers('1624523846', NOTIFY_SIG), 'wechatpay-serial': 'ABC' }, Buffer.from(body), keys, 1624523846))).toBe('UNKNOWN_SERIAL');
  });

  it('AEAD vectors: wechatpay-go (AES-128 test keys), axios-plugin and our derived AES-256 vector', () => {
    const resource = (JSON.parse(body) as { resource: { algorithm: string; ciphertext: string; nonce: string; associated_data: string } }).resource;
    expect(JSON.parse(decryptWechatResource('testMchAPIv3Key0', resource)).mchid).toBe('1234567890');
    expect(decryptWechatResource('testAPIv3Key0000', { algorithm: 'AEAD_AES_256_GCM', nonce: 'wCq51qZv4Yfg', associated_data: 'Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8', ciphertext: 'FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC' })).toBe('Hello World');
    expect(decryptWechatResource('0123456789abcdef0123456789abcdef', { algorithm: 'AEAD_AES_256_GCM', nonce: '0123456789abcdef', associated_data: 'world', ciphertext: 'APoZlYpivU3HjbAiB4CvW1rAFr8J' })).toBe('hello');
    const d = derived.wechat_notify_gcm;
    expect(decryptWechatResource(d.apiv3_key, { algorithm: 'AEAD_AES_256_GCM', nonce: d.nonce, associated_data: d.associated_data, ciphertext: d.ciphertext })).toBe(d.plaintext);
    expect(refusal(() => decryptWechatResource(d.apiv3_key.replace('0', '1'), { algorithm: 'AEAD_AES_256_GCM', nonce: d.nonce, associated_data: d.associated_data, ciphertext: d.ciphertext }))).toBe('DECRYPTION_FAILED');
  });

  it('through the route: the official platform certificate and the derived TRANSACTION.SUCCESS; replay stored once; stale replay refused', async () => {
    const vectorTill = await cloud.enrolTerminal('V001', 'T01');
    const d = derived.wechat_notify_gcm;
    const plain = JSON.parse(d.plaintext) as { mchid: string; appid: string; out_trade_no: string };
    await configure('V001', { wechat: { mchid: plain.mchid, appid: plain.appid, apiV3Key: d.apiv3_key, platformCertificates: { [WX_SERIAL]: WX_CERT } } });
    const envelope = JSON.stringify({
      id: 'EV-2024010203050000001',
      create_time: '2024-01-02T03:05:01+08:00',
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', ciphertext: d.ciphertext, associated_data: d.associated_data, nonce: d.nonce },
    });
    const timestamp = 1704135901;
    const nonce = 'n0nce0000000000000000000000000001';
    const signature = createSign('RSA-SHA256').update(`${timestamp}\n${nonce}\n${envelope}\n`).sign(WX_KEY, 'base64');
    const post = () =>
      cloud.app.inject({
        method: 'POST',
        url: `/v1/notify/wechat/${vectorTill.terminalId}`,
        headers: { 'content-type': 'application/json', 'wechatpay-timestamp': String(timestamp), 'wechatpay-nonce': nonce, 'wechatpay-signature': signature, 'wechatpay-serial': WX_SERIAL },
        payload: envelope,
      });
    fixedNow = timestamp * 1000 + 10_000;
    try {
      expect((await post()).statusCode).toBe(204);
      expect((await post()).statusCode).toBe(204);
      const rows = await storedEvents(plain.out_trade_no);
      expect(rows).toHaveLength(1);
      expect(toInt(rows[0]?.deliveries)).toBe(2);
      fixedNow = (timestamp + 300) * 1000;
      const stale = await post();
      expect(stale.statusCode).toBe(401);
      expect(stale.json()).toEqual({ code: 'FAIL', message: expect.stringContaining('STALE_TIMESTAMP') });
      fixedNow = timestamp * 1000;
      const forged = await cloud.app.inject({
        method: 'POST',
        url: `/v1/notify/wechat/${vectorTill.terminalId}`,
        headers: { 'content-type': 'application/json', 'wechatpay-timestamp': String(timestamp), 'wechatpay-nonce': nonce, 'wechatpay-signature': signature, 'wechatpay-serial': WX_SERIAL },
        payload: envelope.replace('EV-2024010203050000001', 'EV-2024010203050000002'),
      });
      expect(forged.statusCode).toBe(401);
      const unknown = await cloud.app.inject({ method: 'POST', url: '/v1/notify/wechat/trm_NOSUCH', headers: { 'content-type': 'application/json' }, payload: envelope });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ code: 'FAIL' });
    } finally {
      fixedNow = undefined;
    }
  });

  it("through the route: Alipay's real production notification (alipay-sdk test), and a changed amount refused", async () => {
    const vectorTill = await cloud.enrolTerminal('V002', 'T01');
    await configure('V002', { alipay: { appId: alipayVector.params.app_id!, sellerId: alipayVector.params.seller_id!, alipayPublicKey: alipayVector.alipay_public_key_base64 } });
    const post = (params: Record<string, string>) =>
      cloud.app.inject({
        method: 'POST',
        url: `/v1/notify/alipay/${vectorTill.terminalId}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        payload: new URLSearchParams(params).toString(),
      });
    const ok = await post(alipayVector.params);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('success');
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    expect((await post(alipayVector.params)).body).toBe('success');
    const rows = await storedEvents(alipayVector.params.out_trade_no!);
    expect(rows).toHaveLength(1);
    expect(toInt(rows[0]?.deliveries)).toBe(2);
    const altered = await post({ ...alipayVector.params, total_amount: '100.10' });
    expect(altered.body).toBe('fail');
    expect(altered.statusCode).toBe(401);
    const { sign: _sign, ...unsigned } = alipayVector.params;
    expect((await post(unsigned)).body).toBe('fail');
  });
});
