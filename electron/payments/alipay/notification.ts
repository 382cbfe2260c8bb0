/**
 * Alipay asynchronous notifications (payment-protocols.md §4.4): a form POST signed with the
 * Alipay key over every parameter except `sign` and `sign_type`, values URL-decoded exactly once.
 *
 * The body is decoded once here (URLSearchParams) and handed to alipay-sdk's checkNotifySignV2,
 * which does not decode again — checkNotifySign would run decodeURIComponent a second time and
 * break (or throw on) values such as passback_params containing '%' (SDK issues #45/#68/#83).
 * Empty values are dropped before the SDK sees them: Alipay leaves them out of the signed string,
 * the SDK would sign them as `k=`.
 */
import { type AlipaySdk } from 'alipay-sdk';
import { ProviderError, type IncomingNotification, type ProviderNotification, type RefundInfo } from '../provider';
import { alipayTimeToIso } from './beijingTime';
import { type AlipayConfig } from './config';
import { amountField, stringField, tradeInfoFrom } from './trade';

function rejected(code: string, message: string, details?: Record<string, unknown>): ProviderError {
  return new ProviderError('verification', code, `Alipay notification rejected: ${message}`, details);
}

/** Form body → params, decoded once; duplicate keys are refused rather than guessed at. */
export function parseNotificationForm(rawBody: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawBody)) {
    if (Object.hasOwn(params, key)) throw rejected('DUPLICATE_PARAMETER', `parameter ${key} appears twice`);
    params[key] = value;
  }
  return params;
}

/** True when Alipay signed these (decoded) params; uses the SDK's checkNotifySignV2. */
export function notificationSignatureValid(sdk: AlipaySdk, params: Record<string, string>): boolean {
  const nonEmpty: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) if (value !== '') nonEmpty[key] = value;
  try {
    return sdk.checkNotifySignV2(nonEmpty);
  } catch {
    // A sign that is not base64 / a key mismatch surfaces as an exception inside node:crypto.
    return false;
  }
}

export function verifyAlipayNotification(sdk: AlipaySdk, config: AlipayConfig, incoming: IncomingNotification): ProviderNotification {
  const params = parseNotificationForm(incoming.rawBody);
  const charset = params.charset?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    // We always request utf-8; a GBK-encoded body would be mis-decoded above.
    throw rejected('UNSUPPORTED_CHARSET', `charset ${params.charset}`);
  }
  if (!params.sign) throw rejected('MISSING_SIGNATURE', 'no sign');
  if (!notificationSignatureValid(sdk, params)) throw rejected('INVALID_SIGNATURE', 'signature does not verify');

  // Signed by Alipay — now make sure it is about our app, our merchant and a well-formed trade.
  if (params.app_id !== config.appId) {
    throw rejected('APP_ID_MISMATCH', `app_id ${params.app_id ?? '(none)'}`, { appId: params.app_id });
  }
  if (config.sellerId !== undefined && params.seller_id !== config.sellerId) {
    throw rejected('SELLER_ID_MISMATCH', `seller_id ${params.seller_id ?? '(none)'}`, { sellerId: params.seller_id });
  }
  const outTradeNo = stringField(params, 'out_trade_no');
  const eventId = stringField(params, 'notify_id');
  const tradeStatus = stringField(params, 'trade_status');
  if (!outTradeNo || !eventId || !tradeStatus) throw rejected('INCOMPLETE', 'out_trade_no, notify_id and trade_status are required');
  if (amountField(params, 'total_amount') === undefined) throw rejected('INCOMPLETE', 'total_amount is required');

  const isRefund = params.out_biz_no !== undefined || params.refund_fee !== undefined || params.gmt_refund !== undefined;
  if (isRefund) {
    const refund: RefundInfo = {
      status: 'success',
      // Alipay's default out_request_no is the out_trade_no (§0).
      outRefundNo: stringField(params, 'out_biz_no') ?? outTradeNo,
      providerState: tradeStatus,
    };
    // refund_fee is the trade's cumulative refunded total, not this refund's amount: only checked.
    amountField(params, 'refund_fee');
    const succeededAt = alipayTimeToIso(params.gmt_refund);
    if (succeededAt) refund.succeededAt = succeededAt;
    return { kind: 'refund', provider: 'alipay', eventId, outTradeNo, refund };
  }

  const trade = tradeInfoFrom(params, outTradeNo, tradeStatus);
  trade.merchantId = params.app_id;
  return { kind: 'payment', provider: 'alipay', eventId, trade };
}
