/** What both providers' notifications become once verified, decrypted and checked. */
export interface NormalisedNotification {
  provider: 'wechat' | 'alipay';
  /** WeChat event id / Alipay notify_id (the same across the provider's resends). */
  providerEventId: string;
  kind: 'payment' | 'refund';
  outTradeNo: string;
  outRefundNo: string | null;
  /** The provider's state string: SUCCESS, TRADE_SUCCESS, REFUND status … */
  claimedState: string;
  /** transaction_id / trade_no. */
  providerTradeNo: string | null;
  /** The trade's total in fen. */
  totalFen: number;
  /** WeChat refunds: this refund's amount. Alipay's refund_fee is cumulative, so null there. */
  refundFen: number | null;
  /** Decrypted / decoded content kept with the event (no secrets in it). */
  payload: Record<string, unknown>;
}

/** A notification we refuse; `status` is the HTTP status of the reply. */
export class NotificationRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'NotificationRefused';
  }
}
