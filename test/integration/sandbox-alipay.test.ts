/**
 * The real Alipay client against the real Alipay sandbox on loopback: signatures, verification,
 * state machine, classification of every fault, notifications and the trade bill.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadBillArchive } from '../../electron/payments/alipay/bill';
import { createAlipayClient, type AlipayClient } from '../../electron/payments/alipay/client';
import { loadAlipayConfig } from '../../electron/payments/alipay/config';
import { AlipayGateway } from '../../electron/payments/alipay/gateway';
import { ProviderError, type ProviderNotification, type TradeInfo } from '../../electron/payments/provider';
import { startAlipaySandbox, type AlipaySandbox } from '../../electron/sandbox/alipay';

let sequence = 0;
const orderNo = (tag: string) => `IT${Date.now().toString(36)}${(sequence += 1)}${tag}`;
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(15);
  }
}

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a ProviderError, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(ProviderError);
  return outcome.error as ProviderError;
}

/** The till's notify endpoint: verifies with the client, answers `success` only when verified. */
interface Receiver {
  url: string;
  received: Array<{ rawBody: string; notification?: ProviderNotification; error?: ProviderError }>;
  /** Answer `fail` to this many verified notifications (our server "down"). */
  failNext: number;
  close(): Promise<void>;
}

async function startReceiver(verify: () => AlipayClient): Promise<Receiver> {
  const receiver: Receiver = { url: '', received: [], failNext: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    let rawBody = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (rawBody += chunk));
    req.on('end', () => {
      verify()
        .verifyNotification({ headers: { 'content-type': req.headers['content-type'] }, rawBody })
        .then(
          (notification) => {
            receiver.received.push({ rawBody, notification });
            if (receiver.failNext > 0) {
              receiver.failNext -= 1;
              res.end('fail');
            } else {
              res.end('success');
            }
          },
          (error: ProviderError) => {
            receiver.received.push({ rawBody, error });
            res.end('fail');
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify/alipay`;
  receiver.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}

const receivedFor = (receiver: Receiver, outTradeNo: string) =>
  receiver.received.filter((entry) => new URLSearchParams(entry.rawBody).get('out_trade_no') === outTradeNo);

describe('Alipay client ↔ sandbox', () => {
  let sandbox: AlipaySandbox;
  let client: AlipayClient;
  let receiver: Receiver;
  let clockOffsetMs = 0;

  beforeAll(async () => {
    receiver = await startReceiver(() => client);
    sandbox = await startAlipaySandbox({
      now: () => Date.now() + clockOffsetMs,
      // Alipay's resend schedule 4m,10m,… compressed to 48 ms, 120 ms, …
      behaviour: { userPayingMs: 150, notify: { delayMs: 10, retryScale: 0.0002 } },
    });
    client = createAlipayClient(sandbox.clientConfig({ timeoutMs: 500, notifyUrl: receiver.url }), { env: {} });
  });

  afterAll(async () => {
    await sandbox?.close();
    await receiver?.close();
  });

  const precreate = (outTradeNo: string, amountFen = 8888, expiresAt = inMinutes(5)) =>
    client.createMerchantQr({ outTradeNo, amountFen, description: '测试商品 / 套餐', expiresAt });
  const payWithCode = (outTradeNo: string, authCode: string, amountFen = 1234) =>
    client.payWithCustomerCode({ outTradeNo, amountFen, description: '条码支付', authCode });
  /** The customer scans and pays right now (the sandbox answers synchronously). */
  const customerPays = (outTradeNo: string) => {
    const result = sandbox.scanAndPay(outTradeNo);
    if (!result.ok) throw new Error(`scanAndPay failed: ${result.code} ${result.message}`);
    return result.trade;
  };
  const queryUntil = (outTradeNo: string, status: TradeInfo['status']) =>
    waitFor(async () => {
      const trade = await client.query(outTradeNo);
      return trade.status === status ? trade : undefined;
    });

  describe('merchant QR (precreate)', () => {
    it('precreate → not_found until scanned → scan and pay → verified success, then a verified notification', async () => {
      const no = orderNo('qr');
      const { codeUrl } = await precreate(no);
      expect(codeUrl).toMatch(/^https:\/\/qr\.alipay\.com\/bax/); // signed as https:\/\/ on the wire
      expect(await client.query(no)).toEqual({ status: 'not_found', providerState: 'TRADE_NOT_EXIST', outTradeNo: no });
      // Repeating the same precreate is idempotent.
      expect(await precreate(no)).toEqual({ codeUrl });

      const paid = customerPays(no);
      const trade = await client.query(no);
      expect(trade).toMatchObject({ status: 'success', providerState: 'TRADE_SUCCESS', outTradeNo: no, totalFen: 8888, providerTradeNo: paid.tradeNo });
      expect(trade.paidAt).toMatch(/\+08:00$/);

      const delivered = await waitFor(() => receivedFor(receiver, no)[0]);
      expect(delivered.error).toBeUndefined();
      expect(delivered.notification).toMatchObject({ kind: 'payment', provider: 'alipay', trade: { status: 'success', totalFen: 8888, outTradeNo: no, merchantId: sandbox.keys.appId } });
      expect(new URLSearchParams(delivered.rawBody).get('fund_bill_list')).toMatch(/^\[\{"amount":"88.88"/);
    });

    it('a second precreate under the same number with another amount is refused', async () => {
      const no = orderNo('ctx');
      await precreate(no, 100);
      const error = await providerError(precreate(no, 200));
      expect(error).toMatchObject({ kind: 'rejected', code: 'ACQ.CONTEXT_INCONSISTENT' });
    });

    it('close before any scan → not_found, and the QR stays payable until it expires', async () => {
      const no = orderNo('nc');
      await precreate(no);
      expect(await client.close(no)).toEqual({ outcome: 'not_found' });
      expect((await client.query(no)).status).toBe('not_found');
      customerPays(no);
      expect((await client.query(no)).status).toBe('success');
    });

    it('close after payment → already_paid (learned by a query)', async () => {
      const no = orderNo('cp');
      await precreate(no);
      customerPays(no);
      expect(await client.close(no)).toEqual({ outcome: 'already_paid' });
    });

    it('close of a scanned, unpaid QR → closed; query shows closed, never paid', async () => {
      const no = orderNo('cs');
      await precreate(no);
      sandbox.scan(no);
      expect((await client.query(no)).status).toBe('waiting');
      expect(await client.close(no)).toEqual({ outcome: 'closed' });
      const trade = await client.query(no);
      expect(trade).toMatchObject({ status: 'closed', providerState: 'TRADE_CLOSED' });
      expect(trade.refundedFen).toBeUndefined();
      expect(trade.paidAt).toBeUndefined();
    });

    it('timeout_express: a scanned QR closes at expiry; an unscanned one can no longer be scanned', async () => {
      const scanned = orderNo('ex1');
      const unscanned = orderNo('ex2');
      await precreate(scanned, 500, inMinutes(1));
      await precreate(unscanned, 500, inMinutes(1));
      expect(sandbox.trade(scanned)?.expiresAt).toBeDefined();
      sandbox.scan(scanned);
      clockOffsetMs = 2 * 60_000;
      try {
        expect((await client.query(scanned)).status).toBe('closed');
        expect((await client.query(unscanned)).status).toBe('not_found');
        const response = await fetch(`${sandbox.baseUrl}/__sandbox/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: unscanned }) });
        expect(response.status).toBe(409);
        expect(await response.json()).toMatchObject({ code: 'QR_EXPIRED' });
      } finally {
        clockOffsetMs = 0;
      }
    });

    it('paid-after-close race: close succeeds, then the payment lands; query tells the truth', async () => {
      const no = orderNo('race');
      await precreate(no);
      const scanned = sandbox.scanAndPay(no, { delayMs: 80, completesDespiteClose: true });
      expect(scanned).toMatchObject({ ok: true, trade: { state: 'WAIT_BUYER_PAY' } });
      expect(await client.close(no)).toEqual({ outcome: 'closed' });
      expect((await client.query(no)).status).toBe('closed');
      const trade = await queryUntil(no, 'success');
      expect(trade.totalFen).toBe(8888);
      await waitFor(() => receivedFor(receiver, no).find((entry) => entry.notification?.kind === 'payment'));
    });
  });

  describe('customer code (trade.pay)', () => {
    it('success: 10000 with the charged amount checked', async () => {
      const no = orderNo('b0');
      const result = await payWithCode(no, sandbox.authCode('success'));
      expect(result).toMatchObject({ outcome: 'success', trade: { status: 'success', totalFen: 1234, outTradeNo: no } });
    });

    it('10003 then success: pending while the customer confirms, query turns success', async () => {
      const no = orderNo('b1');
      const result = await payWithCode(no, sandbox.authCode('userpaying-then-success'));
      expect(result).toMatchObject({ outcome: 'pending', reason: '10003', trade: { status: 'user_paying' } });
      expect((await client.query(no)).status).toBe('waiting');
      await queryUntil(no, 'success');
    });

    it('10003 then closed: the customer gave up', async () => {
      const no = orderNo('b2');
      expect((await payWithCode(no, sandbox.authCode('userpaying-then-closed'))).outcome).toBe('pending');
      const trade = await queryUntil(no, 'closed');
      expect(trade.refundedFen).toBeUndefined();
    });

    it('10003 forever → cancel answers action=close and the trade is closed', async () => {
      const no = orderNo('b3');
      expect((await payWithCode(no, sandbox.authCode('userpaying-forever'))).outcome).toBe('pending');
      await sleep(200);
      expect((await client.query(no)).status).toBe('waiting');
      expect(await client.reverse(no)).toEqual({ retry: false, action: 'close' });
      expect((await client.query(no)).status).toBe('closed');
    });

    it('repeating the same submission while paying → 10003 without sub_code; other params → CONTEXT_INCONSISTENT', async () => {
      const no = orderNo('b3r');
      const code = sandbox.authCode('userpaying-forever');
      await payWithCode(no, code);
      expect(await payWithCode(no, code)).toEqual({ outcome: 'pending', reason: '10003', trade: { status: 'user_paying', providerState: 'WAIT_BUYER_PAY', outTradeNo: no } });
      expect(await payWithCode(no, code, 999)).toMatchObject({ outcome: 'failed', code: 'ACQ.CONTEXT_INCONSISTENT' });
      await client.reverse(no);
    });

    it('cancel of a paid trade → action=refund; the closed trade shows the full refund', async () => {
      const no = orderNo('b0c');
      expect((await payWithCode(no, sandbox.authCode('success'))).outcome).toBe('success');
      expect(await client.reverse(no)).toEqual({ retry: false, action: 'refund' });
      const trade = await client.query(no);
      expect(trade).toMatchObject({ status: 'closed', refundedFen: 1234 });
      expect(trade.paidAt).toBeDefined();
    });

    it('cancel with retry_flag=Y once: retry, then done', async () => {
      sandbox.configure({ cancelRetryOnce: true });
      try {
        const no = orderNo('b3y');
        await payWithCode(no, sandbox.authCode('userpaying-forever'));
        expect(await client.reverse(no)).toEqual({ retry: true });
        expect((await client.query(no)).status).toBe('waiting');
        expect(await client.reverse(no)).toEqual({ retry: false, action: 'close' });
      } finally {
        sandbox.configure({ cancelRetryOnce: false });
      }
    });

    it('20000 although the trade was created and paid → pending, then query shows the payment', async () => {
      const no = orderNo('b4');
      const result = await payWithCode(no, sandbox.authCode('service-unavailable-applied'));
      expect(result).toMatchObject({ outcome: 'pending', reason: 'isp.unknow-error' });
      expect(await client.query(no)).toMatchObject({ status: 'success', totalFen: 1234 });
    });

    it('ACQ.SYSTEM_ERROR with nothing created → pending, then query shows not_found', async () => {
      const no = orderNo('b5');
      expect(await payWithCode(no, sandbox.authCode('system-error-not-applied'))).toEqual({ outcome: 'pending', reason: 'ACQ.SYSTEM_ERROR' });
      expect((await client.query(no)).status).toBe('not_found');
    });

    it('business refusals are failures with the sub_code', async () => {
      expect(await payWithCode(orderNo('b10'), sandbox.authCode('auth-code-invalid'))).toMatchObject({ outcome: 'failed', code: 'ACQ.PAYMENT_AUTH_CODE_INVALID' });
      expect(await payWithCode(orderNo('b11'), sandbox.authCode('balance-not-enough'))).toMatchObject({ outcome: 'failed', code: 'ACQ.BUYER_BALANCE_NOT_ENOUGH' });
      // A code is single-use.
      const code = sandbox.authCode('success');
      expect((await payWithCode(orderNo('b0a'), code)).outcome).toBe('success');
      expect(await payWithCode(orderNo('b0b'), code)).toMatchObject({ outcome: 'failed', code: 'ACQ.PAYMENT_AUTH_CODE_INVALID' });
    });

    it('sandbox.script overrides the suffix table for one code', async () => {
      const code = sandbox.authCode('success');
      sandbox.script(code, 'balance-not-enough');
      expect(await payWithCode(orderNo('scr'), code)).toMatchObject({ outcome: 'failed', code: 'ACQ.BUYER_BALANCE_NOT_ENOUGH' });
    });
  });

  describe('faults: transport and gateway trouble is unknown, never failure', () => {
    it('pay timing out although applied → pending TIMEOUT; query finds the payment', async () => {
      const no = orderNo('ft');
      sandbox.injectFault({ op: 'pay', kind: 'delay', applied: true, delayMs: 3_000 });
      const started = Date.now();
      expect(await payWithCode(no, sandbox.authCode('success'))).toEqual({ outcome: 'pending', reason: 'TIMEOUT' });
      // The client gave up at its own timeout (500 ms, undici rounds up to ~1 s), not when the answer came.
      expect(Date.now() - started).toBeLessThan(2_500);
      expect((await client.query(no)).status).toBe('success');
    });

    it('query timing out (not applied) → unknown TIMEOUT', async () => {
      sandbox.injectFault({ op: 'query', kind: 'delay', applied: false, delayMs: 3_000 });
      expect(await providerError(client.query(orderNo('fq')))).toMatchObject({ kind: 'unknown', code: 'TIMEOUT' });
    });

    it('socket hang-up → unknown NETWORK; when applied the refund really happened', async () => {
      const no = orderNo('fh');
      await payWithCode(no, sandbox.authCode('success'));
      // times: 2 — urllib (under alipay-sdk) silently resends once after a socket error.
      sandbox.injectFault({ op: 'refund', kind: 'hang-up', applied: true, times: 2 });
      const error = await providerError(client.refund({ outTradeNo: no, outRefundNo: `${no}-R1`, refundFen: 100, totalFen: 1234 }));
      expect(error).toMatchObject({ kind: 'unknown', code: 'NETWORK' });
      expect(await client.queryRefund(no, `${no}-R1`)).toMatchObject({ status: 'success', refundFen: 100 });
      // Retrying the same request is safe: fund_change=N.
      expect(await client.refund({ outTradeNo: no, outRefundNo: `${no}-R1`, refundFen: 100, totalFen: 1234 })).toMatchObject({ status: 'success', providerState: 'fund_change=N' });
    });

    it("urllib's silent resend after one hang-up is just a repeated submission: pay stays pending, query finds it", async () => {
      const no = orderNo('fh1');
      sandbox.injectFault({ op: 'pay', kind: 'hang-up', applied: true });
      expect(await payWithCode(no, sandbox.authCode('success'))).toEqual({ outcome: 'pending', reason: 'ACQ.TRADE_HAS_SUCCESS' });
      expect((await client.query(no)).status).toBe('success');
    });

    it('HTTP 502 from a proxy → unknown HTTP_ERROR', async () => {
      sandbox.injectFault({ op: 'query', kind: 'http-error', applied: false, httpStatus: 502 });
      expect(await providerError(client.query(orderNo('f5')))).toMatchObject({ kind: 'unknown', code: 'HTTP_ERROR' });
    });

    it('20000 on precreate → unknown; ACQ.SYSTEM_ERROR on close (not applied) → unknown and nothing closed', async () => {
      sandbox.injectFault({ op: 'precreate', kind: 'service-unavailable', applied: true });
      const no = orderNo('f20');
      expect(await providerError(precreate(no))).toMatchObject({ kind: 'unknown', code: 'isp.unknow-error' });
      sandbox.scan(no); // applied: the QR exists
      sandbox.injectFault({ op: 'close', kind: 'system-error', applied: false });
      expect(await providerError(client.close(no))).toMatchObject({ kind: 'unknown', code: 'ACQ.SYSTEM_ERROR' });
      expect((await client.query(no)).status).toBe('waiting');
    });

    it('a response altered after signing → verification', async () => {
      const no = orderNo('fs');
      await precreate(no);
      sandbox.injectFault({ op: 'query', kind: 'bad-signature', applied: true });
      expect(await providerError(client.query(no))).toMatchObject({ kind: 'verification', code: 'INVALID_SIGNATURE' });
    });

    it('a client holding the wrong Alipay public key rejects every answer', async () => {
      const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const wrongKey = createAlipayClient({ ...sandbox.clientConfig({ timeoutMs: 500 }), alipayPublicKey: stranger }, { env: {} });
      expect(await providerError(wrongKey.query(orderNo('wk')))).toMatchObject({ kind: 'verification', code: 'INVALID_SIGNATURE' });
    });

    it('a request signed with the wrong app key → config isv.invalid-signature, echoing the gateway sign string', async () => {
      const wrongAppKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const badClient = createAlipayClient({ ...sandbox.clientConfig({ timeoutMs: 500 }), appPrivateKey: wrongAppKey }, { env: {} });
      const no = orderNo('sig');
      const error = await providerError(badClient.query(no));
      expect(error).toMatchObject({ kind: 'config', code: 'isv.invalid-signature' });
      const subMsg = String(error.details?.subMsg);
      expect(subMsg).toContain('网关生成的验签字符串为：');
      expect(subMsg).toContain(`app_id=${sandbox.keys.appId}&amp;biz_content={"out_trade_no":"${no}"}`);
      expect(subMsg).toContain('sign_type=RSA2');
      // And nothing was done on its behalf.
      expect(sandbox.trade(no)).toBeUndefined();
    });

    it('an unknown method is answered with a signed error_response that the client verifies', async () => {
      const gateway = new AlipayGateway(loadAlipayConfig(sandbox.clientConfig({ timeoutMs: 500 }), { env: {} }));
      expect(await gateway.call('alipay.trade.teleport', { out_trade_no: 'x' })).toMatchObject({ code: '40002', subCode: 'isv.invalid-method' });
    });

    it('the request timestamp comes from the injectable clock, in Beijing time; a skewed one is refused', async () => {
      sandbox.configure({ requestMaxSkewSeconds: 60 });
      try {
        const skewed = createAlipayClient(sandbox.clientConfig({ timeoutMs: 500 }), { env: {}, clock: () => new Date(Date.now() - 10 * 60_000) });
        expect(await providerError(skewed.query(orderNo('skew')))).toMatchObject({ kind: 'config', code: 'isv.invalid-timestamp' });
        expect((await client.query(orderNo('noskew'))).status).toBe('not_found');
      } finally {
        sandbox.configure({ requestMaxSkewSeconds: null });
      }
    });

    it('another app id → config isv.invalid-app-id', async () => {
      const other = createAlipayClient({ ...sandbox.clientConfig({ timeoutMs: 500 }), appId: '2021999999999999' }, { env: {} });
      expect(await providerError(other.query(orderNo('app')))).toMatchObject({ kind: 'config', code: 'isv.invalid-app-id' });
    });
  });

  describe('refunds', () => {
    it('refund, replay (fund_change N), discordant repeat, over-refund, refund query, full refund closes the trade', async () => {
      const no = orderNo('rf');
      await precreate(no);
      customerPays(no);
      const first = { outTradeNo: no, outRefundNo: `${no}-R1`, refundFen: 1000, totalFen: 8888, reason: '退货' };

      expect(await client.refund(first)).toMatchObject({ status: 'success', refundFen: 1000, providerState: 'fund_change=Y' });
      expect(await client.refund(first)).toMatchObject({ status: 'success', refundFen: 1000, providerState: 'fund_change=N' });
      expect(await providerError(client.refund({ ...first, refundFen: 2000 }))).toMatchObject({ kind: 'rejected', code: 'ACQ.DISCORDANT_REPEAT_REQUEST' });
      expect(await providerError(client.refund({ ...first, outRefundNo: `${no}-R2`, refundFen: 8000 }))).toMatchObject({ kind: 'rejected', code: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL' });

      expect(await client.queryRefund(no, `${no}-R1`)).toMatchObject({ status: 'success', outRefundNo: `${no}-R1`, refundFen: 1000, providerState: 'REFUND_SUCCESS' });
      expect(await client.queryRefund(no, `${no}-R9`)).toEqual({ status: 'not_found', outRefundNo: `${no}-R9` });
      expect((await client.query(no)).status).toBe('success'); // partial refund keeps TRADE_SUCCESS

      expect(await client.refund({ ...first, outRefundNo: `${no}-R2`, refundFen: 7888 })).toMatchObject({ status: 'success', providerState: 'fund_change=Y' });
      expect(await client.query(no)).toMatchObject({ status: 'closed', providerState: 'TRADE_CLOSED', refundedFen: 8888 });

      const refundNotice = await waitFor(() => receivedFor(receiver, no).find((entry) => entry.notification?.kind === 'refund' && entry.notification.refund.outRefundNo === `${no}-R2`));
      expect(refundNotice.notification).toMatchObject({ kind: 'refund', outTradeNo: no, refund: { status: 'success', providerState: 'TRADE_CLOSED' } });
    });

    it('refund of an unpaid or unknown trade is rejected', async () => {
      const no = orderNo('rfu');
      await precreate(no);
      expect(await providerError(client.refund({ outTradeNo: no, outRefundNo: `${no}-R1`, refundFen: 1, totalFen: 8888 }))).toMatchObject({ kind: 'rejected', code: 'ACQ.TRADE_NOT_EXIST' });
      sandbox.scan(no);
      expect(await providerError(client.refund({ outTradeNo: no, outRefundNo: `${no}-R1`, refundFen: 1, totalFen: 8888 }))).toMatchObject({ kind: 'rejected', code: 'ACQ.TRADE_STATUS_ERROR' });
    });

    it('refund query lag: nothing for a while after the refund, then the refund', async () => {
      sandbox.configure({ refundQueryLagMs: 10_000 });
      try {
        const no = orderNo('lag');
        await payWithCode(no, sandbox.authCode('success'));
        await client.refund({ outTradeNo: no, outRefundNo: `${no}-R1`, refundFen: 34, totalFen: 1234 });
        expect((await client.queryRefund(no, `${no}-R1`)).status).toBe('not_found');
        clockOffsetMs = 11_000;
        expect(await client.queryRefund(no, `${no}-R1`)).toMatchObject({ status: 'success', refundFen: 34 });
      } finally {
        clockOffsetMs = 0;
        sandbox.configure({ refundQueryLagMs: 0 });
      }
    });
  });

  describe('notifications', () => {
    it('tampered copies (forged signature, altered amount) are rejected; the genuine one is accepted', async () => {
      sandbox.configure({ notify: { tamperedBefore: ['forged-signature', 'altered-amount'] } });
      const no = orderNo('nf');
      try {
        await precreate(no);
        customerPays(no);
        await waitFor(() => sandbox.notifications().find((record) => record.outTradeNo === no && record.accepted));
      } finally {
        sandbox.configure({ notify: { tamperedBefore: [] } });
      }
      const entries = receivedFor(receiver, no);
      expect(entries).toHaveLength(3);
      expect(entries[0]!.error?.code).toBe('INVALID_SIGNATURE');
      expect(entries[1]!.error?.code).toBe('INVALID_SIGNATURE');
      expect(new URLSearchParams(entries[1]!.rawBody).get('total_amount')).toBe('89.88');
      expect(entries[2]!.notification).toMatchObject({ kind: 'payment', trade: { totalFen: 8888 } });
      const records = sandbox.notifications().filter((record) => record.outTradeNo === no);
      expect(records.map((record) => [record.variant, record.accepted])).toEqual([
        ['forged-signature', false],
        ['altered-amount', false],
        ['genuine', true],
      ]);
      expect(new Set(records.map((record) => record.eventId)).size).toBe(1);
    });

    it('a reply other than exactly `success` makes the sandbox resend the same notification', async () => {
      receiver.failNext = 1;
      const no = orderNo('nr');
      await precreate(no);
      customerPays(no);
      await waitFor(() => sandbox.notifications().find((record) => record.outTradeNo === no && record.accepted));
      const entries = receivedFor(receiver, no);
      expect(entries).toHaveLength(2);
      expect(entries[0]!.notification).toEqual(entries[1]!.notification);
      const records = sandbox.notifications().filter((record) => record.outTradeNo === no);
      expect(records.map((record) => [record.variant, record.attempt, record.reply, record.accepted])).toEqual([
        ['genuine', 0, 'fail', false],
        ['retry', 1, 'success', true],
      ]);
    });

    it('duplicates carry the same notify_id (eventId) and all verify', async () => {
      sandbox.configure({ notify: { duplicates: 2 } });
      const no = orderNo('nd');
      try {
        await precreate(no);
        customerPays(no);
        await waitFor(() => (receivedFor(receiver, no).length >= 3 ? true : undefined));
      } finally {
        sandbox.configure({ notify: { duplicates: 0 } });
      }
      const ids = receivedFor(receiver, no).map((entry) => (entry.notification?.kind === 'payment' ? entry.notification.eventId : 'unverified'));
      expect(ids).toHaveLength(3);
      expect(new Set(ids).size).toBe(1);
      expect(ids[0]).not.toBe('unverified');
    });

    it("passback_params with '%' arrives encoded once and verifies", async () => {
      const passback = 'coupon=100%&memo=%E4%B8%AD&x=a b';
      sandbox.configure({ notify: { passbackParams: passback } });
      const no = orderNo('np');
      try {
        await precreate(no);
        customerPays(no);
        const entry = await waitFor(() => receivedFor(receiver, no)[0]);
        expect(entry.error).toBeUndefined();
        expect(entry.rawBody).toContain('passback_params=coupon%3D100%25%26memo%3D%25E4%25B8%25AD');
        expect(new URLSearchParams(entry.rawBody).get('passback_params')).toBe(passback);
      } finally {
        sandbox.configure({ notify: { passbackParams: null } });
      }
    });
  });

  describe('HTTP control routes', () => {
    it('POST /__sandbox/pay pays a precreated QR; GET /__sandbox/trades lists it', async () => {
      const no = orderNo('http');
      await precreate(no, 321);
      const response = await fetch(`${sandbox.baseUrl}/__sandbox/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ out_trade_no: no }) });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(((await response.json()) as { trade: { state: string } }).trade.state).toBe('TRADE_SUCCESS');
      expect((await client.query(no)).status).toBe('success');
      const listed = (await (await fetch(`${sandbox.baseUrl}/__sandbox/trades`)).json()) as { trades: Array<{ outTradeNo: string; totalAmount: string }> };
      expect(listed.trades.find((trade) => trade.outTradeNo === no)?.totalAmount).toBe('3.21');
      const single = (await (await fetch(`${sandbox.baseUrl}/__sandbox/trades/${no}`)).json()) as { outTradeNo: string; state: string };
      expect(single).toMatchObject({ outTradeNo: no, state: 'TRADE_SUCCESS' });
    });

    it('POST /__sandbox/pay with delay_ms: scanned now, paid later', async () => {
      const no = orderNo('httpd');
      await precreate(no);
      const response = await fetch(`${sandbox.baseUrl}/__sandbox/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: no, delay_ms: 100 }) });
      expect(((await response.json()) as { trade: { state: string; pendingUntil?: string } }).trade).toMatchObject({ state: 'WAIT_BUYER_PAY', pendingUntil: expect.any(String) });
      expect((await client.query(no)).status).toBe('waiting');
      await queryUntil(no, 'success');
    });

    it('faults, behaviour, CORS preflight and bad input over HTTP', async () => {
      const fault = await fetch(`${sandbox.baseUrl}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ op: 'query', kind: 'hang-up', applied: false, times: 2 }) });
      expect(fault.status).toBe(200);
      expect(((await fault.json()) as { id: string }).id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await providerError(client.query(orderNo('hf')))).toMatchObject({ kind: 'unknown', code: 'NETWORK' });
      const behaviour = await fetch(`${sandbox.baseUrl}/__sandbox/behaviour`, { method: 'POST', body: JSON.stringify({ userPayingMs: 150, notify: { delayMs: 10 } }) });
      expect(await behaviour.json()).toMatchObject({ userPayingMs: 150, notify: { delayMs: 10, retryScale: 0.0002 } });
      expect((await fetch(`${sandbox.baseUrl}/__sandbox/pay`, { method: 'OPTIONS' })).status).toBe(204);
      expect((await fetch(`${sandbox.baseUrl}/__sandbox/health`)).status).toBe(200);
      expect((await fetch(`${sandbox.baseUrl}/__sandbox/pay`, { method: 'POST', body: '{"out_trade_no":' })).status).toBe(400);
      const missing = await fetch(`${sandbox.baseUrl}/__sandbox/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no: 'nope' }) });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ code: 'TRADE_NOT_EXIST' });
      expect((await fetch(`${sandbox.baseUrl}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ op: 'query', kind: 'meteor', applied: true }) })).status).toBe(400);
      expect((await fetch(`${sandbox.baseUrl}/__sandbox/behaviour`, { method: 'POST', body: JSON.stringify({ userPayingMs: -1 }) })).status).toBe(400);
      const code = (await (await fetch(`${sandbox.baseUrl}/__sandbox/auth-code`, { method: 'POST', body: JSON.stringify({ outcome: 'balance-not-enough' }) })).json()) as { auth_code: string };
      expect(await payWithCode(orderNo('hac'), code.auth_code)).toMatchObject({ outcome: 'failed', code: 'ACQ.BUYER_BALANCE_NOT_ENOUGH' });
    });
  });
});

describe('Alipay trade bill from the sandbox', () => {
  const day = '2024-03-05';
  let now = Date.parse(`${day}T10:00:00+08:00`);
  let sandbox: AlipaySandbox;
  let client: AlipayClient;

  beforeAll(async () => {
    sandbox = await startAlipaySandbox({ now: () => now, behaviour: { notify: { enabled: false } } });
    client = createAlipayClient(sandbox.clientConfig({ timeoutMs: 2_000 }), { env: {}, clock: () => new Date(now) });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('downloads the zip of GBK CSVs and parses it exactly to the fen', async () => {
    const tick = () => (now += 1_000);
    const qr = 'BILL-QR-1';
    const big = 'BILL-QR-BIG';
    const bar = 'BILL-BAR-1';
    const cancelled = 'BILL-BAR-2';
    const unpaid = 'BILL-QR-UNPAID';
    const expiresAt = () => new Date(now + 5 * 60_000);

    await client.createMerchantQr({ outTradeNo: qr, amountFen: 8888, description: '咖啡, 大杯', expiresAt: expiresAt() });
    expect(sandbox.scanAndPay(qr).ok).toBe(true);
    tick();
    expect((await client.payWithCustomerCode({ outTradeNo: bar, amountFen: 1, description: '口香糖', authCode: sandbox.authCode('success') })).outcome).toBe('success');
    tick();
    await client.createMerchantQr({ outTradeNo: big, amountFen: 10_000_000_000, description: '大额', expiresAt: expiresAt() });
    expect(sandbox.scanAndPay(big).ok).toBe(true);
    tick();
    await client.refund({ outTradeNo: qr, outRefundNo: 'BILL-QR-1-R1', refundFen: 1000, totalFen: 8888 });
    tick();
    await client.payWithCustomerCode({ outTradeNo: cancelled, amountFen: 1234, description: '撤销', authCode: sandbox.authCode('success') });
    tick();
    expect(await client.reverse(cancelled)).toEqual({ retry: false, action: 'refund' });
    tick();
    await client.createMerchantQr({ outTradeNo: unpaid, amountFen: 500, description: '未支付', expiresAt: expiresAt() });
    sandbox.scan(unpaid);
    await client.close(unpaid);

    // Same day: no bill yet.
    expect(await client.downloadTradeBill(day)).toEqual({ provider: 'alipay', billDate: day, rows: [], empty: true });

    now = Date.parse('2024-03-06T10:30:00+08:00');
    const bill = await client.downloadTradeBill(day);
    const tradeNo = (outTradeNo: string) => sandbox.trade(outTradeNo)!.tradeNo!;
    const at = (second: number) => `${day}T10:00:0${second}+08:00`;
    expect(bill).toEqual({
      provider: 'alipay',
      billDate: day,
      empty: false,
      rows: [
        { provider: 'alipay', kind: 'payment', tradeTime: at(0), providerTradeNo: tradeNo(qr), outTradeNo: qr, amountFen: 8888, status: '交易', feeFen: -53 },
        { provider: 'alipay', kind: 'payment', tradeTime: at(1), providerTradeNo: tradeNo(bar), outTradeNo: bar, amountFen: 1, status: '交易', feeFen: 0 },
        { provider: 'alipay', kind: 'payment', tradeTime: at(2), providerTradeNo: tradeNo(big), outTradeNo: big, amountFen: 10_000_000_000, status: '交易', feeFen: -60_000_000 },
        { provider: 'alipay', kind: 'refund', tradeTime: at(3), providerTradeNo: tradeNo(qr), outTradeNo: qr, amountFen: 1000, status: '退款', outRefundNo: 'BILL-QR-1-R1', feeFen: 0 },
        { provider: 'alipay', kind: 'payment', tradeTime: at(4), providerTradeNo: tradeNo(cancelled), outTradeNo: cancelled, amountFen: 1234, status: '交易', feeFen: -7 },
        { provider: 'alipay', kind: 'refund', tradeTime: at(5), providerTradeNo: tradeNo(cancelled), outTradeNo: cancelled, amountFen: 1234, status: '退款', outRefundNo: cancelled, feeFen: 0 },
      ],
    });
    // A day without trades has no bill.
    expect(await client.downloadTradeBill('2024-03-04')).toMatchObject({ rows: [], empty: true });
  });

  it('the download URL dies after its lifetime (30 s by default)', async () => {
    now = Date.parse('2024-03-06T10:40:00+08:00');
    const url = await client.tradeBillUrl(day);
    expect(url).toMatch(/\/downloadBillFile\.resource\?bizType=trade&/);
    expect((await downloadBillArchive(url!, { timeoutMs: 2_000 })).length).toBeGreaterThan(100);
    now += 31_000;
    const error = await providerError(downloadBillArchive(url!, { timeoutMs: 2_000 }));
    expect(error).toMatchObject({ kind: 'rejected', code: 'BILL_DOWNLOAD_REFUSED' });
  });
});
