/**
 * Notification handling (payment-protocols.md §2.7): verify the signature over the raw body, decrypt
 * the resource with the APIv3 key, and turn TRANSACTION.SUCCESS / REFUND.* into ProviderNotification.
 * The merchant id (and app id, when present) must be ours: a valid signature proves the message is
 * from WeChat Pay, not that it is about our shop.
 */
import { ProviderError, type IncomingNotification, type ProviderNotification } from '../provider';
import { decryptResource } from './aead';
import { verifyWechatSignature, type WechatVerificationKeys } from './verify';
import { notificationEnvelopeSchema, parseWire, refundNotificationSchema, toRefundInfo, toTradeInfo, transactionSchema } from './wire';

export interface NotificationContext {
  keys: WechatVerificationKeys;
  apiV3Key: Buffer | string;
  nowSeconds: number;
  mchid: string;
  appid?: string;
}

function lowerCaseHeaders(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  const lowered: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) lowered[name.toLowerCase()] = value;
  return lowered;
}

/** Verifies and decrypts; returns the envelope and the plaintext of its resource. */
export function openNotification(incoming: IncomingNotification, context: Pick<NotificationContext, 'keys' | 'apiV3Key' | 'nowSeconds'>) {
  verifyWechatSignature({ headers: lowerCaseHeaders(incoming.headers), body: incoming.rawBody }, context.keys, context.nowSeconds);
  const envelope = parseWire(notificationEnvelopeSchema, incoming.rawBody, 'notification');
  const plaintext = decryptResource(context.apiV3Key, envelope.resource);
  return { envelope, plaintext };
}

function assertOurs(mchid: string | undefined, appid: string | undefined, context: NotificationContext): void {
  if (mchid !== context.mchid) {
    throw new ProviderError('verification', 'MERCHANT_MISMATCH', `notification is for mchid ${mchid ?? '(none)'}, we are ${context.mchid}`);
  }
  if (context.appid !== undefined && appid !== undefined && appid !== context.appid) {
    throw new ProviderError('verification', 'APPID_MISMATCH', `notification is for appid ${appid}, we are ${context.appid}`);
  }
}

export function readWechatNotification(incoming: IncomingNotification, context: NotificationContext): ProviderNotification {
  const { envelope, plaintext } = openNotification(incoming, context);
  if (envelope.event_type === 'TRANSACTION.SUCCESS') {
    const transaction = parseWire(transactionSchema, plaintext, 'TRANSACTION.SUCCESS resource');
    assertOurs(transaction.mchid, transaction.appid, context);
    if (!transaction.out_trade_no) throw new ProviderError('verification', 'MALFORMED_RESPONSE', 'TRANSACTION.SUCCESS without out_trade_no');
    return { kind: 'payment', provider: 'wechat', eventId: envelope.id, trade: toTradeInfo(transaction, transaction.out_trade_no) };
  }
  if (envelope.event_type.startsWith('REFUND.')) {
    const refund = parseWire(refundNotificationSchema, plaintext, `${envelope.event_type} resource`);
    assertOurs(refund.mchid, undefined, context);
    return {
      kind: 'refund',
      provider: 'wechat',
      eventId: envelope.id,
      outTradeNo: refund.out_trade_no,
      refund: toRefundInfo({ ...refund, status: refund.refund_status }),
    };
  }
  throw new ProviderError('rejected', 'UNSUPPORTED_EVENT', `notification event ${envelope.event_type} is not handled by the till`);
}
