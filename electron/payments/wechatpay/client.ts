/**
 * WeChat Pay API v3 client for the till (Native QR, codepay, query, close, reverse, refunds, trade bills,
 * notifications), implementing PaymentProvider.
 *
 * Written by hand on node:crypto + fetch rather than on a library (payment-protocols.md §6):
 * wechatpay-node-v3 hard-codes https://api.mch.weixin.qq.com (no sandbox), does not verify responses
 * and fails for public-key-only merchants; wechatpay-axios-plugin would pull axios into the main
 * process and leaves Wechatpay-Serial and notifications to us anyway. The protocol is small and every
 * algorithm is pinned by the vectors in test/fixtures/vectors.
 */
import { z } from 'zod';
import {
  ProviderError,
  type CloseResult,
  type CreateQrInput,
  type CreateQrResult,
  type IncomingNotification,
  type PayWithCodeInput,
  type PayWithCodeResult,
  type PaymentProvider,
  type ProviderNotification,
  type RefundInfo,
  type RefundInput,
  type ReverseResult,
  type TradeBill,
  type TradeInfo,
} from '../provider';
import { openBillFile, parseWechatTradeBill, type WechatBillRow, type WechatBillSummary } from './bill';
import { classifyFailure, failureError, parseErrorEnvelope } from './classify';
import { resolveWechatPayConfig, type ConfigSources, type ResolvedWechatPayConfig } from './config';
import { readWechatNotification } from './notify';
import { randomNonce } from './sign';
import { toRfc3339Beijing } from './time';
import { WechatTransport, type FetchLike, type TransportDeps, type WechatResponse } from './transport';
import { parseWire, refundSchema, toRefundInfo, toTradeInfo, tradeBillResponseSchema, transactionSchema, type WireTransaction } from './wire';

export interface WechatTradeBill extends TradeBill {
  provider: 'wechat';
  rows: WechatBillRow[];
  summary?: WechatBillSummary;
}

export interface WechatPayClientDeps {
  fetch?: FetchLike;
  /** Wall clock, epoch ms. */
  now?: () => number;
  nonce?: () => string;
}

const OUT_TRADE_NO = /^[0-9A-Za-z_\-*|]{6,32}$/;
const OUT_REFUND_NO = /^[0-9A-Za-z_\-*|@]{1,64}$/;
const BILL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DESCRIPTION_MAX = 127;

/** Codes on a failed codepay that mean the customer's payment definitely did not happen. */
const CODEPAY_CONFIG_CODES = new Set(['SIGN_ERROR', 'PARAM_ERROR', 'APPID_MCHID_NOT_MATCH', 'MCH_NOT_EXISTS', 'NO_AUTH', 'OUT_TRADE_NO_USED']);

function badInput(code: string, message: string): ProviderError {
  return new ProviderError('config', code, message);
}

function checkOutTradeNo(outTradeNo: string): void {
  if (!OUT_TRADE_NO.test(outTradeNo)) throw badInput('OUT_TRADE_NO_INVALID', `out_trade_no must be 6–32 of [0-9A-Za-z_-*|]: ${outTradeNo}`);
}

function checkAmount(fen: number, what: string): void {
  if (!Number.isSafeInteger(fen) || fen <= 0) throw badInput('AMOUNT_INVALID', `${what} must be a positive integer number of fen, got ${fen}`);
}

function description(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') throw badInput('DESCRIPTION_MISSING', 'description is required');
  return Array.from(trimmed).slice(0, DESCRIPTION_MAX).join('');
}

const escape = encodeURIComponent;

export class WechatPayClient implements PaymentProvider {
  readonly name = 'wechat' as const;
  readonly merchantId: string;
  private readonly transport: WechatTransport;
  private readonly now: () => number;

  constructor(
    private readonly config: ResolvedWechatPayConfig,
    deps: WechatPayClientDeps = {},
  ) {
    this.merchantId = config.mchid;
    this.now = deps.now ?? Date.now;
    const transportDeps: TransportDeps = {
      fetch: deps.fetch ?? ((input, init) => fetch(input, init)),
      now: this.now,
      nonce: deps.nonce ?? randomNonce,
    };
    this.transport = new WechatTransport(config, transportDeps);
  }

  /** The configured host, for diagnostics. */
  get baseUrl(): string {
    return this.config.baseUrl;
  }

  async createMerchantQr(input: CreateQrInput): Promise<CreateQrResult> {
    checkOutTradeNo(input.outTradeNo);
    checkAmount(input.amountFen, 'amountFen');
    const notifyUrl = input.notifyUrl ?? this.config.notifyUrl;
    if (!notifyUrl) throw badInput('NOTIFY_URL_MISSING', 'Native orders need a notify_url (set notifyUrl in the WeChat Pay config)');
    if (Number.isNaN(input.expiresAt.getTime())) throw badInput('EXPIRES_AT_INVALID', 'expiresAt is not a valid date');
    const body = {
      appid: this.config.appid,
      mchid: this.config.mchid,
      description: description(input.description),
      out_trade_no: input.outTradeNo,
      time_expire: toRfc3339Beijing(input.expiresAt),
      notify_url: notifyUrl,
      amount: { total: input.amountFen, currency: 'CNY' },
      ...(input.clientIp
        ? {
            scene_info: {
              payer_client_ip: input.clientIp,
              device_id: input.terminalId,
              store_info: input.storeId ? { id: input.storeId } : undefined,
            },
          }
        : {}),
    };
    const response = await this.transport.request({ method: 'POST', pathAndQuery: '/v3/pay/transactions/native', body, verifyResponse: true, operation: 'native create' });
    if (response.status === 200) {
      const { code_url } = parseWire(z.object({ code_url: z.string().startsWith('weixin://') }), response.text, 'native create');
      return { codeUrl: code_url };
    }
    throw this.failure(response, 'native create');
  }

  async payWithCustomerCode(input: PayWithCodeInput): Promise<PayWithCodeResult> {
    checkOutTradeNo(input.outTradeNo);
    checkAmount(input.amountFen, 'amountFen');
    if (!/^\d{10,32}$/.test(input.authCode)) return { outcome: 'failed', code: 'AUTH_CODE_INVALID', message: 'not a payment code' };
    const body = {
      appid: this.config.appid,
      mchid: this.config.mchid,
      description: description(input.description),
      out_trade_no: input.outTradeNo,
      payer: { auth_code: input.authCode },
      amount: { total: input.amountFen, currency: 'CNY' },
      scene_info: {
        device_id: input.terminalId,
        device_ip: input.deviceIp,
        store_info: input.storeId ? { out_id: input.storeId } : undefined,
      },
    };
    let response: WechatResponse;
    try {
      response = await this.transport.request({ method: 'POST', pathAndQuery: '/v3/pay/transactions/codepay', body, verifyResponse: true, operation: 'codepay' });
    } catch (error) {
      // The request may have reached WeChat and the customer may be paying: query, never fail.
      if (error instanceof ProviderError && error.kind === 'unknown') return { outcome: 'pending', reason: error.code };
      throw error;
    }
    if (response.status === 200) {
      const wire = parseWire(transactionSchema, response.text, 'codepay');
      const trade = this.checkTrade(wire, input.outTradeNo, input.amountFen);
      if (trade.status === 'success') return { outcome: 'success', trade };
      if (trade.status === 'failed' || trade.status === 'closed' || trade.status === 'reversed') {
        return { outcome: 'failed', code: trade.providerState, message: trade.description ?? trade.providerState };
      }
      return { outcome: 'pending', reason: trade.providerState, trade };
    }
    const envelope = parseErrorEnvelope(response.status, response.text);
    // §3.1: 202, 5xx, 429, SYSTEM_ERROR, BANK_ERROR, USERPAYING (and ORDERPAID) → query loop.
    if (classifyFailure(response.status, envelope.code) === 'unknown' || response.status < 300) {
      return { outcome: 'pending', reason: envelope.code };
    }
    if (response.status === 401 || CODEPAY_CONFIG_CODES.has(envelope.code)) throw failureError(response.status, envelope, 'codepay');
    return { outcome: 'failed', code: envelope.code, message: envelope.message };
  }

  /**
   * Trade state by out_trade_no. 404 is `not_found` (not yet visible, or never created). Pass
   * `expected.amountFen` to have a success checked against the amount we asked for.
   */
  async query(outTradeNo: string, expected: { amountFen?: number } = {}): Promise<TradeInfo> {
    checkOutTradeNo(outTradeNo);
    const response = await this.transport.request({
      method: 'GET',
      pathAndQuery: `/v3/pay/transactions/out-trade-no/${escape(outTradeNo)}?mchid=${escape(this.config.mchid)}`,
      verifyResponse: true,
      operation: 'query',
    });
    if (response.status === 200) return this.checkTrade(parseWire(transactionSchema, response.text, 'query'), outTradeNo, expected.amountFen);
    if (response.status === 404) {
      const envelope = parseErrorEnvelope(response.status, response.text);
      return { status: 'not_found', providerState: envelope.code, outTradeNo, description: envelope.message };
    }
    throw this.failure(response, 'query');
  }

  async close(outTradeNo: string): Promise<CloseResult> {
    checkOutTradeNo(outTradeNo);
    const response = await this.transport.request({
      method: 'POST',
      pathAndQuery: `/v3/pay/transactions/out-trade-no/${escape(outTradeNo)}/close`,
      body: { mchid: this.config.mchid },
      verifyResponse: true,
      operation: 'close',
    });
    if (response.status === 204 || response.status === 200) return { outcome: 'closed' };
    const envelope = parseErrorEnvelope(response.status, response.text);
    // v2 answered ORDERPAID for closing a paid order; v3's code is unconfirmed (§10.1), so accept both spellings.
    if (envelope.code === 'ORDERPAID' || envelope.code === 'ORDER_PAID' || envelope.code === 'TRADE_STATE_ERROR') return { outcome: 'already_paid' };
    if (response.status === 404) return { outcome: 'not_found' };
    throw failureError(response.status, envelope, 'close');
  }

  async reverse(outTradeNo: string): Promise<ReverseResult> {
    checkOutTradeNo(outTradeNo);
    const response = await this.transport.request({
      method: 'POST',
      pathAndQuery: `/v3/pay/transactions/out-trade-no/${escape(outTradeNo)}/reverse`,
      body: { appid: this.config.appid, mchid: this.config.mchid },
      verifyResponse: true,
      operation: 'reverse',
    });
    if (response.status === 200) {
      const answer = parseWire(z.object({ out_trade_no: z.string().optional(), mchid: z.string().optional(), recall: z.string().optional() }), response.text, 'reverse');
      if (answer.out_trade_no !== undefined && answer.out_trade_no !== outTradeNo) {
        throw new ProviderError('verification', 'OUT_TRADE_NO_MISMATCH', `reverse answered for ${answer.out_trade_no}, asked ${outTradeNo}`);
      }
      return { retry: answer.recall === 'Y' };
    }
    // "Accepted, not processed" and "customer is still paying, cannot reverse now" both mean: call again.
    if (response.status === 202) return { retry: true };
    const envelope = parseErrorEnvelope(response.status, response.text);
    if (envelope.code === 'USERPAYING' || envelope.code === 'USER_PAYING') return { retry: true };
    throw failureError(response.status, envelope, 'reverse');
  }

  async refund(input: RefundInput): Promise<RefundInfo> {
    checkOutTradeNo(input.outTradeNo);
    if (!OUT_REFUND_NO.test(input.outRefundNo)) throw badInput('OUT_REFUND_NO_INVALID', `out_refund_no must be 1–64 of [0-9A-Za-z_-*|@]: ${input.outRefundNo}`);
    checkAmount(input.refundFen, 'refundFen');
    checkAmount(input.totalFen, 'totalFen');
    if (input.refundFen > input.totalFen) throw badInput('AMOUNT_INVALID', `refund ${input.refundFen} exceeds the order total ${input.totalFen}`);
    const notifyUrl = input.notifyUrl ?? this.config.notifyUrl;
    const body = {
      out_trade_no: input.outTradeNo,
      out_refund_no: input.outRefundNo,
      reason: input.reason,
      notify_url: notifyUrl,
      amount: { refund: input.refundFen, total: input.totalFen, currency: 'CNY' },
    };
    const response = await this.transport.request({ method: 'POST', pathAndQuery: '/v3/refund/domestic/refunds', body, verifyResponse: true, operation: 'refund' });
    if (response.status === 200) return this.checkRefund(parseWire(refundSchema, response.text, 'refund'), input.outTradeNo, input.outRefundNo);
    // 429 on refund: the refund may or may not exist (§2.6) — classifyFailure makes it unknown.
    throw this.failure(response, 'refund');
  }

  async queryRefund(outTradeNo: string, outRefundNo: string): Promise<RefundInfo> {
    if (!OUT_REFUND_NO.test(outRefundNo)) throw badInput('OUT_REFUND_NO_INVALID', `out_refund_no must be 1–64 of [0-9A-Za-z_-*|@]: ${outRefundNo}`);
    const response = await this.transport.request({
      method: 'GET',
      pathAndQuery: `/v3/refund/domestic/refunds/${escape(outRefundNo)}`,
      verifyResponse: true,
      operation: 'refund query',
    });
    if (response.status === 200) return this.checkRefund(parseWire(refundSchema, response.text, 'refund query'), outTradeNo, outRefundNo);
    if (response.status === 404) return { status: 'not_found', outRefundNo, providerState: parseErrorEnvelope(404, response.text).code };
    throw this.failure(response, 'refund query');
  }

  /** The ALL trade bill of a Beijing date; NO_STATEMENT_EXIST is an empty day, not an error. */
  async downloadTradeBill(billDate: string): Promise<WechatTradeBill> {
    if (!BILL_DATE.test(billDate)) throw badInput('BILL_DATE_INVALID', `bill date must be YYYY-MM-DD, got ${billDate}`);
    const response = await this.transport.request({
      method: 'GET',
      pathAndQuery: `/v3/bill/tradebill?bill_date=${billDate}&bill_type=ALL&tar_type=GZIP`,
      verifyResponse: true,
      operation: 'trade bill',
    });
    if (response.status !== 200) {
      const envelope = parseErrorEnvelope(response.status, response.text);
      if (envelope.code === 'NO_STATEMENT_EXIST') return { provider: 'wechat', billDate, rows: [], empty: true };
      throw failureError(response.status, envelope, 'trade bill');
    }
    const bill = parseWire(tradeBillResponseSchema, response.text, 'trade bill');
    const download = await this.transport.request({
      method: 'GET',
      pathAndQuery: this.downloadPath(bill.download_url),
      verifyResponse: false, // bill files are not signed; the SHA1 from the signed answer protects them
      operation: 'bill download',
    });
    if (download.status !== 200) throw this.failure(download, 'bill download');
    const parsed = parseWechatTradeBill(openBillFile(download.body, bill.hash_type, bill.hash_value));
    return { provider: 'wechat', billDate, rows: parsed.rows, empty: false, ...(parsed.summary ? { summary: parsed.summary } : {}) };
  }

  async verifyNotification(incoming: IncomingNotification): Promise<ProviderNotification> {
    return readWechatNotification(incoming, {
      keys: this.config.verificationKeys,
      apiV3Key: this.config.apiV3Key,
      nowSeconds: Math.floor(this.now() / 1000),
      mchid: this.config.mchid,
      appid: this.config.appid,
    });
  }

  /**
   * We only ever send our signed requests to the configured host: the download URL's path and query are
   * kept (they are what gets signed) and its host is replaced by ours.
   */
  private downloadPath(downloadUrl: string): string {
    let url: URL;
    try {
      url = new URL(downloadUrl);
    } catch {
      throw new ProviderError('verification', 'MALFORMED_RESPONSE', `bill download_url is not a URL: ${downloadUrl}`);
    }
    if (!url.pathname.startsWith('/v3/billdownload/')) {
      throw new ProviderError('verification', 'MALFORMED_RESPONSE', `unexpected bill download path ${url.pathname}`);
    }
    return `${url.pathname}${url.search}`;
  }

  /** Checks that a trade answer is about our merchant and our order, and (for a success) our amount. */
  private checkTrade(wire: WireTransaction, outTradeNo: string, expectedFen: number | undefined): TradeInfo {
    const trade = toTradeInfo(wire, outTradeNo);
    if (wire.out_trade_no !== undefined && wire.out_trade_no !== outTradeNo) {
      throw new ProviderError('verification', 'OUT_TRADE_NO_MISMATCH', `answer is for ${wire.out_trade_no}, asked ${outTradeNo}`);
    }
    const paid = trade.status === 'success';
    if ((paid || wire.mchid !== undefined) && wire.mchid !== this.config.mchid) {
      throw new ProviderError('verification', 'MERCHANT_MISMATCH', `answer is for mchid ${wire.mchid ?? '(none)'}, we are ${this.config.mchid}`);
    }
    if (wire.appid !== undefined && wire.appid !== this.config.appid) {
      throw new ProviderError('verification', 'APPID_MISMATCH', `answer is for appid ${wire.appid}, we are ${this.config.appid}`);
    }
    if (paid && (trade.totalFen === undefined || (expectedFen !== undefined && trade.totalFen !== expectedFen))) {
      throw new ProviderError('verification', 'AMOUNT_MISMATCH', `paid ${trade.totalFen ?? '(none)'} fen, expected ${expectedFen ?? '(an amount)'}`, {
        paidFen: trade.totalFen,
        expectedFen,
      });
    }
    return trade;
  }

  private checkRefund(wire: z.infer<typeof refundSchema>, outTradeNo: string, outRefundNo: string): RefundInfo {
    if (wire.out_refund_no !== outRefundNo) {
      throw new ProviderError('verification', 'OUT_REFUND_NO_MISMATCH', `answer is for refund ${wire.out_refund_no}, asked ${outRefundNo}`);
    }
    if (wire.out_trade_no !== undefined && wire.out_trade_no !== outTradeNo) {
      throw new ProviderError('verification', 'OUT_TRADE_NO_MISMATCH', `refund ${outRefundNo} belongs to ${wire.out_trade_no}, not ${outTradeNo}`);
    }
    return toRefundInfo(wire);
  }

  private failure(response: WechatResponse, operation: string): ProviderError {
    if (response.status >= 200 && response.status < 300) {
      // An unexpected success status (e.g. 202 "accepted, not processed"): the request may apply later.
      return new ProviderError('unknown', response.status === 202 ? 'ACCEPTED' : `HTTP_${response.status}`, `${operation}: unexpected HTTP ${response.status}`);
    }
    return failureError(response.status, parseErrorEnvelope(response.status, response.text), operation);
  }
}

export interface CreateWechatPayClientOptions extends WechatPayClientDeps, ConfigSources {}

/** Validates raw settings (throws ProviderError('config')) and returns a ready client. */
export function createWechatPayClient(rawConfig: unknown, options: CreateWechatPayClientOptions = {}): WechatPayClient {
  const { env, readFile, ...deps } = options;
  return new WechatPayClient(resolveWechatPayConfig(rawConfig, { ...(env ? { env } : {}), ...(readFile ? { readFile } : {}) }), deps);
}
