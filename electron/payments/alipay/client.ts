/**
 * The Alipay face-to-face (当面付) client behind PaymentProvider: merchant QR (trade.precreate),
 * customer code (trade.pay, scene=bar_code), query, close, cancel, refund, refund query, trade
 * bill and notification verification. Wire format, signatures and verification live in
 * gateway.ts / notification.ts; this file decides what each answer means (payment-protocols.md
 * §4.1, §5) and converts fen ↔ yuan exactly.
 *
 * Classification: 10000 success · 10003 user paying · 20000, ACQ.SYSTEM_ERROR, timeouts, network
 * and HTTP errors unknown · 40001/40002/40006 configuration · 40004 business refusals per method.
 */
import {
  ProviderError,
  type CloseResult,
  type CreateQrInput,
  type CreateQrResult,
  type IncomingNotification,
  type PaymentProvider,
  type PayWithCodeInput,
  type PayWithCodeResult,
  type ProviderNotification,
  type RefundInfo,
  type RefundInput,
  type ReverseResult,
  type TradeBill,
  type TradeInfo,
} from '../provider';
import { alipayTimeToIso } from './beijingTime';
import { downloadBillArchive, parseAlipayBillZip } from './bill';
import { loadAlipayConfig, timeoutExpressMinutes, type AlipayConfig, type AlipayConfigInput, type LoadConfigOptions } from './config';
import { AlipayGateway, replyError, type GatewayReply } from './gateway';
import { verifyAlipayNotification } from './notification';
import { amountField, requireSameTrade, stringField, tradeInfoFrom } from './trade';
import { requestAmountYuan } from './yuan';

export const ALIPAY_METHODS = {
  precreate: 'alipay.trade.precreate',
  pay: 'alipay.trade.pay',
  query: 'alipay.trade.query',
  close: 'alipay.trade.close',
  cancel: 'alipay.trade.cancel',
  refund: 'alipay.trade.refund',
  refundQuery: 'alipay.trade.fastpay.refund.query',
  billUrl: 'alipay.data.dataservice.bill.downloadurl.query',
} as const;

const SUCCESS = '10000';
const USER_PAYING = '10003';
const TRADE_NOT_EXIST = 'ACQ.TRADE_NOT_EXIST';

export interface AlipayClientDeps {
  /** Wall clock for request timestamps and QR lifetimes. */
  clock?: () => Date;
  /** For the bill download (tests may stub it). */
  fetchImpl?: typeof fetch;
}

function badRequest(message: string): ProviderError {
  return new ProviderError('config', 'INVALID_REQUEST', message);
}

// Alipay: ≤64 chars of letters, digits and underscore; '-' is accepted in practice (§9 #7).
const ORDER_NUMBER = /^[A-Za-z0-9_-]{1,64}$/;

function checkOrderNumber(value: string, what: string): void {
  if (!ORDER_NUMBER.test(value)) throw badRequest(`${what} must be 1–64 letters, digits, '_' or '-': ${JSON.stringify(value)}`);
}

function amountYuan(fen: number, what: string): string {
  try {
    return requestAmountYuan(fen);
  } catch {
    throw badRequest(`${what} must be an integer number of fen between 1 and 10000000000, got ${fen}`);
  }
}

function subjectOf(description: string): string {
  const subject = description.trim();
  if (subject === '') throw badRequest('description (Alipay subject) must not be empty');
  return [...subject].slice(0, 256).join('');
}

export class AlipayClient implements PaymentProvider {
  readonly name = 'alipay' as const;
  readonly merchantId: string;
  private readonly gateway: AlipayGateway;
  private readonly clock: () => Date;
  private readonly fetchImpl: typeof fetch | undefined;

  constructor(
    // Private: it holds the app private key, and a client object may well end up in a log line.
    private readonly config: AlipayConfig,
    deps: AlipayClientDeps = {},
  ) {
    this.merchantId = config.appId;
    this.clock = deps.clock ?? (() => new Date());
    this.fetchImpl = deps.fetchImpl;
    this.gateway = new AlipayGateway(config, this.clock);
  }

  /** Merchant QR. The QR lives until `expiresAt`, capped by the configured qrTimeoutExpress. */
  async createMerchantQr(input: CreateQrInput): Promise<CreateQrResult> {
    checkOrderNumber(input.outTradeNo, 'outTradeNo');
    // timeout_express is relative, so a skewed till clock cannot shorten or stretch it much.
    const msLeft = input.expiresAt.getTime() - this.clock().getTime();
    if (!(msLeft > 0)) throw badRequest('expiresAt must be in the future');
    const minutesLeft = Math.ceil(msLeft / 60_000);
    const minutes = Math.max(1, Math.min(minutesLeft, timeoutExpressMinutes(this.config.qrTimeoutExpress)));
    const reply = await this.gateway.call(
      ALIPAY_METHODS.precreate,
      {
        out_trade_no: input.outTradeNo,
        total_amount: amountYuan(input.amountFen, 'amountFen'),
        subject: subjectOf(input.description),
        timeout_express: `${minutes}m`,
        store_id: input.storeId,
        terminal_id: input.terminalId,
      },
      { notifyUrl: input.notifyUrl ?? this.config.notifyUrl },
    );
    if (reply.code === SUCCESS) {
      requireSameTrade(reply.body, input.outTradeNo, reply.method);
      const qrCode = stringField(reply.body, 'qr_code');
      if (!qrCode) throw new ProviderError('verification', 'MISSING_QR_CODE', 'Alipay precreate succeeded without qr_code');
      return { codeUrl: qrCode };
    }
    if (reply.subCode === 'ACQ.TRADE_HAS_SUCCESS') {
      // Already paid under this number: the caller's query will show it.
      throw new ProviderError('unknown', reply.subCode, 'Alipay says this out_trade_no is already paid; query it', { method: reply.method });
    }
    throw replyError(reply);
  }

  /** Customer code. Anything that is not a clear success or refusal is `pending` (query, then cancel). */
  async payWithCustomerCode(input: PayWithCodeInput): Promise<PayWithCodeResult> {
    checkOrderNumber(input.outTradeNo, 'outTradeNo');
    const totalAmount = amountYuan(input.amountFen, 'amountFen');
    if (!/^[0-9]{10,32}$/.test(input.authCode)) throw badRequest('authCode must be the digits scanned from the customer');
    let reply: GatewayReply;
    try {
      reply = await this.gateway.call(
        ALIPAY_METHODS.pay,
        {
          out_trade_no: input.outTradeNo,
          scene: 'bar_code',
          auth_code: input.authCode,
          product_code: 'FACE_TO_FACE_PAYMENT',
          subject: subjectOf(input.description),
          total_amount: totalAmount,
          store_id: input.storeId,
          terminal_id: input.terminalId,
        },
        { notifyUrl: this.config.notifyUrl },
      );
    } catch (error) {
      // Timeout, network, HTTP error: the customer may well have paid.
      if (error instanceof ProviderError && error.kind === 'unknown') return { outcome: 'pending', reason: error.code };
      throw error;
    }

    if (reply.code === SUCCESS) {
      requireSameTrade(reply.body, input.outTradeNo, reply.method);
      const trade = tradeInfoFrom(reply.body, input.outTradeNo, 'TRADE_SUCCESS');
      if (trade.totalFen !== input.amountFen) {
        throw new ProviderError('verification', 'AMOUNT_MISMATCH', `Alipay charged ${trade.totalFen ?? '(none)'} fen, asked ${input.amountFen}`, {
          outTradeNo: input.outTradeNo,
        });
      }
      return { outcome: 'success', trade };
    }
    if (reply.code === USER_PAYING) {
      // Customer confirming on the phone — or, without sub_code, a repeat of a submission in progress.
      const trade: TradeInfo = { status: 'user_paying', providerState: 'WAIT_BUYER_PAY', outTradeNo: input.outTradeNo };
      const tradeNo = stringField(reply.body, 'trade_no');
      if (tradeNo) trade.providerTradeNo = tradeNo;
      return { outcome: 'pending', reason: reply.subCode ?? USER_PAYING, trade };
    }
    if (reply.subCode === 'ACQ.TRADE_HAS_SUCCESS') return { outcome: 'pending', reason: reply.subCode };
    const error = replyError(reply);
    if (error.kind === 'unknown') return { outcome: 'pending', reason: error.code };
    if (error.kind === 'rejected') return { outcome: 'failed', code: error.code, message: reply.subMsg ?? reply.msg };
    throw error;
  }

  async query(outTradeNo: string): Promise<TradeInfo> {
    checkOrderNumber(outTradeNo, 'outTradeNo');
    const reply = await this.gateway.call(ALIPAY_METHODS.query, { out_trade_no: outTradeNo });
    if (reply.code === SUCCESS) {
      requireSameTrade(reply.body, outTradeNo, reply.method);
      const tradeStatus = stringField(reply.body, 'trade_status');
      if (!tradeStatus) throw new ProviderError('verification', 'MISSING_TRADE_STATUS', 'Alipay query succeeded without trade_status');
      return tradeInfoFrom(reply.body, outTradeNo, tradeStatus);
    }
    // Normal for a precreate nobody has scanned yet (§5.3).
    if (reply.subCode === TRADE_NOT_EXIST) return { status: 'not_found', providerState: 'TRADE_NOT_EXIST', outTradeNo };
    throw replyError(reply);
  }

  async close(outTradeNo: string): Promise<CloseResult> {
    checkOrderNumber(outTradeNo, 'outTradeNo');
    const reply = await this.gateway.call(ALIPAY_METHODS.close, { out_trade_no: outTradeNo });
    if (reply.code === SUCCESS) {
      requireSameTrade(reply.body, outTradeNo, reply.method);
      return { outcome: 'closed' };
    }
    // Unscanned precreate: nothing to close, yet the QR stays payable until timeout_express.
    if (reply.subCode === TRADE_NOT_EXIST) return { outcome: 'not_found' };
    if (reply.subCode === 'ACQ.TRADE_STATUS_ERROR' || reply.subCode === 'ACQ.TRADE_HAS_SUCCESS') {
      // "Wrong state" usually means paid; only a query can say which.
      const trade = await this.query(outTradeNo);
      if (trade.status === 'success') return { outcome: 'already_paid' };
      if (trade.status === 'closed') return { outcome: 'closed' };
      throw new ProviderError('unknown', reply.subCode, `Alipay refused to close a ${trade.providerState} trade`, { outTradeNo });
    }
    throw replyError(reply);
  }

  /** alipay.trade.cancel: closes an unpaid trade, refunds a paid one; call again while retry is true. */
  async reverse(outTradeNo: string): Promise<ReverseResult> {
    checkOrderNumber(outTradeNo, 'outTradeNo');
    const reply = await this.gateway.call(ALIPAY_METHODS.cancel, { out_trade_no: outTradeNo });
    const action = stringField(reply.body, 'action');
    if (stringField(reply.body, 'retry_flag') === 'Y') return { retry: true, ...(action ? { action } : {}) };
    if (reply.code === SUCCESS) {
      requireSameTrade(reply.body, outTradeNo, reply.method);
      return { retry: false, ...(action ? { action } : {}) };
    }
    if (reply.subCode === TRADE_NOT_EXIST) return { retry: false, action: 'not_found' };
    throw replyError(reply);
  }

  /** Explicit out_request_no; replaying the same request is idempotent (fund_change=N). */
  async refund(input: RefundInput): Promise<RefundInfo> {
    checkOrderNumber(input.outTradeNo, 'outTradeNo');
    if (input.outRefundNo.length < 1 || input.outRefundNo.length > 64) throw badRequest('outRefundNo must be 1–64 characters');
    if (!Number.isSafeInteger(input.refundFen) || input.refundFen < 1 || input.refundFen > input.totalFen) {
      throw badRequest(`refundFen must be an integer between 1 and totalFen (${input.totalFen}), got ${input.refundFen}`);
    }
    // Alipay sends refund notifications to the trade's notify_url; a refund request has none.
    const reply = await this.gateway.call(ALIPAY_METHODS.refund, {
      out_trade_no: input.outTradeNo,
      refund_amount: amountYuan(input.refundFen, 'refundFen'),
      out_request_no: input.outRefundNo,
      refund_reason: input.reason,
    });
    if (reply.code !== SUCCESS) throw replyError(reply);
    requireSameTrade(reply.body, input.outTradeNo, reply.method);
    // refund_fee is the cumulative refunded amount of the trade; it can never be below this refund.
    const cumulative = amountField(reply.body, 'refund_fee');
    if (cumulative !== undefined && cumulative < input.refundFen) {
      throw new ProviderError('verification', 'AMOUNT_MISMATCH', `Alipay refund_fee ${cumulative} fen is below the refund of ${input.refundFen}`);
    }
    // fund_change Y: money moved now; N: this out_request_no had already been refunded. Both: refunded.
    const fundChange = stringField(reply.body, 'fund_change') ?? '';
    const info: RefundInfo = {
      status: 'success',
      outRefundNo: input.outRefundNo,
      refundFen: input.refundFen,
      providerState: `fund_change=${fundChange}`,
    };
    const at = alipayTimeToIso(reply.body.gmt_refund_pay);
    if (at) info.succeededAt = at;
    return info;
  }

  /** Data returned = refunded (refund_status empty or REFUND_SUCCESS); nothing returned = not refunded (§5.6). */
  async queryRefund(outTradeNo: string, outRefundNo: string): Promise<RefundInfo> {
    checkOrderNumber(outTradeNo, 'outTradeNo');
    const reply = await this.gateway.call(ALIPAY_METHODS.refundQuery, {
      out_trade_no: outTradeNo,
      out_request_no: outRefundNo,
      query_options: ['gmt_refund_pay'],
    });
    if (reply.subCode === TRADE_NOT_EXIST) return { status: 'not_found', outRefundNo };
    if (reply.code !== SUCCESS) throw replyError(reply);
    const refundFen = amountField(reply.body, 'refund_amount');
    const reportedNo = stringField(reply.body, 'out_request_no');
    if (refundFen === undefined || reportedNo === undefined) return { status: 'not_found', outRefundNo };
    requireSameTrade(reply.body, outTradeNo, reply.method);
    if (reportedNo !== outRefundNo) {
      throw new ProviderError('verification', 'OUT_REQUEST_NO_MISMATCH', `Alipay answered for refund ${reportedNo}, asked ${outRefundNo}`);
    }
    const refundStatus = stringField(reply.body, 'refund_status');
    const info: RefundInfo = {
      status: refundStatus === undefined || refundStatus === 'REFUND_SUCCESS' ? 'success' : 'processing',
      outRefundNo,
      refundFen,
      providerState: refundStatus ?? 'REFUND_SUCCESS',
    };
    const at = alipayTimeToIso(reply.body.gmt_refund_pay);
    if (at) info.succeededAt = at;
    return info;
  }

  /** The short-lived (~30 s) download URL of a day's trade bill, or undefined when Alipay has none. */
  async tradeBillUrl(billDate: string): Promise<string | undefined> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(billDate)) throw badRequest(`billDate must be YYYY-MM-DD, got ${billDate}`);
    const reply = await this.gateway.call(ALIPAY_METHODS.billUrl, { bill_type: 'trade', bill_date: billDate });
    // No bill for that day. Reconciliation runs after 10:30 the next day (§8), so read it as "no trades".
    if (reply.subCode === 'isp.bill_not_exist') return undefined;
    if (reply.code !== SUCCESS) throw replyError(reply);
    const url = stringField(reply.body, 'bill_download_url');
    if (!url) throw new ProviderError('verification', 'MISSING_BILL_URL', 'Alipay bill query succeeded without bill_download_url');
    return url;
  }

  async downloadTradeBill(billDate: string): Promise<TradeBill> {
    const url = await this.tradeBillUrl(billDate);
    if (url === undefined) return { provider: 'alipay', billDate, rows: [], empty: true };
    const archive = await downloadBillArchive(url, { timeoutMs: this.config.timeoutMs, ...(this.fetchImpl ? { fetchImpl: this.fetchImpl } : {}) });
    const rows = parseAlipayBillZip(archive);
    return { provider: 'alipay', billDate, rows, empty: rows.length === 0 };
  }

  async verifyNotification(incoming: IncomingNotification): Promise<ProviderNotification> {
    return verifyAlipayNotification(this.gateway.sdk, this.config, incoming);
  }
}

/** Validates the raw settings (keys as PEM, base64 or paths) and builds a client. */
export function createAlipayClient(input: AlipayConfigInput, options: LoadConfigOptions & AlipayClientDeps = {}): AlipayClient {
  const { clock, fetchImpl, ...loadOptions } = options;
  return new AlipayClient(loadAlipayConfig(input, loadOptions), { ...(clock ? { clock } : {}), ...(fetchImpl ? { fetchImpl } : {}) });
}
