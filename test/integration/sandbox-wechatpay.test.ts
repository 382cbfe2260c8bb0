/**
 * The real WeChat Pay client against the real sandbox on loopback: every byte signed, verified,
 * encrypted and hashed as in production. Time is one shared clock (`now`) that tests move forward
 * where a rule depends on it (reverse window, query lag, bill URL lifetime); delays are compressed.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, type ProviderNotification } from '../../electron/payments/provider';
import { createWechatPayClient, type WechatPayClient } from '../../electron/payments/wechatpay/client';
import { beijingDate } from '../../electron/sandbox/common/time';
import { authCodeWithSuffix, startWechatSandbox, type WechatSandbox } from '../../electron/sandbox/wechatpay/index';

let offset = 0;
const now = () => Date.now() + offset;
const advance = (ms: number) => {
  offset += ms;
};

let counter = 0;
const tradeNo = (prefix: string) => `${prefix}${process.pid}${Date.now().toString(36)}${(counter += 1)}`.slice(0, 32);
const authCode = (suffix: string) => authCodeWithSuffix(suffix, Date.now() * 10 + (counter += 1));

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected a ProviderError');
}

/** A merchant notify endpoint: verifies with the real client, answers 200 or 401 like a correct handler. */
interface Received {
  eventId: string;
  rawBody: string;
  verdict: ProviderNotification | ProviderError;
  status: number;
}
const received: Received[] = [];
let failNextGenuine = 0;
let receiver: Server;
let receiverUrl = '';

let sandbox: WechatSandbox;
let client: WechatPayClient;

const BEHAVIOUR = {
  userPayingMs: 150,
  refundProcessingMs: 150,
  notify: { retryScale: 0.01, replyTimeoutMs: 1_000 },
} as const;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
      const eventId = (JSON.parse(rawBody) as { id: string }).id;
      client.verifyNotification({ headers, rawBody }).then(
        (notification) => {
          const status = failNextGenuine > 0 ? 500 : 200;
          if (failNextGenuine > 0) failNextGenuine -= 1;
          received.push({ eventId, rawBody, verdict: notification, status });
          response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ code: status === 200 ? 'SUCCESS' : 'FAIL', message: '' }));
        },
        (error: unknown) => {
          received.push({ eventId, rawBody, verdict: error as ProviderError, status: 401 });
          response.writeHead(401, { 'Content-Type': 'application/json' }).end('{"code":"FAIL","message":"verification failed"}');
        },
      );
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify/wechat`;
  sandbox = await startWechatSandbox({ now, notifyUrl: receiverUrl, behaviour: BEHAVIOUR });
  client = createWechatPayClient(sandbox.clientConfig({ notifyUrl: 'https://cloud.example.com/notify/wechat', requestTimeoutMs: 2_000 }), { now, env: {} });
});

afterAll(async () => {
  await sandbox?.close();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
});

afterEach(() => {
  sandbox.clearFaults();
  sandbox.configure({
    signingMode: 'publicKey',
    queryLagMs: 0,
    closePaid: 'no-content',
    userPayingShape: '202',
    reverseRecallOnce: false,
    refundNotEnough: false,
    refundFinalStatus: 'SUCCESS',
    notify: { tamperedBefore: [], duplicates: 0, outOfOrder: false },
  });
  failNextGenuine = 0;
});

const createQr = (outTradeNo: string, amountFen = 1234, description = '收银台测试') =>
  client.createMerchantQr({ outTradeNo, amountFen, description, expiresAt: new Date(now() + 5 * 60_000) });

describe('Native QR', () => {
  it('create → NOTPAY → customer scans and pays → SUCCESS, verified', async () => {
    const no = tradeNo('N');
    const { codeUrl } = await createQr(no, 8888);
    expect(codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=\w+$/);
    expect(await client.query(no)).toMatchObject({ status: 'waiting', providerState: 'NOTPAY', outTradeNo: no });
    expect(sandbox.scanAndPay(no)).toMatchObject({ ok: true, trade: { state: 'SUCCESS' } });
    const trade = await client.query(no, { amountFen: 8888 });
    expect(trade).toMatchObject({ status: 'success', providerState: 'SUCCESS', totalFen: 8888, merchantId: sandbox.keys.mchid });
    expect(trade.providerTradeNo).toMatch(/^4200\d{24}$/);
    expect(trade.paidAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    await expect(client.query(no, { amountFen: 8887 })).rejects.toMatchObject({ kind: 'verification', code: 'AMOUNT_MISMATCH' });
  });

  it('a client holding another key under the same PUB_KEY_ID rejects the sandbox answers', async () => {
    const no = tradeNo('N');
    await createQr(no);
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const config = sandbox.clientConfig({ verification: 'publicKey' });
    const impostor = createWechatPayClient({ ...config, wechatpayPublicKey: { id: sandbox.keys.publicKey.id, pem: otherKey } }, { now, env: {} });
    await expect(impostor.query(no)).rejects.toMatchObject({ kind: 'verification', code: 'BAD_SIGNATURE' });
  });

  it('create is idempotent for the same parameters and refuses different ones', async () => {
    const no = tradeNo('N');
    const expiresAt = new Date(now() + 5 * 60_000);
    const first = await client.createMerchantQr({ outTradeNo: no, amountFen: 500, description: '同单', expiresAt });
    const again = await client.createMerchantQr({ outTradeNo: no, amountFen: 500, description: '同单', expiresAt });
    expect(again.codeUrl).toBe(first.codeUrl);
    expect(await rejection(client.createMerchantQr({ outTradeNo: no, amountFen: 501, description: '同单', expiresAt }))).toMatchObject({ kind: 'config', code: 'OUT_TRADE_NO_USED' });
  });

  it('close → CLOSED; create after close → ORDER_CLOSED; create after success → ORDERPAID (unknown, query)', async () => {
    const no = tradeNo('N');
    await createQr(no);
    expect(await client.close(no)).toEqual({ outcome: 'closed' });
    expect(await client.query(no)).toMatchObject({ status: 'closed', providerState: 'CLOSED' });
    expect(await rejection(createQr(no))).toMatchObject({ kind: 'rejected', code: 'ORDER_CLOSED' });
    expect(sandbox.scanAndPay(no)).toMatchObject({ ok: false, code: 'NOT_PAYABLE' });

    const paid = tradeNo('N');
    await createQr(paid);
    sandbox.scanAndPay(paid);
    expect(await rejection(createQr(paid))).toMatchObject({ kind: 'unknown', code: 'ORDERPAID' });
  });

  it('close answers 204 for unknown and paid orders; the ORDERPAID knob makes a paid close already_paid', async () => {
    expect(await client.close(tradeNo('X'))).toEqual({ outcome: 'closed' });
    const no = tradeNo('N');
    await createQr(no);
    sandbox.scanAndPay(no);
    expect(await client.close(no)).toEqual({ outcome: 'closed' });
    expect(await client.query(no)).toMatchObject({ status: 'success' });
    sandbox.configure({ closePaid: 'orderpaid-error' });
    expect(await client.close(no)).toEqual({ outcome: 'already_paid' });
  });

  it('paid after close: close 204, query CLOSED, then the payment lands and query says SUCCESS', async () => {
    const no = tradeNo('N');
    await createQr(no, 777);
    sandbox.scanAndPay(no, { delayMs: 200, completesDespiteClose: true });
    expect(await client.close(no)).toEqual({ outcome: 'closed' });
    expect(await client.query(no)).toMatchObject({ status: 'closed' });
    const trade = await waitFor(async () => {
      const t = await client.query(no);
      return t.status === 'success' ? t : undefined;
    });
    expect(trade).toMatchObject({ totalFen: 777, providerState: 'SUCCESS' });
    // …and the notification for it arrives too: nothing is silently dropped.
    const note = await waitFor(() => received.find((r) => !(r.verdict instanceof ProviderError) && r.verdict.kind === 'payment' && r.verdict.trade.outTradeNo === no));
    expect(note.status).toBe(200);
  });

  it('query lag: 404 for the first moments after create, then NOTPAY', async () => {
    sandbox.configure({ queryLagMs: 400 });
    const no = tradeNo('N');
    await createQr(no);
    expect(await client.query(no)).toMatchObject({ status: 'not_found', providerState: 'ORDER_NOT_EXIST' });
    advance(500);
    expect(await client.query(no)).toMatchObject({ status: 'waiting' });
  });

  it('a notification can beat the query: query still says NOTPAY for a while after the payment', async () => {
    sandbox.configure({ paymentVisibilityLagMs: 10_000 });
    try {
      const no = tradeNo('N');
      await createQr(no, 321);
      sandbox.scanAndPay(no);
      const note = await waitFor(() => received.find((r) => !(r.verdict instanceof ProviderError) && r.verdict.kind === 'payment' && r.verdict.trade.outTradeNo === no));
      expect(note.verdict).toMatchObject({ trade: { status: 'success', totalFen: 321 } });
      expect(await client.query(no)).toMatchObject({ status: 'waiting' });
      advance(10_001);
      expect(await client.query(no)).toMatchObject({ status: 'success' });
    } finally {
      sandbox.configure({ paymentVisibilityLagMs: 0 });
    }
  });

  it('HTTP control routes: faults and behaviour', async () => {
    const post = (path: string, body: unknown) => fetch(`${sandbox.baseUrl}/__sandbox/${path}`, { method: 'POST', body: JSON.stringify(body) });
    expect((await post('faults', { op: 'query', kind: 'system-error-500', applied: false })).status).toBe(200);
    expect(await rejection(client.query(tradeNo('N')))).toMatchObject({ kind: 'unknown', code: 'SYSTEM_ERROR' });
    expect((await post('faults', { op: 'query', kind: 'meltdown', applied: false })).status).toBe(400);
    const behaviour = (await (await post('behaviour', { queryLagMs: 1234 })).json()) as { queryLagMs: number; signingMode: string };
    expect(behaviour).toMatchObject({ queryLagMs: 1234, signingMode: 'publicKey' });
    expect(sandbox.behaviour().queryLagMs).toBe(1234);
    expect((await post('behaviour', { queryLagMs: -1 })).status).toBe(400);
  });

  it('HTTP control routes: POST /__sandbox/pay and GET /__sandbox/trades', async () => {
    const no = tradeNo('N');
    await createQr(no, 4321);
    const pay = await fetch(`${sandbox.baseUrl}/__sandbox/pay`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ out_trade_no: no }) });
    expect(pay.status).toBe(200);
    expect(await client.query(no, { amountFen: 4321 })).toMatchObject({ status: 'success' });
    const listed = (await (await fetch(`${sandbox.baseUrl}/__sandbox/trades`)).json()) as { trades: Array<{ outTradeNo: string; state: string }> };
    expect(listed.trades.find((t) => t.outTradeNo === no)?.state).toBe('SUCCESS');
    const missing = await fetch(`${sandbox.baseUrl}/__sandbox/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: 'NOPE000000' }) });
    expect(missing.status).toBe(404);
  });
});

describe('codepay', () => {
  const pay = (outTradeNo: string, code: string, amountFen = 500, payer = client) =>
    payer.payWithCustomerCode({ outTradeNo, amountFen, description: '付款码', authCode: code, deviceIp: '127.0.0.1', terminalId: 'T01' });

  it('immediate success', async () => {
    const no = tradeNo('C');
    const result = await pay(no, authCode('01'), 990);
    expect(result).toMatchObject({ outcome: 'success', trade: { status: 'success', totalFen: 990, outTradeNo: no } });
  });

  it('USERPAYING → SUCCESS (202 shape and 200 shape)', async () => {
    const no = tradeNo('C');
    expect(await pay(no, authCode('02'))).toEqual({ outcome: 'pending', reason: 'USERPAYING' });
    expect(await client.query(no)).toMatchObject({ status: 'user_paying' });
    await waitFor(async () => ((await client.query(no)).status === 'success' ? true : undefined));

    sandbox.configure({ userPayingShape: '200' });
    const other = tradeNo('C');
    expect(await pay(other, authCode('02'))).toMatchObject({ outcome: 'pending', reason: 'USERPAYING', trade: { status: 'user_paying' } });
  });

  it('USERPAYING → PAYERROR', async () => {
    const no = tradeNo('C');
    expect(await pay(no, authCode('03'))).toMatchObject({ outcome: 'pending' });
    await waitFor(async () => ((await client.query(no)).status === 'failed' ? true : undefined));
  });

  it('USERPAYING forever → reverse refused before 15 s, allowed after → REVOKED', async () => {
    const no = tradeNo('C');
    expect(await pay(no, authCode('04'))).toMatchObject({ outcome: 'pending', reason: 'USERPAYING' });
    expect(await client.reverse(no)).toEqual({ retry: true }); // "正在支付中不能发起撤销"
    advance(16_000);
    expect(await client.query(no)).toMatchObject({ status: 'user_paying' });
    expect(await client.reverse(no)).toEqual({ retry: false });
    expect(await client.query(no)).toMatchObject({ status: 'reversed', providerState: 'REVOKED' });
  });

  it('reverse with recall=Y once asks for a second call', async () => {
    sandbox.configure({ reverseRecallOnce: true });
    const no = tradeNo('C');
    await pay(no, authCode('04'));
    advance(16_000);
    expect(await client.reverse(no)).toEqual({ retry: true });
    expect(await client.query(no)).toMatchObject({ status: 'user_paying' });
    expect(await client.reverse(no)).toEqual({ retry: false });
    expect(await client.query(no)).toMatchObject({ status: 'reversed' });
  });

  it('SYSTEM_ERROR but applied: pending, then query shows SUCCESS; not applied: query shows nothing', async () => {
    const applied = tradeNo('C');
    expect(await pay(applied, authCode('05'), 1500)).toEqual({ outcome: 'pending', reason: 'SYSTEM_ERROR' });
    expect(await client.query(applied, { amountFen: 1500 })).toMatchObject({ status: 'success', totalFen: 1500 });

    const lost = tradeNo('C');
    expect(await pay(lost, authCode('08'))).toEqual({ outcome: 'pending', reason: 'SYSTEM_ERROR' });
    expect(await client.query(lost)).toMatchObject({ status: 'not_found' });
  });

  it('BANK_ERROR is pending and the payment completes', async () => {
    const no = tradeNo('C');
    expect(await pay(no, authCode('09'))).toEqual({ outcome: 'pending', reason: 'BANK_ERROR' });
    await waitFor(async () => ((await client.query(no)).status === 'success' ? true : undefined));
  });

  it('clear refusals fail: AUTHCODEEXPIRE, NOTENOUGH, reused code, malformed code', async () => {
    expect(await pay(tradeNo('C'), authCode('06'))).toMatchObject({ outcome: 'failed', code: 'AUTHCODEEXPIRE' });
    const poor = tradeNo('C');
    expect(await pay(poor, authCode('07'))).toMatchObject({ outcome: 'failed', code: 'NOTENOUGH' });
    expect(await client.query(poor)).toMatchObject({ status: 'failed', providerState: 'PAYERROR' });
    const code = authCode('01');
    expect(await pay(tradeNo('C'), code)).toMatchObject({ outcome: 'success' });
    expect(await pay(tradeNo('C'), code)).toMatchObject({ outcome: 'failed', code: 'AUTHCODEEXPIRE' });
    expect(await pay(tradeNo('C'), '991234567890123456')).toMatchObject({ outcome: 'failed', code: 'AUTH_CODE_INVALID' });
  });

  it('reverse of a paid code payment → REVOKED, and the bill shows the money going back', async () => {
    const no = tradeNo('C');
    expect(await pay(no, authCode('01'), 2468)).toMatchObject({ outcome: 'success' });
    advance(16_000);
    expect(await client.reverse(no)).toEqual({ retry: false });
    expect(await client.query(no)).toMatchObject({ status: 'reversed' });
    const paidAt = sandbox.trade(no)?.paidAt ?? '';
    const bill = await client.downloadTradeBill(beijingDate(Date.parse(paidAt)));
    const rows = bill.rows.filter((row) => row.outTradeNo === no);
    expect(rows.map((row) => [row.kind, row.status, row.amountFen])).toEqual([
      ['payment', 'SUCCESS', 2468],
      ['refund', 'REVOKED', 2468],
    ]);
  });
});

describe('faults and timeouts', () => {
  const impatient = () => createWechatPayClient(sandbox.clientConfig({ requestTimeoutMs: 200, notifyUrl: 'https://cloud.example.com/notify/wechat' }), { now, env: {} });

  it('an answer slower than the timeout is unknown; applied or not is only visible by query', async () => {
    const slow = impatient();
    const no = tradeNo('N');
    await createQr(no);
    sandbox.injectFault({ op: 'query', kind: 'delay', delayMs: 600, applied: true });
    expect(await rejection(slow.query(no))).toMatchObject({ kind: 'unknown', code: 'TIMEOUT' });

    const applied = tradeNo('C');
    sandbox.injectFault({ op: 'codepay', kind: 'delay', delayMs: 600, applied: true });
    expect(await slow.payWithCustomerCode({ outTradeNo: applied, amountFen: 300, description: '付款码', authCode: authCode('01') })).toEqual({ outcome: 'pending', reason: 'TIMEOUT' });
    expect(await client.query(applied)).toMatchObject({ status: 'success' });
    // Retrying the identical request (same number, same code) answers with the trade as it is now.
    const code = sandbox.trade(applied)?.authCode ?? '';
    expect(await client.payWithCustomerCode({ outTradeNo: applied, amountFen: 300, description: '付款码', authCode: code })).toMatchObject({ outcome: 'success' });

    const lost = tradeNo('C');
    sandbox.injectFault({ op: 'codepay', kind: 'delay', delayMs: 600, applied: false });
    expect(await slow.payWithCustomerCode({ outTradeNo: lost, amountFen: 300, description: '付款码', authCode: authCode('01') })).toEqual({ outcome: 'pending', reason: 'TIMEOUT' });
    expect(await client.query(lost)).toMatchObject({ status: 'not_found' });
  });

  it('a hang-up is unknown; an applied one left a trade that an identical retry returns', async () => {
    const no = tradeNo('N');
    const expiresAt = new Date(now() + 5 * 60_000);
    sandbox.injectFault({ op: 'native', kind: 'hang-up', applied: true });
    expect(await rejection(client.createMerchantQr({ outTradeNo: no, amountFen: 100, description: '挂断', expiresAt }))).toMatchObject({ kind: 'unknown', code: 'NETWORK' });
    const codeUrl = sandbox.trade(no)?.codeUrl;
    expect(codeUrl).toBeDefined();
    expect((await client.createMerchantQr({ outTradeNo: no, amountFen: 100, description: '挂断', expiresAt })).codeUrl).toBe(codeUrl);

    const notApplied = tradeNo('N');
    sandbox.injectFault({ op: 'native', kind: 'hang-up', applied: false });
    expect(await rejection(createQr(notApplied))).toMatchObject({ kind: 'unknown' });
    expect(sandbox.trade(notApplied)).toBeUndefined();
  });

  it('500, 202 and 429 are unknown; applied faults changed state', async () => {
    const no = tradeNo('N');
    await createQr(no);
    sandbox.injectFault({ op: 'close', kind: 'system-error-500', applied: true });
    expect(await rejection(client.close(no))).toMatchObject({ kind: 'unknown', code: 'SYSTEM_ERROR' });
    expect(await client.query(no)).toMatchObject({ status: 'closed' });

    const other = tradeNo('N');
    sandbox.injectFault({ op: 'native', kind: 'accepted-202', applied: false });
    expect(await rejection(createQr(other))).toMatchObject({ kind: 'unknown' });
    sandbox.injectFault({ op: 'query', kind: 'rate-limit-429', applied: false });
    expect(await rejection(client.query(other))).toMatchObject({ kind: 'unknown', code: 'FREQUENCY_LIMITED' });
    expect(await client.query(other)).toMatchObject({ status: 'not_found' });
  });

  it('a request signed with the wrong merchant key gets 401 SIGN_ERROR → config', async () => {
    const wrongKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const forger = createWechatPayClient({ ...sandbox.clientConfig(), merchantPrivateKeyPem: wrongKey }, { now, env: {} });
    expect(await rejection(forger.query(tradeNo('N')))).toMatchObject({ kind: 'config', code: 'SIGN_ERROR' });
    const skewed = createWechatPayClient(sandbox.clientConfig(), { now: () => now() + 10 * 60_000, env: {} });
    expect(await rejection(skewed.query(tradeNo('N')))).toMatchObject({ kind: 'config', code: 'SIGN_ERROR' });
  });
});

describe('signing modes', () => {
  it('certificate mode, public-key mode and migration each verify with the right key', async () => {
    const no = tradeNo('N');
    await createQr(no);
    const certOnly = createWechatPayClient(sandbox.clientConfig({ verification: 'certificate' }), { now, env: {} });
    const keyOnly = createWechatPayClient(sandbox.clientConfig({ verification: 'publicKey' }), { now, env: {} });

    expect(await keyOnly.query(no)).toMatchObject({ status: 'waiting' });
    expect(await rejection(certOnly.query(no))).toMatchObject({ kind: 'verification', code: 'UNKNOWN_SERIAL' });

    sandbox.configure({ signingMode: 'certificate' });
    expect(await certOnly.query(no)).toMatchObject({ status: 'waiting' });
    expect(await rejection(keyOnly.query(no))).toMatchObject({ kind: 'verification', code: 'UNKNOWN_SERIAL' });

    // Migration: answers follow the Wechatpay-Serial each client sends.
    sandbox.configure({ signingMode: 'migration' });
    expect(await certOnly.query(no)).toMatchObject({ status: 'waiting' });
    expect(await keyOnly.query(no)).toMatchObject({ status: 'waiting' });
  });
});

describe('notifications', () => {
  const genuineFor = (no: string) =>
    received.filter((r): r is Received & { verdict: ProviderNotification } => !(r.verdict instanceof ProviderError) && (r.verdict.kind === 'payment' ? r.verdict.trade.outTradeNo : r.verdict.outTradeNo) === no);

  it('a real TRANSACTION.SUCCESS is accepted and decrypted; forged, probe, stale and unknown-serial copies are rejected', async () => {
    sandbox.configure({ notify: { tamperedBefore: ['forged-signature', 'signtest-probe', 'stale-timestamp', 'unknown-serial'], duplicates: 1 } });
    const no = tradeNo('N');
    await createQr(no, 6600);
    sandbox.scanAndPay(no);
    const deliveries = await waitFor(() => {
      const list = sandbox.notifications().filter((d) => d.outTradeNo === no);
      return list.length >= 6 ? list : undefined;
    });
    expect(deliveries.map((d) => [d.variant, d.accepted, d.status])).toEqual([
      ['forged-signature', false, 401],
      ['signtest-probe', false, 401],
      ['stale-timestamp', false, 401],
      ['unknown-serial', false, 401],
      ['genuine', true, 200],
      ['duplicate', true, 200],
    ]);
    const eventId = deliveries[0]?.eventId;
    const rejectedCodes = received.filter((r) => r.eventId === eventId && r.verdict instanceof ProviderError).map((r) => (r.verdict as ProviderError).code);
    expect(rejectedCodes).toEqual(['BAD_SIGNATURE', 'SIGNTEST_PROBE', 'STALE_TIMESTAMP', 'UNKNOWN_SERIAL']);
    const accepted = genuineFor(no);
    expect(accepted).toHaveLength(2); // the duplicate carries the same event id
    expect(accepted.every((r) => r.eventId === eventId)).toBe(true);
    expect(accepted[0]?.verdict).toMatchObject({ kind: 'payment', provider: 'wechat', trade: { status: 'success', totalFen: 6600, merchantId: sandbox.keys.mchid } });
    // The envelope is shaped as §2.7 says, with the AAD WeChat uses.
    expect(JSON.parse(accepted[0]?.rawBody ?? '{}')).toMatchObject({
      id: eventId,
      event_type: 'TRANSACTION.SUCCESS',
      resource_type: 'encrypt-resource',
      summary: '支付成功',
      create_time: expect.stringMatching(/\+08:00$/),
      resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', associated_data: 'transaction', nonce: expect.stringMatching(/^\w{12}$/) },
    });
  });

  it('a failed delivery is retried on the (compressed) schedule until accepted', async () => {
    failNextGenuine = 1;
    const no = tradeNo('N');
    await createQr(no);
    sandbox.scanAndPay(no);
    const deliveries = await waitFor(() => {
      const list = sandbox.notifications().filter((d) => d.outTradeNo === no);
      return list.some((d) => d.accepted) ? list : undefined;
    });
    expect(deliveries.map((d) => [d.variant, d.attempt, d.status])).toEqual([
      ['genuine', 0, 500],
      ['retry', 1, 200],
    ]);
    expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(140); // 15 s × 0.01
  });

  it('migration mode signs notifications with both keys; a client holding both accepts them all', async () => {
    sandbox.configure({ signingMode: 'migration', notify: { duplicates: 3 } });
    const no = tradeNo('N');
    await createQr(no);
    sandbox.scanAndPay(no);
    const deliveries = await waitFor(() => {
      const list = sandbox.notifications().filter((d) => d.outTradeNo === no);
      return list.length >= 4 ? list : undefined;
    });
    expect(new Set(deliveries.map((d) => d.serial.startsWith('PUB_KEY_ID_')))).toEqual(new Set([true, false]));
    expect(deliveries.every((d) => d.accepted)).toBe(true);
  });

  it('REFUND.SUCCESS arrives, verified and decrypted, and an old event can replay after it (out of order)', async () => {
    sandbox.configure({ notify: { outOfOrder: true } });
    const no = tradeNo('N');
    await createQr(no, 1000);
    sandbox.scanAndPay(no);
    await waitFor(() => (genuineFor(no).length >= 1 ? true : undefined));
    await client.refund({ outTradeNo: no, outRefundNo: `R${no}`.slice(0, 32), refundFen: 250, totalFen: 1000 });
    const refundNote = await waitFor(() => genuineFor(no).find((r) => r.verdict.kind === 'refund'));
    expect(refundNote.verdict).toMatchObject({ kind: 'refund', outTradeNo: no, refund: { status: 'success', refundFen: 250, outRefundNo: `R${no}`.slice(0, 32) } });
    expect(JSON.parse(refundNote.rawBody)).toMatchObject({ event_type: 'REFUND.SUCCESS', resource: { original_type: 'refund', associated_data: 'refund' } });
    const kinds = await waitFor(() => {
      const list = genuineFor(no).map((r) => r.verdict.kind);
      return list.length >= 3 ? list : undefined;
    });
    expect(kinds).toEqual(['payment', 'refund', 'payment']);
  });
});

describe('refunds', () => {
  const paidTrade = async (amountFen: number) => {
    const no = tradeNo('N');
    await createQr(no, amountFen);
    sandbox.scanAndPay(no);
    return no;
  };

  it('PROCESSING → SUCCESS via refund query; same out_refund_no is the same refund; over-refund is rejected', async () => {
    const no = await paidTrade(1000);
    const refundNo = `R${no}-1`.slice(0, 40);
    const created = await client.refund({ outTradeNo: no, outRefundNo: refundNo, refundFen: 600, totalFen: 1000, reason: '退货' });
    expect(created).toMatchObject({ status: 'processing', refundFen: 600, outRefundNo: refundNo });
    expect(await client.query(no)).toMatchObject({ status: 'success', providerState: 'REFUND' });
    const done = await waitFor(async () => {
      const info = await client.queryRefund(no, refundNo);
      return info.status === 'success' ? info : undefined;
    });
    expect(done).toMatchObject({ providerRefundId: created.providerRefundId, refundFen: 600 });
    expect(done.succeededAt).toMatch(/\+08:00$/);

    const repeated = await client.refund({ outTradeNo: no, outRefundNo: refundNo, refundFen: 600, totalFen: 1000, reason: '退货' });
    expect(repeated).toMatchObject({ status: 'success', providerRefundId: created.providerRefundId });

    expect(await rejection(client.refund({ outTradeNo: no, outRefundNo: `R${no}-2`.slice(0, 40), refundFen: 401, totalFen: 1000 }))).toMatchObject({ kind: 'rejected', code: 'INVALID_REQUEST' });
    expect(await client.refund({ outTradeNo: no, outRefundNo: `R${no}-3`.slice(0, 40), refundFen: 400, totalFen: 1000 })).toMatchObject({ status: 'processing' });
    await expect(client.queryRefund(no, 'R-never-made')).resolves.toMatchObject({ status: 'not_found' });
  });

  it('refunds of unpaid orders, lack of balance and a closed refund', async () => {
    const unpaid = tradeNo('N');
    await createQr(unpaid);
    expect(await rejection(client.refund({ outTradeNo: unpaid, outRefundNo: `R${unpaid}`, refundFen: 1, totalFen: 1234 }))).toMatchObject({ kind: 'rejected', code: 'RESOURCE_NOT_EXISTS' });

    const no = await paidTrade(500);
    sandbox.scriptRefund(`R${no}-poor`, { notEnough: true });
    expect(await rejection(client.refund({ outTradeNo: no, outRefundNo: `R${no}-poor`, refundFen: 100, totalFen: 500 }))).toMatchObject({ kind: 'rejected', code: 'NOT_ENOUGH' });
    sandbox.scriptRefund(`R${no}-closed`, { finalStatus: 'CLOSED' });
    await client.refund({ outTradeNo: no, outRefundNo: `R${no}-closed`, refundFen: 100, totalFen: 500 });
    await waitFor(async () => ((await client.queryRefund(no, `R${no}-closed`)).status === 'closed' ? true : undefined));
  });

  it('429 on refund with the refund actually created: unknown, and the refund query finds it', async () => {
    const no = await paidTrade(800);
    sandbox.injectFault({ op: 'refund', kind: 'rate-limit-429', applied: true });
    expect(await rejection(client.refund({ outTradeNo: no, outRefundNo: `R${no}`, refundFen: 800, totalFen: 800 }))).toMatchObject({ kind: 'unknown', code: 'FREQUENCY_LIMITED' });
    expect((await client.queryRefund(no, `R${no}`)).status).not.toBe('not_found');
  });
});

describe('trade bill', () => {
  it('downloads, checks SHA1 and parses today’s bill to exact fen', async () => {
    const no = tradeNo('N');
    await createQr(no, 12_345);
    sandbox.scanAndPay(no);
    await client.refund({ outTradeNo: no, outRefundNo: `R${no}`, refundFen: 2_345, totalFen: 12_345 });
    await waitFor(async () => ((await client.queryRefund(no, `R${no}`)).status === 'success' ? true : undefined));
    const day = beijingDate(Date.parse(sandbox.trade(no)?.paidAt ?? ''));
    const bill = await client.downloadTradeBill(day);
    expect(bill.empty).toBe(false);
    const mine = bill.rows.filter((row) => row.outTradeNo === no);
    expect(mine).toEqual([
      expect.objectContaining({ kind: 'payment', amountFen: 12_345, status: 'SUCCESS', feeMilliFen: 74_070, tradeType: 'NATIVE' }),
      expect.objectContaining({ kind: 'refund', amountFen: 2_345, outRefundNo: `R${no}`, refundStatus: 'SUCCESS' }),
    ]);
    expect(bill.summary?.tradeCount).toBe(bill.rows.length);
    expect(bill.summary?.orderTotalFen).toBe(bill.rows.filter((r) => r.kind === 'payment').reduce((sum, r) => sum + r.amountFen, 0));
  });

  it('before 10:00 of the next day the bill is still being made (STATEMENT_CREATING → unknown, retry later)', async () => {
    sandbox.configure({ billAvailability: 'next-day-10am' });
    try {
      expect(await rejection(client.downloadTradeBill(beijingDate(now())))).toMatchObject({ kind: 'unknown', code: 'STATEMENT_CREATING' });
    } finally {
      sandbox.configure({ billAvailability: 'immediate' });
    }
  });

  it('an empty day is NO_STATEMENT_EXIST → empty bill', async () => {
    expect(await client.downloadTradeBill('2020-01-01')).toEqual({ provider: 'wechat', billDate: '2020-01-01', rows: [], empty: true });
  });

  it('a download that does not match the signed SHA1 is rejected; an expired URL is refused', async () => {
    const no = tradeNo('N');
    await createQr(no, 100);
    sandbox.scanAndPay(no);
    const day = beijingDate(Date.parse(sandbox.trade(no)?.paidAt ?? ''));
    const swapping = createWechatPayClient(sandbox.clientConfig(), {
      now,
      env: {},
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (!input.includes('/v3/billdownload/')) return response;
        const text = gunzipSync(Buffer.from(await response.arrayBuffer())).toString('utf8');
        const tampered = text.replace(`\`${no},`, `\`${no.slice(0, -1)}X,`);
        expect(tampered).not.toBe(text);
        return new Response(gzipSync(Buffer.from(tampered, 'utf8')), { status: 200 });
      },
    });
    expect(await rejection(swapping.downloadTradeBill(day))).toMatchObject({ kind: 'verification', code: 'BILL_HASH_MISMATCH' });

    const slow = createWechatPayClient(sandbox.clientConfig(), {
      now,
      env: {},
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (input.includes('/v3/bill/tradebill')) advance(31_000); // the URL lives 30 s
        return response;
      },
    });
    expect(await rejection(slow.downloadTradeBill(day))).toMatchObject({ kind: 'rejected', code: 'INVALID_REQUEST' });
  });
});
