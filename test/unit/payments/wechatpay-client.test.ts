/**
 * The client's request shape and outcome classification against a scripted fake WeChat Pay (an
 * injected fetch). The fake checks our Authorization signature over the URL actually requested, and
 * signs its answers with the wechatpay-go test key, so every case goes through real crypto.
 */
import { createPublicKey, createSign, createVerify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createWechatPayClient, type WechatPayClient } from '../../../electron/payments/wechatpay/client';
import type { FetchLike } from '../../../electron/payments/wechatpay/transport';

const vectors = new URL('../../fixtures/vectors/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, vectors), 'utf8');
const merchantKey = read('wx_test_private_key.pem');
const merchantPublic = new X509Certificate(read('wx_test_platform_cert.pem')).publicKey;
const platformCert = read('wx_test_platform_cert.pem');
const platformKey = merchantKey; // the go test certificate belongs to the same key pair
const publicModeKey = read('wx_doc/doc_test_key.pem');
const PUB_KEY_ID = 'PUB_KEY_ID_0112300001092024010200000000';
const CERT_SERIAL = 'D7CE59D1F522D701';
const NOW = 1_704_135_845_000;

interface Seen {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string;
}

interface Answer {
  status: number;
  body?: unknown;
  /** Which key signs: the platform certificate (default), the public-key-mode key, or nobody. */
  signWith?: 'certificate' | 'publicKey' | 'none' | 'wrong';
  delayMs?: number;
  networkError?: boolean;
}

function fakeWechat(answer: (seen: Seen) => Answer) {
  const seen: Seen[] = [];
  const fetch: FetchLike = async (input, init) => {
    const url = new URL(input);
    const headers = Object.fromEntries(Object.entries(init.headers as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    const body = typeof init.body === 'string' ? init.body : '';
    const request: Seen = { method: init.method ?? 'GET', url, headers, body };
    seen.push(request);
    // Check the merchant signature the way WeChat does: over the path+query we were sent.
    const auth = /^WECHATPAY2-SHA256-RSA2048 (.*)$/.exec(headers.authorization ?? '')?.[1] ?? '';
    const fields = Object.fromEntries([...auth.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const message = `${request.method}\n${url.pathname}${url.search}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`;
    if (!createVerify('RSA-SHA256').update(message).verify(merchantPublic, fields.signature ?? '', 'base64')) {
      return new Response(JSON.stringify({ code: 'SIGN_ERROR', message: '错误的签名，验签失败' }), { status: 401 });
    }
    const reply = answer(request);
    if (reply.networkError) throw new TypeError('fetch failed', { cause: new Error('ECONNRESET') });
    if (reply.delayMs) {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, reply.delayMs);
        init.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(init.signal?.reason);
        });
      });
    }
    const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
    const responseHeaders: Record<string, string> = { 'content-type': 'application/json' };
    const signWith = reply.signWith ?? 'certificate';
    if (signWith !== 'none') {
      const ts = String(Math.floor(NOW / 1000));
      const nonce = 'fakeNonce';
      const key = signWith === 'publicKey' ? publicModeKey : signWith === 'wrong' ? publicModeKey : platformKey;
      Object.assign(responseHeaders, {
        'wechatpay-timestamp': ts,
        'wechatpay-nonce': nonce,
        'wechatpay-signature': createSign('RSA-SHA256').update(`${ts}\n${nonce}\n${text}\n`).sign(key, 'base64'),
        'wechatpay-serial': signWith === 'publicKey' ? PUB_KEY_ID : CERT_SERIAL,
      });
    }
    return new Response(reply.status === 204 ? null : text, { status: reply.status, headers: responseHeaders });
  };
  return { fetch, seen };
}

function clientWith(answer: (seen: Seen) => Answer, mode: 'certificate' | 'publicKey' = 'certificate', requestTimeoutMs = 10_000, merchantPrivateKeyPem = merchantKey) {
  const fake = fakeWechat(answer);
  const client = createWechatPayClient(
    {
      baseUrl: 'https://api.example.test',
      appid: 'wxd678efh567hg6787',
      mchid: '1230000109',
      merchantSerial: 'ABCDEF0123456789',
      merchantPrivateKeyPem,
      apiV3Key: '0123456789abcdef0123456789abcdef',
      notifyUrl: 'https://pos.example.com/notify/wechat',
      requestTimeoutMs,
      ...(mode === 'certificate'
        ? { platformCertificates: { [CERT_SERIAL]: platformCert } }
        : { wechatpayPublicKey: { id: PUB_KEY_ID, pem: createPublicKey(publicModeKey).export({ type: 'spki', format: 'pem' }).toString() } }),
    },
    { fetch: fake.fetch, now: () => NOW, env: {} },
  );
  return { client, seen: fake.seen };
}

const paid = (outTradeNo: string, total: number, mchid = '1230000109') => ({
  appid: 'wxd678efh567hg6787',
  mchid,
  out_trade_no: outTradeNo,
  transaction_id: '4200000001202401020000000001',
  trade_type: 'MICROPAY',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  success_time: '2024-01-02T03:05:00+08:00',
  amount: { total, payer_total: total, currency: 'CNY' },
});

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { kind: string; code: string };
  }
  throw new Error('expected a rejection');
}

const qr = { outTradeNo: 'POS20240102000001', amountFen: 8888, description: 'POS-测试', expiresAt: new Date('2024-01-01T19:10:00Z') };

describe('request shape', () => {
  it('sends a signed Native create with Beijing time_expire, integer fen and Wechatpay-Serial', async () => {
    const { client, seen } = clientWith(() => ({ status: 200, body: { code_url: 'weixin://wxpay/bizpayurl?pr=abc1234' } }));
    await expect(client.createMerchantQr(qr)).resolves.toEqual({ codeUrl: 'weixin://wxpay/bizpayurl?pr=abc1234' });
    const request = seen[0];
    expect(request?.url.pathname).toBe('/v3/pay/transactions/native');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      appid: 'wxd678efh567hg6787',
      mchid: '1230000109',
      description: 'POS-测试',
      out_trade_no: 'POS20240102000001',
      time_expire: '2024-01-02T03:10:00+08:00',
      notify_url: 'https://pos.example.com/notify/wechat',
      amount: { total: 8888, currency: 'CNY' },
    });
    expect(request?.headers['wechatpay-serial']).toBe(CERT_SERIAL);
    expect(request?.headers.authorization).toMatch(/^WECHATPAY2-SHA256-RSA2048 mchid="1230000109",nonce_str="[0-9A-Za-z]{32}",timestamp="1704135845",serial_no="ABCDEF0123456789",signature="/);
  });

  it('escapes path parameters and signs the escaped form', async () => {
    const { client, seen } = clientWith(() => ({ status: 404, body: { code: 'ORDER_NOT_EXIST', message: '订单不存在' } }));
    await expect(client.query('POS|2024*01')).resolves.toMatchObject({ status: 'not_found' });
    expect(seen[0]?.url.pathname + (seen[0]?.url.search ?? '')).toBe('/v3/pay/transactions/out-trade-no/POS%7C2024*01?mchid=1230000109');
  });

  it('in public-key mode sends the PUB_KEY_ID and verifies with that key', async () => {
    const { client, seen } = clientWith(() => ({ status: 200, body: paid('POS20240102000001', 8888), signWith: 'publicKey' }), 'publicKey');
    await expect(client.query('POS20240102000001', { amountFen: 8888 })).resolves.toMatchObject({ status: 'success', totalFen: 8888 });
    expect(seen[0]?.headers['wechatpay-serial']).toBe(PUB_KEY_ID);
    const certificateOnly = clientWith(() => ({ status: 200, body: paid('POS20240102000001', 8888), signWith: 'publicKey' }), 'certificate');
    await expect(certificateOnly.client.query('POS20240102000001')).rejects.toMatchObject({ kind: 'verification', code: 'UNKNOWN_SERIAL' });
  });

  it('refuses bad input before any network call', async () => {
    const { client, seen } = clientWith(() => ({ status: 500 }));
    await expect(client.createMerchantQr({ ...qr, amountFen: 88.88 })).rejects.toMatchObject({ kind: 'config', code: 'AMOUNT_INVALID' });
    await expect(client.createMerchantQr({ ...qr, outTradeNo: 'short' })).rejects.toMatchObject({ kind: 'config', code: 'OUT_TRADE_NO_INVALID' });
    await expect(client.refund({ outTradeNo: qr.outTradeNo, outRefundNo: 'R1', refundFen: 9000, totalFen: 8888 })).rejects.toMatchObject({ kind: 'config' });
    expect(seen).toHaveLength(0);
  });
});

describe('classification', () => {
  const cases: Array<[string, Answer, { kind: string; code: string }]> = [
    ['500 SYSTEM_ERROR', { status: 500, body: { code: 'SYSTEM_ERROR', message: '系统错误' } }, { kind: 'unknown', code: 'SYSTEM_ERROR' }],
    ['502 without an envelope', { status: 502, body: undefined }, { kind: 'unknown', code: 'HTTP_502' }],
    ['429 FREQUENCY_LIMITED', { status: 429, body: { code: 'FREQUENCY_LIMITED', message: '频率超限' } }, { kind: 'unknown', code: 'FREQUENCY_LIMITED' }],
    ['202 accepted', { status: 202, body: { code: 'ACCEPTED', message: '处理中' } }, { kind: 'unknown', code: 'ACCEPTED' }],
    ['400 PARAM_ERROR', { status: 400, body: { code: 'PARAM_ERROR', message: '参数错误' } }, { kind: 'config', code: 'PARAM_ERROR' }],
    ['403 OUT_TRADE_NO_USED', { status: 403, body: { code: 'OUT_TRADE_NO_USED', message: '商户订单号重复' } }, { kind: 'config', code: 'OUT_TRADE_NO_USED' }],
    ['400 ORDER_CLOSED', { status: 400, body: { code: 'ORDER_CLOSED', message: '订单已关闭' } }, { kind: 'rejected', code: 'ORDER_CLOSED' }],
    ['400 ORDERPAID (query will say so)', { status: 400, body: { code: 'ORDERPAID', message: '订单已支付' } }, { kind: 'unknown', code: 'ORDERPAID' }],
    ['200 with a bad signature', { status: 200, body: { code_url: 'weixin://wxpay/bizpayurl?pr=x' }, signWith: 'wrong' }, { kind: 'verification', code: 'BAD_SIGNATURE' }],
    ['200 unsigned', { status: 200, body: { code_url: 'weixin://wxpay/bizpayurl?pr=x' }, signWith: 'none' }, { kind: 'verification', code: 'MISSING_SIGNATURE_HEADERS' }],
    ['network error', { status: 0, networkError: true }, { kind: 'unknown', code: 'NETWORK' }],
  ];
  for (const [name, answer, expected] of cases) {
    it(`Native create: ${name} → ${expected.kind}`, async () => {
      const { client } = clientWith(() => answer);
      expect(await rejection(client.createMerchantQr(qr))).toMatchObject(expected);
    });
  }

  it('a 401 from our own bad signature (wrong merchant key) is config', async () => {
    const { client } = clientWith(() => ({ status: 200, body: paid('POS20240102000001', 8888) }), 'certificate', 10_000, publicModeKey);
    expect(await rejection(client.query('POS20240102000001'))).toMatchObject({ kind: 'config', code: 'SIGN_ERROR' });
  });

  it('a timeout is unknown', async () => {
    const { client } = clientWith(() => ({ status: 200, body: paid('POS20240102000001', 8888), delayMs: 2_000 }), 'certificate', 100);
    expect(await rejection(client.query('POS20240102000001'))).toMatchObject({ kind: 'unknown', code: 'TIMEOUT' });
  });

  it('a success for another amount or merchant is a verification failure', async () => {
    const amount = clientWith(() => ({ status: 200, body: paid('POS20240102000001', 8887) }));
    expect(await rejection(amount.client.query('POS20240102000001', { amountFen: 8888 }))).toMatchObject({ kind: 'verification', code: 'AMOUNT_MISMATCH' });
    const merchant = clientWith(() => ({ status: 200, body: paid('POS20240102000001', 8888, '1230000110') }));
    expect(await rejection(merchant.client.query('POS20240102000001'))).toMatchObject({ kind: 'verification', code: 'MERCHANT_MISMATCH' });
    const order = clientWith(() => ({ status: 200, body: paid('POS20240102000002', 8888) }));
    expect(await rejection(order.client.query('POS20240102000001'))).toMatchObject({ kind: 'verification', code: 'OUT_TRADE_NO_MISMATCH' });
  });
});

describe('codepay outcomes', () => {
  const pay = (client: WechatPayClient) => client.payWithCustomerCode({ outTradeNo: 'POS20240102000009', amountFen: 500, description: '付款码', authCode: '134567890123456701' });

  it('maps each answer to success / pending / failed / error', async () => {
    const outcome = async (answer: Answer, timeoutMs = 10_000) => pay(clientWith(() => answer, 'certificate', timeoutMs).client);
    expect(await outcome({ status: 200, body: paid('POS20240102000009', 500) })).toMatchObject({ outcome: 'success', trade: { totalFen: 500 } });
    expect(await outcome({ status: 202, body: { code: 'USERPAYING', message: '需要用户输入支付密码' }, signWith: 'none' })).toEqual({ outcome: 'pending', reason: 'USERPAYING' });
    expect(await outcome({ status: 200, body: { trade_state: 'USERPAYING' } })).toMatchObject({ outcome: 'pending', reason: 'USERPAYING' });
    expect(await outcome({ status: 500, body: { code: 'SYSTEM_ERROR', message: '系统错误' } })).toEqual({ outcome: 'pending', reason: 'SYSTEM_ERROR' });
    expect(await outcome({ status: 500, body: { code: 'BANK_ERROR', message: '银行异常' } })).toEqual({ outcome: 'pending', reason: 'BANK_ERROR' });
    expect(await outcome({ status: 429, body: { code: 'FREQUENCY_LIMITED', message: '频率超限' } })).toEqual({ outcome: 'pending', reason: 'FREQUENCY_LIMITED' });
    expect(await outcome({ status: 200, delayMs: 2_000 }, 100)).toEqual({ outcome: 'pending', reason: 'TIMEOUT' });
    expect(await outcome({ status: 0, networkError: true })).toEqual({ outcome: 'pending', reason: 'NETWORK' });
    expect(await outcome({ status: 400, body: { code: 'AUTHCODEEXPIRE', message: '二维码已过期' } })).toEqual({ outcome: 'failed', code: 'AUTHCODEEXPIRE', message: '二维码已过期' });
    expect(await outcome({ status: 403, body: { code: 'NOTENOUGH', message: '余额不足' } })).toMatchObject({ outcome: 'failed', code: 'NOTENOUGH' });
    await expect(outcome({ status: 400, body: { code: 'PARAM_ERROR', message: '参数错误' } })).rejects.toMatchObject({ kind: 'config' });
    await expect(outcome({ status: 200, body: paid('POS20240102000009', 499) })).rejects.toMatchObject({ kind: 'verification', code: 'AMOUNT_MISMATCH' });
  });
});

describe('close and reverse', () => {
  it('close: 204 (signed over an empty body) → closed; ORDERPAID → already_paid', async () => {
    expect(await clientWith(() => ({ status: 204 })).client.close('POS20240102000001')).toEqual({ outcome: 'closed' });
    expect(await rejection(clientWith(() => ({ status: 204, signWith: 'wrong' })).client.close('POS20240102000001'))).toMatchObject({ kind: 'verification' });
    expect(await clientWith(() => ({ status: 400, body: { code: 'ORDERPAID', message: '已支付' } })).client.close('POS20240102000001')).toEqual({ outcome: 'already_paid' });
  });

  it('reverse: recall=Y and "still paying" ask for another call', async () => {
    const ok = { appid: 'wxd678efh567hg6787', mchid: '1230000109', out_trade_no: 'POS20240102000001' };
    expect(await clientWith(() => ({ status: 200, body: ok })).client.reverse('POS20240102000001')).toEqual({ retry: false });
    expect(await clientWith(() => ({ status: 200, body: { ...ok, recall: 'Y' } })).client.reverse('POS20240102000001')).toEqual({ retry: true });
    expect(await clientWith(() => ({ status: 403, body: { code: 'USERPAYING', message: '正在支付中不能发起撤销' } })).client.reverse('POS20240102000001')).toEqual({ retry: true });
    expect(await rejection(clientWith(() => ({ status: 500, body: { code: 'SYSTEM_ERROR', message: 'x' } })).client.reverse('POS20240102000001'))).toMatchObject({ kind: 'unknown' });
  });
});
