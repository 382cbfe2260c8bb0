/**
 * Alipay asynchronous notifications (payment-protocols.md §4.4): a form POST signed with the Alipay
 * key over every parameter but `sign` and `sign_type`, values URL-decoded exactly once. Verification
 * is alipay-sdk's checkNotifySignV2 (which does not decode a second time); the cloud holds only the
 * Alipay public key, so the SDK's required app private key is a placeholder that is never used (the
 * cloud signs nothing for Alipay).
 */
import { AlipaySdk } from 'alipay-sdk';
import { NotificationRefused, type NormalisedNotification } from './types';

export interface AlipayStoreConfig {
  appId: string;
  /** The merchant PID (2088…); checked against seller_id when set. */
  sellerId?: string;
  alipayPublicKey: string;
}

const refuse = (status: number, code: string, message: string): never => {
  throw new NotificationRefused(status, code, message);
};

/** Alipay's yuan strings ("88.88") → fen, exactly (no floating point). */
export function yuanToFen(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

export function parseAlipayForm(rawBody: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawBody)) {
    if (Object.hasOwn(params, key)) return refuse(400, 'DUPLICATE_PARAMETER', `parameter ${key} appears twice`);
    params[key] = value;
  }
  return params;
}

export function alipaySignatureValid(params: Record<string, string>, alipayPublicKey: string, appId: string): boolean {
  const nonEmpty: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) if (value !== '') nonEmpty[key] = value;
  try {
    const sdk = new AlipaySdk({ appId, privateKey: 'unused-the-cloud-never-signs', alipayPublicKey });
    return sdk.checkNotifySignV2(nonEmpty);
  } catch {
    return false;
  }
}

export function readAlipayNotification(rawBody: string, config: AlipayStoreConfig): NormalisedNotification {
  const params = parseAlipayForm(rawBody);
  const charset = params.charset?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return refuse(400, 'UNSUPPORTED_CHARSET', `charset ${params.charset}`);
  if (!params.sign) return refuse(401, 'SIGNATURE_MISSING', 'no sign');
  if (!alipaySignatureValid(params, config.alipayPublicKey, config.appId)) return refuse(401, 'BAD_SIGNATURE', 'signature does not verify');
  if (params.app_id !== config.appId) return refuse(403, 'MERCHANT_MISMATCH', `app_id ${params.app_id ?? '(none)'} is not this store's`);
  if (config.sellerId !== undefined && params.seller_id !== config.sellerId) return refuse(403, 'MERCHANT_MISMATCH', `seller_id ${params.seller_id ?? '(none)'} is not this store's`);
  const outTradeNo = params.out_trade_no;
  const notifyId = params.notify_id;
  const tradeStatus = params.trade_status;
  if (!outTradeNo || !notifyId || !tradeStatus) return refuse(400, 'MALFORMED', 'out_trade_no, notify_id and trade_status are required');
  const totalFen = yuanToFen(params.total_amount);
  if (totalFen === undefined || totalFen < 1) return refuse(400, 'BAD_AMOUNT', `total_amount ${params.total_amount ?? '(none)'} is not a valid amount`);
  const isRefund = params.out_biz_no !== undefined || params.refund_fee !== undefined || params.gmt_refund !== undefined;
  if (isRefund && params.refund_fee !== undefined && yuanToFen(params.refund_fee) === undefined) return refuse(400, 'BAD_AMOUNT', 'refund_fee is not a valid amount');
  const { sign: _sign, ...kept } = params;
  return {
    provider: 'alipay',
    providerEventId: notifyId,
    kind: isRefund ? 'refund' : 'payment',
    outTradeNo,
    // Alipay's default out_request_no is the out_trade_no (§0).
    outRefundNo: isRefund ? (params.out_biz_no ?? outTradeNo) : null,
    claimedState: tradeStatus,
    providerTradeNo: params.trade_no ?? null,
    totalFen,
    refundFen: null,
    payload: kept,
  };
}
