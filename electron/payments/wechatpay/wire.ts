/**
 * WeChat Pay JSON shapes we read (payment-protocols.md §2.3, §2.6, §2.7, §2.8) and their mapping to the
 * provider-neutral types. Schemas are lenient about fields we do not use and strict about the ones we do.
 */
import { z } from 'zod';
import { ProviderError, type RefundInfo, type RefundStatus, type TradeInfo, type TradeStatus } from '../provider';

const amountSchema = z.object({
  total: z.number().int().nonnegative().optional(),
  payer_total: z.number().int().optional(),
  currency: z.string().optional(),
  payer_currency: z.string().optional(),
});

export const transactionSchema = z.object({
  appid: z.string().optional(),
  mchid: z.string().optional(),
  out_trade_no: z.string().optional(),
  transaction_id: z.string().optional(),
  trade_type: z.string().optional(),
  trade_state: z.string(),
  trade_state_desc: z.string().optional(),
  bank_type: z.string().optional(),
  attach: z.string().optional(),
  success_time: z.string().optional(),
  payer: z.object({ openid: z.string().optional() }).optional(),
  amount: amountSchema.optional(),
});
export type WireTransaction = z.infer<typeof transactionSchema>;

export const refundSchema = z.object({
  refund_id: z.string().optional(),
  out_refund_no: z.string(),
  transaction_id: z.string().optional(),
  out_trade_no: z.string().optional(),
  channel: z.string().optional(),
  user_received_account: z.string().optional(),
  success_time: z.string().optional(),
  create_time: z.string().optional(),
  status: z.string(),
  amount: z.object({ total: z.number().int().optional(), refund: z.number().int().nonnegative(), currency: z.string().optional() }).optional(),
});

/** The decrypted REFUND.* resource: like a Refund, but the status is called refund_status. */
export const refundNotificationSchema = z.object({
  mchid: z.string().optional(),
  out_trade_no: z.string(),
  transaction_id: z.string().optional(),
  out_refund_no: z.string(),
  refund_id: z.string().optional(),
  refund_status: z.string(),
  success_time: z.string().optional(),
  user_received_account: z.string().optional(),
  amount: z.object({ total: z.number().int().optional(), refund: z.number().int().nonnegative() }).optional(),
});

export const tradeBillResponseSchema = z.object({
  hash_type: z.string(),
  hash_value: z.string(),
  download_url: z.string(),
});

export const notificationEnvelopeSchema = z.object({
  id: z.string(),
  create_time: z.string().optional(),
  event_type: z.string(),
  resource_type: z.string().optional(),
  summary: z.string().optional(),
  resource: z.object({
    original_type: z.string().optional(),
    algorithm: z.string(),
    ciphertext: z.string(),
    associated_data: z.string().optional(),
    nonce: z.string(),
  }),
});

/** Parses JSON from a verified body; a malformed answer is a verification problem, not a business one. */
export function parseWire<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProviderError('verification', 'MALFORMED_RESPONSE', `${what}: body is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ProviderError('verification', 'MALFORMED_RESPONSE', `${what}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

const TRADE_STATES: Record<string, TradeStatus> = {
  NOTPAY: 'waiting',
  ACCEPT: 'waiting', // v2 only: accepted, being processed
  USERPAYING: 'user_paying',
  SUCCESS: 'success',
  REFUND: 'success', // a refund exists, which implies the payment succeeded
  CLOSED: 'closed',
  REVOKED: 'reversed',
  PAYERROR: 'failed',
};

export function tradeStatusOf(tradeState: string): TradeStatus {
  const status = TRADE_STATES[tradeState];
  if (!status) throw new ProviderError('unknown', 'UNEXPECTED_TRADE_STATE', `unexpected trade_state ${tradeState}`);
  return status;
}

export function toTradeInfo(wire: WireTransaction, outTradeNo: string): TradeInfo {
  const info: TradeInfo = {
    status: tradeStatusOf(wire.trade_state),
    providerState: wire.trade_state,
    outTradeNo: wire.out_trade_no ?? outTradeNo,
  };
  if (wire.transaction_id) info.providerTradeNo = wire.transaction_id;
  if (wire.amount?.total !== undefined) info.totalFen = wire.amount.total;
  if (wire.mchid) info.merchantId = wire.mchid;
  if (wire.success_time) info.paidAt = wire.success_time;
  if (wire.trade_state_desc) info.description = wire.trade_state_desc;
  return info;
}

const REFUND_STATES: Record<string, RefundStatus> = {
  PROCESSING: 'processing',
  SUCCESS: 'success',
  CLOSED: 'closed',
  ABNORMAL: 'abnormal',
};

export function refundStatusOf(state: string): RefundStatus {
  const status = REFUND_STATES[state];
  if (!status) throw new ProviderError('unknown', 'UNEXPECTED_REFUND_STATUS', `unexpected refund status ${state}`);
  return status;
}

export function toRefundInfo(fields: {
  out_refund_no: string;
  refund_id?: string | undefined;
  status: string;
  success_time?: string | undefined;
  amount?: { refund: number } | undefined;
}): RefundInfo {
  const info: RefundInfo = { status: refundStatusOf(fields.status), outRefundNo: fields.out_refund_no, providerState: fields.status };
  if (fields.refund_id) info.providerRefundId = fields.refund_id;
  if (fields.amount) info.refundFen = fields.amount.refund;
  if (fields.success_time) info.succeededAt = fields.success_time;
  return info;
}
