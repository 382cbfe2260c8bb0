/**
 * The WeChat Pay v3 sandbox server: node:http on loopback (so we control every byte the client sees),
 * the merchant-signature check, response signing, fault injection and the glue between the books,
 * the bill desk, the notifier and the control surface.
 */
import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WechatPayConfigInput } from '../../payments/wechatpay/config';
import { routeApi, runApi, type ApiContext, type Reply } from './api';
import { applyBehaviourPatch, DEFAULT_BEHAVIOUR, type WechatSandboxBehaviour, type WechatSandboxBehaviourPatch } from './behaviour';
import { BillDesk } from './bills';
import type { CodepayOutcome } from './codepayScripts';
import { runControl, type ScanAndPayResult, type WechatSandboxControl } from './control';
import { FaultPlan, type FaultSpec } from './faults';
import { generateWechatSandboxKeys, wechatClientConfigFor, type ClientConfigOptions, type WechatSandboxKeys } from './keys';
import { Notifier } from './notifier';
import { TradeBook, transactionJson, type RefundState, type SandboxRefund, type SandboxTrade, type TradeEvent } from './trades';
import { refundView, tradeView } from './views';
import { parseAuthorization, requestSignMessage, signatureHeaders, verifyRsaSha256, type PlatformSigner } from './wireCrypto';
import { rfc3339Beijing } from '../common/time';

export interface WechatSandboxOptions {
  /** Key material; generated (with `mchid`/`appid` if given) when absent. */
  keys?: WechatSandboxKeys;
  mchid?: string;
  appid?: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The sandbox's wall clock, epoch ms; share it with the client in tests that move time. */
  now?: () => number;
  behaviour?: WechatSandboxBehaviourPatch;
  /** Deliver every notification here instead of the notify_url in the requests (theirs is the cloud's HTTPS URL). */
  notifyUrl?: string;
}

export interface WechatSandbox extends WechatSandboxControl {
  baseUrl: string;
  keys: WechatSandboxKeys;
  /** A client config pointing at this sandbox with matching keys. */
  clientConfig(options?: Omit<ClientConfigOptions, 'baseUrl'>): WechatPayConfigInput;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export async function startWechatSandbox(options: WechatSandboxOptions = {}): Promise<WechatSandbox> {
  const keys =
    options.keys ?? (await generateWechatSandboxKeys({ ...(options.mchid ? { mchid: options.mchid } : {}), ...(options.appid ? { appid: options.appid } : {}) }));
  const now = options.now ?? Date.now;
  let behaviour: WechatSandboxBehaviour = applyBehaviourPatch(DEFAULT_BEHAVIOUR, options.behaviour ?? {});
  let baseUrl = '';

  const merchantKey: KeyObject = createPublicKey(keys.merchant.publicKeyPem);
  const certificateSigner: PlatformSigner = { serial: keys.platformCertificate.serial, privateKey: createPrivateKey(keys.platformCertificate.privateKeyPem) };
  const publicKeySigner: PlatformSigner = { serial: keys.publicKey.id, privateKey: createPrivateKey(keys.publicKey.privateKeyPem) };

  /** Synchronous answers follow the serial the merchant asked for in migration mode (§1.3). */
  const responseSigner = (requestedSerial: string | undefined): PlatformSigner => {
    if (behaviour.signingMode === 'publicKey') return publicKeySigner;
    if (behaviour.signingMode === 'certificate') return certificateSigner;
    return requestedSerial === publicKeySigner.serial ? publicKeySigner : certificateSigner;
  };

  const notifier = new Notifier({
    now,
    behaviour: () => behaviour.notify,
    apiV3Key: keys.apiV3Key,
    signer: (index) => {
      if (behaviour.signingMode === 'publicKey') return publicKeySigner;
      if (behaviour.signingMode === 'certificate') return certificateSigner;
      return index % 2 === 0 ? certificateSigner : publicKeySigner;
    },
  });

  const onTradeEvent = (event: TradeEvent): void => {
    if (event.type === 'paid') notifyPaid(event.trade);
    else notifyRefund(event.trade, event.refund);
  };
  const book = new TradeBook(now, onTradeEvent);
  const bills = new BillDesk(now);
  const faults = new FaultPlan();
  const codepayScripts = new Map<string, CodepayOutcome>();
  const refundScripts = new Map<string, { finalStatus?: RefundState; notEnough?: boolean }>();

  function notifyPaid(trade: SandboxTrade): void {
    // Only Native payments are notified; codepay has no notify_url (§2.7).
    const url = options.notifyUrl ?? trade.notifyUrl;
    if (trade.tradeType !== 'NATIVE' || !url) return;
    notifier.enqueue({
      eventType: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      originalType: 'transaction',
      outTradeNo: trade.outTradeNo,
      url,
      resource: transactionJson(book, trade),
    });
  }

  function notifyRefund(trade: SandboxTrade, refund: SandboxRefund): void {
    const url = options.notifyUrl ?? refund.notifyUrl;
    if (!url || refund.origin !== 'refund') return;
    notifier.enqueue({
      eventType: `REFUND.${refund.status as 'SUCCESS' | 'ABNORMAL' | 'CLOSED'}`,
      summary: refund.status === 'SUCCESS' ? '退款成功' : refund.status === 'CLOSED' ? '退款关闭' : '退款异常',
      originalType: 'refund',
      outTradeNo: trade.outTradeNo,
      url,
      resource: {
        mchid: trade.mchid,
        out_trade_no: trade.outTradeNo,
        transaction_id: trade.transactionId,
        out_refund_no: refund.outRefundNo,
        refund_id: refund.refundId,
        refund_status: refund.status,
        ...(refund.successAt === undefined ? {} : { success_time: rfc3339Beijing(refund.successAt) }),
        user_received_account: '支付用户零钱',
        amount: { total: refund.totalFen, refund: refund.refundFen, payer_total: refund.totalFen, payer_refund: refund.refundFen },
      },
    });
  }

  // Timers that apply delayed transitions on time (see TradeBook), so notifications are not late.
  const timers = new Set<NodeJS.Timeout>();
  const armed = new Set<number>();
  let closed = false;
  const armTimers = (): void => {
    if (closed) return;
    for (const due of book.dueTimes()) {
      if (armed.has(due)) continue;
      armed.add(due);
      const timer = setTimeout(() => {
        timers.delete(timer);
        armed.delete(due);
        book.settle();
        armTimers();
      }, Math.max(0, due - now()) + 1);
      timers.add(timer);
    }
  };

  const apiContext: ApiContext = {
    book,
    bills,
    behaviour: () => behaviour,
    appid: keys.appid,
    mchid: keys.mchid,
    baseUrl: () => baseUrl,
    codepayScripts,
    refundScripts,
  };

  const control: WechatSandboxControl = {
    scanAndPay(outTradeNo, payOptions = {}): ScanAndPayResult {
      const result = book.customerPays(outTradeNo, payOptions);
      armTimers();
      if (!result.ok) return { ok: false, ...result.error };
      return { ok: true, trade: tradeView(book, result.value) };
    },
    script(authCode, outcome) {
      codepayScripts.set(authCode, outcome);
    },
    scriptRefund(outRefundNo, script) {
      refundScripts.set(outRefundNo, script);
    },
    injectFault: (spec) => faults.add(spec),
    faults: () => faults.list(),
    clearFaults: () => faults.clear(),
    configure(patch) {
      behaviour = applyBehaviourPatch(behaviour, patch);
      return structuredClone(behaviour);
    },
    behaviour: () => structuredClone(behaviour),
    trades: () => book.all().map((trade) => tradeView(book, trade)),
    trade(outTradeNo) {
      const trade = book.get(outTradeNo);
      return trade ? tradeView(book, trade) : undefined;
    },
    refunds: () => book.refunds().map(refundView),
    notifications: () => notifier.deliveries(),
    settle() {
      book.settle();
      armTimers();
    },
    injectBillFault: (fault) => bills.faults.add(fault),
    billFaults: () => bills.faults.list(),
    clearBillFaults: () => bills.faults.clear(),
  };

  const send = (response: ServerResponse, reply: Reply, signer: PlatformSigner | undefined, cors: boolean): void => {
    const body = reply.file ?? (reply.json === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(reply.json), 'utf8'));
    const headers: Record<string, string> = { 'Request-ID': randomUUID() };
    if (reply.file) headers['Content-Type'] = 'application/octet-stream';
    else if (reply.json !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
    if (cors) Object.assign(headers, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS' });
    const success = reply.status >= 200 && reply.status < 300;
    if (signer && !reply.file && (success || behaviour.signErrorResponses)) Object.assign(headers, signatureHeaders(signer, body, Math.floor(now() / 1000)));
    headers['Content-Length'] = String(body.length);
    response.writeHead(reply.status, headers);
    response.end(body);
  };

  const signError = (method: string, rawUrl: string, issue: string, message: Buffer = Buffer.alloc(0)): Reply => ({
    status: 401,
    json: {
      code: 'SIGN_ERROR',
      message: '错误的签名，验签失败',
      detail: {
        field: 'signature',
        location: 'authorization',
        sign_information: { method, url: rawUrl, truncated_sign_message: message.toString('utf8').slice(0, 120), sign_message_length: message.length },
        detail: { issue },
      },
    },
  });

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const faultReply = (fault: FaultSpec): Reply | undefined => {
    switch (fault.kind) {
      case 'accepted-202':
        return { status: 202, json: { code: 'ACCEPTED', message: '请求已受理，尚未处理完成，请使用相同参数重试' } };
      case 'system-error-500':
        return { status: 500, json: { code: 'SYSTEM_ERROR', message: '系统错误' } };
      case 'rate-limit-429':
        return { status: 429, json: { code: 'FREQUENCY_LIMITED', message: '频率超限' } };
      default:
        return undefined;
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const rawUrl = request.url ?? '/';
    const method = request.method ?? 'GET';
    const url = new URL(rawUrl, 'http://sandbox.invalid');
    const body = await readBody(request);

    if (url.pathname.startsWith('/__sandbox/') || url.pathname === '/__sandbox') {
      if (method === 'OPTIONS') return send(response, { status: 204 }, undefined, true);
      return send(response, runControl(method, url.pathname, body, control), undefined, true);
    }

    const route = routeApi(method, url.pathname);
    const requestedSerial = request.headers['wechatpay-serial'];
    const signer = responseSigner(typeof requestedSerial === 'string' ? requestedSerial : undefined);
    if (!route) return send(response, { status: 404, json: { code: 'NOT_FOUND', message: `无此接口 ${method} ${url.pathname}` } }, signer, false);

    // The merchant's signature (§1.1): every /v3 call, including the bill download.
    const auth = parseAuthorization(request.headers.authorization);
    if (!auth) return send(response, signError(method, rawUrl, 'Authorization header missing or malformed'), signer, false);
    if (auth.mchid !== keys.mchid) return send(response, signError(method, rawUrl, `unknown mchid ${auth.mchid}`), signer, false);
    if (auth.serialNo.toUpperCase() !== keys.merchant.serial.toUpperCase()) {
      return send(response, signError(method, rawUrl, `unknown merchant certificate serial ${auth.serialNo}`), signer, false);
    }
    const signedMessage = requestSignMessage(method, rawUrl, auth, body);
    if (!/^\d+$/.test(auth.timestamp) || Math.abs(Math.floor(now() / 1000) - Number(auth.timestamp)) > behaviour.requestMaxSkewSeconds) {
      return send(response, signError(method, rawUrl, 'timestamp expired', signedMessage), signer, false);
    }
    if (!verifyRsaSha256(signedMessage, auth.signature, merchantKey)) return send(response, signError(method, rawUrl, 'sign not match', signedMessage), signer, false);

    const run = (): Reply => {
      const reply = runApi(route, { method, url, body, mchid: auth.mchid }, apiContext);
      armTimers();
      return reply;
    };
    const fault = faults.take(route.op);
    if (!fault) return send(response, run(), signer, false);
    if (fault.applied) {
      const real = run();
      if (fault.kind === 'delay') {
        await wait(fault.delayMs);
        if (!response.destroyed) send(response, real, signer, false);
        return;
      }
    }
    if (fault.kind === 'hang-up') {
      request.socket.destroy();
      return;
    }
    if (fault.kind === 'delay') {
      // Not applied: hold the connection past the client's patience, then drop it without acting.
      await wait(fault.delayMs);
      request.socket.destroy();
      return;
    }
    const reply = faultReply(fault);
    if (reply) send(response, reply, signer, false);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent && !response.destroyed) {
        send(response, { status: 500, json: { code: 'SYSTEM_ERROR', message: error instanceof Error ? error.message : 'sandbox error' } }, undefined, false);
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    ...control,
    baseUrl,
    keys,
    clientConfig: (config = {}) => wechatClientConfigFor(keys, { ...config, baseUrl }),
    async close() {
      closed = true;
      notifier.close();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
