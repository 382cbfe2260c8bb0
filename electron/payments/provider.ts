/**
 * The one interface every payment provider client implements (WeChat Pay v3, Alipay OpenAPI).
 *
 * The payment-attempt logic (electron/payments/attempts) speaks only this interface, so it never
 * learns a provider's wire format. Every method either resolves with a classified outcome or
 * rejects with ProviderError. Amounts are integer fen everywhere on this side of the interface:
 * the Alipay client converts to and from yuan strings without floating point.
 *
 * Classification rule (payment-protocols.md §0): anything that is not a clear success or a clear
 * failure is `unknown`, and the caller resolves it by query, never by guessing.
 */

export type ProviderName = 'wechat' | 'alipay';

/** The provider-neutral view of a trade's state. */
export type TradeStatus =
  | 'not_found' // the provider has no such trade (yet): WeChat 404 ORDER_NOT_EXIST, Alipay ACQ.TRADE_NOT_EXIST
  | 'waiting' // created, not paid: WeChat NOTPAY, Alipay WAIT_BUYER_PAY
  | 'user_paying' // customer is entering the password: WeChat USERPAYING, Alipay 10003
  | 'success' // money taken: WeChat SUCCESS/REFUND, Alipay TRADE_SUCCESS/TRADE_FINISHED
  | 'closed' // terminal, never paid (or paid and fully refunded, see refundedFen): CLOSED/TRADE_CLOSED
  | 'reversed' // WeChat REVOKED
  | 'failed'; // WeChat PAYERROR

export interface TradeInfo {
  status: TradeStatus;
  /** The raw provider state string (NOTPAY, TRADE_SUCCESS …), kept for the record. */
  providerState: string;
  outTradeNo: string;
  /** transaction_id (WeChat) / trade_no (Alipay), once known. */
  providerTradeNo?: string;
  /** Order total as the provider knows it, in fen. Checked against ours on every success. */
  totalFen?: number;
  /** Merchant id (WeChat mchid) or app id (Alipay app_id) the provider reported. */
  merchantId?: string;
  /** ISO-8601 time the provider says the payment succeeded. */
  paidAt?: string;
  /** Alipay: TRADE_CLOSED after a full refund still has a receipt amount. */
  refundedFen?: number;
  /** Human text from the provider (trade_state_desc, sub_msg). */
  description?: string;
}

export interface CreateQrInput {
  outTradeNo: string;
  amountFen: number;
  description: string;
  /** The last moment the customer may pay; the provider's own expiry. */
  expiresAt: Date;
  notifyUrl?: string;
  storeId?: string;
  terminalId?: string;
  clientIp?: string;
}

export interface CreateQrResult {
  /** weixin://wxpay/bizpayurl?pr=… or https://qr.alipay.com/… */
  codeUrl: string;
}

export interface PayWithCodeInput {
  outTradeNo: string;
  amountFen: number;
  description: string;
  authCode: string;
  storeId?: string;
  terminalId?: string;
  deviceIp?: string;
}

/** Outcome of a customer-code pay call. `pending` covers USERPAYING, 10003, 202, 5xx, timeouts. */
export type PayWithCodeResult =
  | { outcome: 'success'; trade: TradeInfo }
  | { outcome: 'pending'; reason: string; trade?: TradeInfo }
  | { outcome: 'failed'; code: string; message: string };

export type CloseResult =
  | { outcome: 'closed' }
  /** Alipay precreate never scanned: nothing to close, the QR may still be scanned until it expires. */
  | { outcome: 'not_found' }
  /** The trade is already paid: query and keep or refund. */
  | { outcome: 'already_paid' };

export interface ReverseResult {
  /** Provider asked to call reverse/cancel again (WeChat recall=Y, Alipay retry_flag=Y). */
  retry: boolean;
  /** Alipay cancel action: 'close' (was unpaid) or 'refund' (had been paid, money returned). */
  action?: 'close' | 'refund' | string;
}

export interface RefundInput {
  outTradeNo: string;
  outRefundNo: string;
  refundFen: number;
  totalFen: number;
  reason?: string;
  notifyUrl?: string;
}

export type RefundStatus = 'processing' | 'success' | 'closed' | 'abnormal' | 'not_found';

export interface RefundInfo {
  status: RefundStatus;
  outRefundNo: string;
  providerRefundId?: string;
  refundFen?: number;
  providerState?: string;
  succeededAt?: string;
}

/** A verified, decrypted provider notification. */
export type ProviderNotification =
  | { kind: 'payment'; provider: ProviderName; eventId: string; trade: TradeInfo }
  | { kind: 'refund'; provider: ProviderName; eventId: string; outTradeNo: string; refund: RefundInfo };

export interface IncomingNotification {
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /** The raw body exactly as received (never re-serialised). */
  rawBody: string;
}

/** One row of a provider's trade bill, amounts already in fen. */
export interface BillRow {
  provider: ProviderName;
  kind: 'payment' | 'refund';
  tradeTime: string;
  providerTradeNo: string;
  outTradeNo: string;
  /** For payments: order amount; for refunds: refund amount (positive). */
  amountFen: number;
  outRefundNo?: string;
  providerRefundId?: string;
  status: string;
  feeFen?: number;
}

export interface TradeBill {
  provider: ProviderName;
  billDate: string; // YYYY-MM-DD
  rows: BillRow[];
  /** The provider said there was no activity that day (WeChat NO_STATEMENT_EXIST). */
  empty: boolean;
}

export type ProviderErrorKind =
  /** Outcome unknown: timeout, network, 5xx, 202, 429, SYSTEM_ERROR, 20000. Query before anything else. */
  | 'unknown'
  /** The provider clearly refused; nothing happened. */
  | 'rejected'
  /** Our configuration or a bug: bad signature, missing parameter, wrong app id. */
  | 'config'
  /** The provider's answer failed verification (bad signature, amount/merchant mismatch). Treat as unknown. */
  | 'verification';

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export interface PaymentProvider {
  readonly name: ProviderName;
  /** The merchant identity this client is configured for (mchid / app_id), checked on every success. */
  readonly merchantId: string;

  createMerchantQr(input: CreateQrInput): Promise<CreateQrResult>;
  payWithCustomerCode(input: PayWithCodeInput): Promise<PayWithCodeResult>;
  query(outTradeNo: string): Promise<TradeInfo>;
  close(outTradeNo: string): Promise<CloseResult>;
  /** WeChat codepay reverse / Alipay trade.cancel. */
  reverse(outTradeNo: string): Promise<ReverseResult>;
  refund(input: RefundInput): Promise<RefundInfo>;
  queryRefund(outTradeNo: string, outRefundNo: string): Promise<RefundInfo>;
  downloadTradeBill(billDate: string): Promise<TradeBill>;
  /** Verify (and decrypt) a notification; rejects with ProviderError('verification') if forged. */
  verifyNotification(incoming: IncomingNotification): Promise<ProviderNotification>;
}
