/**
 * payment-protocols.md §9 Alipay vectors, run through the code the client really uses:
 * #6 response verification and #8 signed-content extraction via AlipayGateway (alipay-sdk exec with
 * validateSign), #7 the production notification via AlipayClient.verifyNotification, and the
 * derived v2 request vector via what AlipayGateway puts on the wire.
 */
import { createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlipayClient } from '../../../electron/payments/alipay/client';
import { loadAlipayConfig } from '../../../electron/payments/alipay/config';
import { AlipayGateway, compact } from '../../../electron/payments/alipay/gateway';
import { ProviderError } from '../../../electron/payments/provider';
import { requestSignContent } from '../../../electron/sandbox/alipay/signing';

const VECTORS = join(process.cwd(), 'test/fixtures/vectors');
const APP_KEY_PATH = join(VECTORS, 'alipay/app-private-key.pem');
const ALIPAY_PUBLIC_KEY_PATH = join(VECTORS, 'alipay/alipay-public-key.pem');
const derived = JSON.parse(readFileSync(join(VECTORS, 'derived_vectors.json'), 'utf8')) as {
  alipay_v2_request: { params: Record<string, string>; sign_content: string; sign: string };
};
const notifyVector = JSON.parse(readFileSync(join(VECTORS, 'alipay/notify_vector.json'), 'utf8')) as {
  alipay_public_key_base64: string;
  params: Record<string, string>;
  sign_content: string;
};

/** #6: alipay-sdk-nodejs-all test/alipay.test.ts "checkResponseSign should work". */
const RESPONSE_VECTOR =
  '{"alipay_open_file_upload_response":{"code":"10000","msg":"Success","file_id":"CAxAToWB1JsAAAAAAAAAAAAADgSLAQBr"},"sign":"F+LDzpTNiavn7xVZPGuPCSSVRSmWzJGgtuji6tVELGEaqMaNj0jRKXUEr5nloZJBBmwEnddOyCjjepMmrTKTvoOqQ0Efxpr/R1iEeHTHVbb/Q8TTh6Up5gHJDkILdaWS2q1cWeQ6VT+HQY9P3WRXS7uhILHuDODIhpAyCu5KhWGt0rMCIG+Im6NODJP2oohtSCtmTFXg58HH587Z2y2bdbjzOxLvzD9IrU1imghXQ2S/Q+wMIvRk9on6cWnBLkrNvJKapA2ReNGWOwyuASvB9zDVzhMPbR+3mfRGkVDxsq5HYLjBKGskJMXHw0HuugZij6ScRuaLPODhmHwr/pJ9yw=="}';

/** A loopback "gateway" that answers whatever the test queued and records what it received. */
interface CannedGateway {
  url: string;
  answer(raw: string): void;
  received: Array<{ query: URLSearchParams; form: URLSearchParams }>;
  close(): Promise<void>;
}

async function cannedGateway(): Promise<CannedGateway> {
  const queue: string[] = [];
  const received: CannedGateway['received'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ query: new URL(req.url ?? '/', 'http://x').searchParams, form: new URLSearchParams(body) });
      res.writeHead(200, { 'content-type': 'text/html;charset=utf-8' });
      res.end(queue.shift() ?? '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/gateway.do`,
    answer: (raw) => queue.push(raw),
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function expectProviderError(promise: Promise<unknown>, kind: string, code?: string): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  expect((error as ProviderError).kind).toBe(kind);
  if (code) expect((error as ProviderError).code).toBe(code);
  return error as ProviderError;
}

let gatewayServer: CannedGateway;
beforeAll(async () => {
  gatewayServer = await cannedGateway();
});
afterAll(async () => {
  await gatewayServer.close();
});

function fixtureGateway(clock?: () => Date): AlipayGateway {
  const config = loadAlipayConfig(
    { appId: '2021000122671080', appPrivateKey: APP_KEY_PATH, alipayPublicKey: ALIPAY_PUBLIC_KEY_PATH, gateway: gatewayServer.url, timeoutMs: 2000 },
    { env: {} },
  );
  return new AlipayGateway(config, clock);
}

describe('#6 response verification (alipay-sdk vector, fixture Alipay public key)', () => {
  it('accepts the signed response and returns its snake_case body', async () => {
    gatewayServer.answer(RESPONSE_VECTOR);
    const reply = await fixtureGateway().call('alipay.open.file.upload', {});
    expect(reply.code).toBe('10000');
    expect(reply.body.file_id).toBe('CAxAToWB1JsAAAAAAAAAAAAADgSLAQBr');
  });

  it('rejects the same response with one character of the body changed', async () => {
    gatewayServer.answer(RESPONSE_VECTOR.replace('CAxAToWB1Js', 'CAxAToWB1Jt'));
    await expectProviderError(fixtureGateway().call('alipay.open.file.upload', {}), 'verification', 'INVALID_SIGNATURE');
  });

  it('rejects a response without sign instead of trusting it', async () => {
    gatewayServer.answer('{"alipay_open_file_upload_response":{"code":"10000","msg":"Success","file_id":"x"}}');
    await expectProviderError(fixtureGateway().call('alipay.open.file.upload', {}), 'verification', 'UNSIGNED_RESPONSE');
  });
});

describe('gateway-level errors (error_response)', () => {
  const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const gatewayWithKey = () =>
    new AlipayGateway(
      loadAlipayConfig(
        {
          appId: '2021000122671080',
          appPrivateKey: APP_KEY_PATH,
          alipayPublicKey: alipay.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          gateway: gatewayServer.url,
        },
        { env: {} },
      ),
    );
  const inner = '{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-method","sub_msg":"不存在的方法名"}';
  const sign = () => createSign('RSA-SHA256').update(inner, 'utf8').sign(alipay.privateKey, 'base64');

  it('verifies a signed error_response (the SDK alone would look under the method key and fail)', async () => {
    gatewayServer.answer(`{"error_response":${inner},"sign":"${sign()}"}`);
    const reply = await gatewayWithKey().call('alipay.trade.nonsense', {});
    expect(reply).toMatchObject({ code: '40002', subCode: 'isv.invalid-method' });
  });

  it('rejects an altered signed error_response', async () => {
    gatewayServer.answer(`{"error_response":${inner.replace('40002', '10000')},"sign":"${sign()}"}`);
    await expectProviderError(gatewayWithKey().call('alipay.trade.nonsense', {}), 'verification', 'INVALID_SIGNATURE');
  });

  it('an unsigned gateway rejection is a config error marked unsigned; an unsigned business answer is not trusted', async () => {
    gatewayServer.answer('{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id","sub_msg":"无效的AppID参数"}}');
    const error = await expectProviderError(gatewayWithKey().call('alipay.trade.query', {}), 'config', 'isv.invalid-app-id');
    expect(error.details).toMatchObject({ signed: false });
    gatewayServer.answer('{"alipay_trade_query_response":{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST"}}');
    await expectProviderError(gatewayWithKey().call('alipay.trade.query', {}), 'verification', 'UNSIGNED_RESPONSE');
  });

  it('an HTTP error page or garbage is unknown, not a failure', async () => {
    gatewayServer.answer('<html>502 Bad Gateway</html>');
    await expectProviderError(gatewayWithKey().call('alipay.trade.query', {}), 'unknown', 'MALFORMED_RESPONSE');
  });
});

describe('#8 signed-content extraction (alipay-sdk getSignStr cases) through the client gateway', () => {
  const key = 'alipay_offline_material_image_upload_response';
  const inner =
    '{"code":"10000","msg":"Success","image_id":"Zp1Nm6FDTZaEuSSniGd5awAAACMAAQED","image_url":"http:\\/\\/oalipay-dl-django.alicdn.com\\/rest\\/1.0\\/image?fileIds=Zp1Nm6FDTZaEuSSniGd5awAAACMAAQED&zoom=original"}';
  const innerWithSign = inner.replace('"code":"10000",', '"code":"10000","sign":"xxx",');
  const cases = {
    normal: { raw: (sign: string) => `{"${key}":${inner},"sign":"${sign}"}`, expected: inner },
    'whitespace and newlines around ":"': {
      raw: (sign: string) => `{"${key}"\n        :  \n        ${inner},\n        \n          "sign"  :  "${sign}"}`,
      expected: inner,
    },
    'a nested "sign" key inside the response': {
      raw: (sign: string) => `{"${key}"\n        :  \n        ${innerWithSign},\n        \n          "sign"  :  "${sign}"}`,
      expected: innerWithSign,
    },
  };

  // The sign of the SDK's own test. Its length matters: getSignStr cuts at the index of the last
  // "sign" measured in the *uncut* string, which only lands inside the signature because a real
  // RSA signature (172+ chars) is longer than the `{"…_response"` prefix removed before it.
  const SDK_TEST_SIGN =
    'P8xrBWqZCUv11UrEBjhQ4Sk3hyj4607qehO2VbKIS0hWa4U+NeLlOftqTyhGv+x1lzfqN590Y/8CaNIzEEg06FiNWJlUFM/uEFJLzSKGse4MjHbblpiSzI3eCV5RzxH26wZbEd9wyVYYi0pHFBf35UrBva47g7b5EuKCHfoVA95/zin9fAyb3xhhiHhmfGaWIDV/1LmE2vtqtOHQnISbY/deC71U614ySZ3YB97ws8npCcCJ+tgZvhHPkMRGvmyYPCRDB/aIN/sKDSLtfPp0u8DxE8pHLvCHm3wR84MQxqNbKgpd8NTKNvH+obELsbCrqPhjW7qI48634qx6enDupw==';

  it.each(Object.entries(cases))('%s: the SDK cuts out exactly the raw inner text', (_name, { raw, expected }) => {
    expect(expected).toContain('http:\\/\\/'); // the escaped slashes stay as received
    expect(fixtureGateway().sdk.getSignStr(raw(SDK_TEST_SIGN), key)).toBe(expected);
  });

  it.each(Object.entries(cases))('%s: a response signed over that raw text verifies end to end', async (_name, { raw, expected }) => {
    const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const config = loadAlipayConfig(
      {
        appId: '2021000122671080',
        appPrivateKey: APP_KEY_PATH,
        alipayPublicKey: alipay.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        gateway: gatewayServer.url,
      },
      { env: {} },
    );
    const sign = createSign('RSA-SHA256').update(expected, 'utf8').sign(alipay.privateKey, 'base64');
    gatewayServer.answer(raw(sign));
    const reply = await new AlipayGateway(config).call('alipay.offline.material.image.upload', {});
    // Verified over the escaped text, then parsed: the caller sees plain slashes.
    expect(reply.body.image_url).toBe('http://oalipay-dl-django.alicdn.com/rest/1.0/image?fileIds=Zp1Nm6FDTZaEuSSniGd5awAAACMAAQED&zoom=original');
    // A re-serialised body (slashes unescaped) would not verify: the raw text matters.
    const reserialised = JSON.stringify(JSON.parse(expected));
    expect(createVerify('RSA-SHA256').update(reserialised).verify(alipay.publicKey, sign, 'base64')).toBe(false);
  });
});

describe('derived v2 request vector (fixture app key)', () => {
  it('puts exactly the vector sign content and signature on the wire', async () => {
    const vector = derived.alipay_v2_request;
    const biz = JSON.parse(vector.params.biz_content!) as Record<string, string>;
    // 2024-01-02 03:04:05 Beijing.
    const gateway = fixtureGateway(() => new Date('2024-01-01T19:04:05Z'));
    gatewayServer.answer('{"alipay_trade_precreate_response":{"code":"10000"},"sign":"x"}');
    const before = gatewayServer.received.length;
    // An empty field must never reach the sign string (the SDK would sign "k=").
    await gateway.call('alipay.trade.precreate', { ...biz, store_id: '', terminal_id: undefined }, { notifyUrl: vector.params.notify_url! }).catch(() => undefined);
    const request = gatewayServer.received[before]!;
    const sent: Record<string, string> = {};
    for (const source of [request.query, request.form]) for (const [name, value] of source) sent[name] = value;

    expect(sent.sign).toBe(vector.sign);
    expect(requestSignContent(sent)).toBe(vector.sign_content);
    const expectedParams = Object.fromEntries(Object.entries(vector.params).filter(([, value]) => value !== ''));
    const { sign: _sign, ...unsigned } = sent;
    expect(unsigned).toEqual(expectedParams);
    // alipay-sdk splits them: common params in the URL, biz_content in the form body.
    expect(request.query.get('app_id')).toBe('2021000122671080');
    expect(request.form.get('biz_content')).toBe(vector.params.biz_content);
  });

  it('compact() drops undefined, null and empty strings at every depth', () => {
    expect(compact({ a: '', b: undefined, c: null, d: 'x', e: { f: '', g: 1 }, h: ['', 'y'] })).toEqual({ d: 'x', e: { g: 1 }, h: ['', 'y'] });
  });
});

describe('#7 the production notification (alipay-sdk "verify sign should delete sign_type")', () => {
  const client = () =>
    createAlipayClient(
      {
        appId: '2019073166072302',
        appPrivateKey: APP_KEY_PATH,
        alipayPublicKey: notifyVector.alipay_public_key_base64,
        sellerId: '2088531891668739',
      },
      { env: {} },
    );
  const rawBody = (params: Record<string, string>) => new URLSearchParams(params).toString();

  it('verifies only with sign AND sign_type excluded (checked with node:crypto)', () => {
    const { sign, ...rest } = notifyVector.params;
    const content = (excluded: string[]) =>
      Object.keys(rest)
        .filter((name) => !excluded.includes(name))
        .sort()
        .map((name) => `${name}=${rest[name]}`)
        .join('&');
    expect(content(['sign_type'])).toBe(notifyVector.sign_content);
    const verify = (text: string) => createVerify('RSA-SHA256').update(text, 'utf8').verify(notifyVector.alipay_public_key_base64, sign!, 'base64');
    expect(verify(content(['sign_type']))).toBe(true);
    expect(verify(content([]))).toBe(false);
  });

  it('is accepted by the client as a payment notification, amounts exact', async () => {
    const notification = await client().verifyNotification({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawBody: rawBody(notifyVector.params) });
    expect(notification).toEqual({
      kind: 'payment',
      provider: 'alipay',
      eventId: '2019081500222155624068450559358070',
      trade: {
        status: 'success',
        providerState: 'TRADE_SUCCESS',
        outTradeNo: '20190815155618536-564-57',
        providerTradeNo: '2019081522001468450512505578',
        totalFen: 10,
        paidAt: '2019-08-15T15:56:24+08:00',
        merchantId: '2019073166072302',
      },
    });
  });

  it.each([
    ['total_amount', '0.11'],
    ['trade_status', 'TRADE_CLOSED'],
    ['out_trade_no', '20190815155618536-564-58'],
    ['subject', '语雀空间 501人规模'],
  ])('rejects it with %s altered', async (name, value) => {
    await expectProviderError(
      client().verifyNotification({ headers: {}, rawBody: rawBody({ ...notifyVector.params, [name]: value }) }),
      'verification',
      'INVALID_SIGNATURE',
    );
  });

  it('rejects it for another seller, and rejects an unsigned body', async () => {
    const otherSeller = createAlipayClient(
      { appId: '2019073166072302', appPrivateKey: APP_KEY_PATH, alipayPublicKey: notifyVector.alipay_public_key_base64, sellerId: '2088000000000000' },
      { env: {} },
    );
    await expectProviderError(otherSeller.verifyNotification({ headers: {}, rawBody: rawBody(notifyVector.params) }), 'verification', 'SELLER_ID_MISMATCH');
    const { sign: _sign, ...unsigned } = notifyVector.params;
    await expectProviderError(client().verifyNotification({ headers: {}, rawBody: rawBody(unsigned) }), 'verification', 'MISSING_SIGNATURE');
  });
});

describe('notifications signed by a key we hold', () => {
  const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const appId = '2021000122671080';
  const client = createAlipayClient(
    { appId, appPrivateKey: APP_KEY_PATH, alipayPublicKey: alipay.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    { env: {} },
  );
  /** Signed like Alipay: all but sign/sign_type, empties dropped, sorted, raw values. */
  const signed = (params: Record<string, string>, key = alipay.privateKey): Record<string, string> => {
    const content = Object.keys(params)
      .filter((name) => name !== 'sign' && name !== 'sign_type' && params[name] !== '')
      .sort()
      .map((name) => `${name}=${params[name]}`)
      .join('&');
    return { ...params, sign: createSign('RSA-SHA256').update(content, 'utf8').sign(key, 'base64') };
  };
  const base = {
    app_id: appId,
    notify_id: '2024010200222030405000000000000001',
    notify_type: 'trade_status_sync',
    notify_time: '2024-01-02 03:05:00',
    charset: 'utf-8',
    sign_type: 'RSA2',
    version: '1.0',
    out_trade_no: 'POS20240102000001',
    trade_no: '2024010222001400000000000001',
    trade_status: 'TRADE_SUCCESS',
    total_amount: '88.88',
    gmt_payment: '2024-01-02 03:04:59',
    fund_bill_list: '[{"amount":"88.88","fundChannel":"ALIPAYACCOUNT"}]',
  };

  it("keeps '%' in passback_params intact: decoded once, never twice", async () => {
    const params = signed({ ...base, passback_params: 'discount=100%&name=%E4%B8%AD&x=a+b' });
    const body = new URLSearchParams(params).toString();
    expect(body).toContain('100%25'); // on the wire the '%' is encoded once
    const notification = await client.verifyNotification({ headers: {}, rawBody: body });
    expect(notification.kind).toBe('payment');
    // The SDK's decoding variant would mangle or throw on the same data (issues #45/#68/#83).
    const decodedTwice = (() => {
      try {
        return (client as unknown as { gateway: { sdk: { checkNotifySign(p: unknown): boolean } } }).gateway.sdk.checkNotifySign(Object.fromEntries(new URLSearchParams(body)));
      } catch {
        return false;
      }
    })();
    expect(decodedTwice).toBe(false);
  });

  it('ignores empty values in the signed string, as Alipay does', async () => {
    const params = signed({ ...base, body: '' });
    expect(params.body).toBe('');
    await expect(client.verifyNotification({ headers: {}, rawBody: new URLSearchParams(params).toString() })).resolves.toMatchObject({ kind: 'payment' });
  });

  it('reads refund notifications (out_biz_no, cumulative refund_fee, gmt_refund with ms)', async () => {
    const params = signed({ ...base, trade_status: 'TRADE_CLOSED', out_biz_no: 'R1', refund_fee: '88.88', gmt_refund: '2024-01-02 04:00:00.123' });
    const notification = await client.verifyNotification({ headers: {}, rawBody: new URLSearchParams(params).toString() });
    expect(notification).toEqual({
      kind: 'refund',
      provider: 'alipay',
      eventId: base.notify_id,
      outTradeNo: base.out_trade_no,
      refund: { status: 'success', outRefundNo: 'R1', providerState: 'TRADE_CLOSED', succeededAt: '2024-01-02T04:00:00.123+08:00' },
    });
  });

  it('rejects a forged signature, another app id, a duplicated parameter and a malformed amount', async () => {
    const forged = signed(base, other.privateKey);
    await expectProviderError(client.verifyNotification({ headers: {}, rawBody: new URLSearchParams(forged).toString() }), 'verification', 'INVALID_SIGNATURE');
    const otherApp = signed({ ...base, app_id: '2021000000000001' });
    await expectProviderError(client.verifyNotification({ headers: {}, rawBody: new URLSearchParams(otherApp).toString() }), 'verification', 'APP_ID_MISMATCH');
    const duplicated = `${new URLSearchParams(signed(base)).toString()}&total_amount=0.01`;
    await expectProviderError(client.verifyNotification({ headers: {}, rawBody: duplicated }), 'verification', 'DUPLICATE_PARAMETER');
    const badAmount = signed({ ...base, total_amount: '88.888' });
    await expectProviderError(client.verifyNotification({ headers: {}, rawBody: new URLSearchParams(badAmount).toString() }), 'verification', 'BAD_AMOUNT');
  });
});
