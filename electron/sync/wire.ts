/**
 * The sync wire format between a till and the cloud: zod schemas for every request and answer,
 * and the request signature. The only module of the terminal side that cloud/ imports, so it
 * depends on nothing but zod and node:crypto.
 *
 * Money is integer fen; times are ISO-8601 UTC strings; ids are the till's ULIDs. An order travels
 * as one snapshot (order + lines + payments + refunds) at a version: the cloud keeps the highest
 * version it has seen, so re-sending is always safe.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const WIRE_VERSION = 1;

/** Batches stay well under PostgreSQL's 65,535 bind parameters even when sent row by row. */
export const MAX_ORDERS_PER_BATCH = 500;
export const MAX_LINES_PER_ORDER = 1000;
/** Signed requests older or newer than this are refused (clock skew plus transit). */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

const ulid = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'ULID');
const fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const positiveFen = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const isoTime = z.string().datetime({ offset: true });
const businessDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const code = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'code');
const text = (max: number) => z.string().max(max);

export const ORDER_STATES = ['pending_payment', 'paying', 'paid', 'in_progress', 'completed', 'cancelled', 'refunded', 'partially_refunded'] as const;
export const PAYMENT_STATES = ['created', 'pending', 'unknown', 'closing', 'succeeded', 'failed', 'closed', 'reversed'] as const;
export const REFUND_STATES = ['created', 'pending', 'unknown', 'succeeded', 'failed', 'abnormal'] as const;
export const TENDERS = ['cash', 'wechat', 'alipay'] as const;

export const orderLineWire = z
  .object({
    lineNo: z.number().int().min(1),
    productId: z.number().int().nullable(),
    sku: text(64),
    barcode: text(64).nullable(),
    name: text(200),
    unit: text(16),
    soldBy: z.enum(['unit', 'weight']),
    /** Pieces, or grams when sold by weight. */
    quantity: z.number().int().min(1),
    unitPriceFen: fen,
    priceOverridden: z.boolean(),
    originalFen: fen,
    lineDiscountFen: fen,
    orderDiscountFen: fen,
    couponFen: fen,
    roundingFen: fen,
    netFen: fen,
    taxRateBp: z.number().int().min(0).max(10_000),
    taxFen: fen,
    refundedQuantity: z.number().int().min(0),
  })
  .strict()
  .refine((l) => l.netFen === l.originalFen - l.lineDiscountFen - l.orderDiscountFen - l.couponFen - l.roundingFen, { message: 'netFen does not add up' });

export const paymentWire = z
  .object({
    id: ulid,
    tender: z.enum(TENDERS),
    method: z.enum(['cash', 'merchant_qr', 'customer_code']),
    outTradeNo: text(64).nullable(),
    amountFen: positiveFen,
    tenderedFen: fen.nullable(),
    changeFen: fen,
    state: z.enum(PAYMENT_STATES),
    providerTradeNo: text(64).nullable(),
    createdAt: isoTime,
    succeededAt: isoTime.nullable(),
  })
  .strict();

export const refundWire = z
  .object({
    id: ulid,
    paymentId: ulid,
    outRefundNo: text(64),
    amountFen: positiveFen,
    reason: text(200).nullable(),
    state: z.enum(REFUND_STATES),
    automatic: z.boolean(),
    providerRefundId: text(64).nullable(),
    createdAt: isoTime,
    succeededAt: isoTime.nullable(),
    /** The business day the refund counts in (refunds.business_date); absent from older tills. */
    businessDate: businessDate.nullable().optional(),
    /** Who asked for it (refunds.requested_by; null: an automatic refund); absent from older tills. */
    requestedBy: text(40).nullable().optional(),
  })
  .strict();

export const orderWire = z
  .object({
    id: ulid,
    orderNo: text(64),
    storeCode: code,
    terminalCode: code,
    businessDate,
    /** Per terminal and business day, gapless: lets the cloud see a missing order. */
    seq: z.number().int().min(1),
    cashierId: text(40),
    state: z.enum(ORDER_STATES),
    /** Bumps on every change on the till; the cloud keeps the highest. */
    version: z.number().int().min(1),
    subtotalFen: fen,
    lineDiscountFen: fen,
    orderDiscountFen: fen,
    couponFen: fen,
    roundingFen: fen,
    deliveryFeeFen: fen,
    totalFen: fen,
    taxFen: fen,
    paidFen: fen,
    changeFen: fen,
    refundedFen: fen,
    createdAt: isoTime,
    updatedAt: isoTime,
    paidAt: isoTime.nullable(),
    completedAt: isoTime.nullable(),
    cancelledAt: isoTime.nullable(),
    lines: z.array(orderLineWire).max(MAX_LINES_PER_ORDER),
    payments: z.array(paymentWire).max(200),
    refunds: z.array(refundWire).max(200),
  })
  .strict()
  .refine((o) => o.refundedFen <= o.totalFen, { message: 'refundedFen exceeds totalFen' });

export type OrderLineWire = z.infer<typeof orderLineWire>;
export type PaymentWire = z.infer<typeof paymentWire>;
export type RefundWire = z.infer<typeof refundWire>;
export type OrderWire = z.infer<typeof orderWire>;

/**
 * POST /v1/sync/orders. Orders are validated one by one on the cloud (a bad order is rejected
 * with a reason, the others still land), so the batch schema checks only the envelope.
 */
export const ingestRequest = z
  .object({
    wireVersion: z.literal(WIRE_VERSION),
    /** The till's view of its own backlog, for the head office's sync-health page. */
    backlog: z.object({ pending: z.number().int().min(0), dead: z.number().int().min(0), oldestPendingAt: isoTime.nullable() }).strict(),
    orders: z.array(z.unknown()).min(1).max(MAX_ORDERS_PER_BATCH),
  })
  .strict();
export type IngestRequest = Omit<z.infer<typeof ingestRequest>, 'orders'> & { orders: OrderWire[] };

export const ingestStatus = z.enum(['accepted', 'duplicate', 'stale', 'rejected']);
export type IngestStatus = z.infer<typeof ingestStatus>;

export const bilingualReason = z.object({ code: z.string(), zh: z.string(), en: z.string() }).strict();
export type BilingualReason = z.infer<typeof bilingualReason>;

export const ingestResult = z
  .object({
    /** Echoes the order id, or null when the entry was so broken it had none. */
    orderId: z.string().nullable(),
    index: z.number().int().min(0),
    version: z.number().int().nullable(),
    /**
     * accepted: stored at this version. duplicate: this exact version was already stored.
     * stale: a newer version is stored (the till may mark it sent). rejected: never stored;
     * the till dead-letters it (a retry cannot help).
     */
    status: ingestStatus,
    reason: bilingualReason.optional(),
  })
  .strict();
export type IngestResult = z.infer<typeof ingestResult>;

export const ingestResponse = z.object({ serverTime: isoTime, results: z.array(ingestResult) }).strict();
export type IngestResponse = z.infer<typeof ingestResponse>;

/** POST /v1/enrol (unsigned; the one-time code is the credential). */
export const enrolRequest = z
  .object({ code: z.string().regex(/^[A-Z0-9]{8,32}$/, 'enrolment code'), terminalCode: code, name: text(64) })
  .strict();
export const enrolResponse = z
  .object({ terminalId: z.string(), storeId: z.string(), storeCode: code, terminalCode: code, secret: z.string().min(32) })
  .strict();
export type EnrolRequest = z.infer<typeof enrolRequest>;
export type EnrolResponse = z.infer<typeof enrolResponse>;

/** GET /v1/sync/events?after=<cursor>: provider notifications the cloud verified for this terminal. */
export const relayedEvent = z
  .object({
    id: z.string(),
    provider: z.enum(['wechat', 'alipay']),
    kind: z.enum(['payment', 'refund']),
    outTradeNo: text(64),
    outRefundNo: text(64).nullable(),
    /** What the provider claimed; the till confirms by query before believing it. */
    claimedState: text(32),
    receivedAt: isoTime,
  })
  .strict();
export const eventsResponse = z.object({ events: z.array(relayedEvent), cursor: z.string() }).strict();
export type RelayedEvent = z.infer<typeof relayedEvent>;
export type EventsResponse = z.infer<typeof eventsResponse>;

/** A typed refusal from the cloud (4xx/5xx body). */
export const cloudError = z.object({ error: bilingualReason }).strict();
export type CloudError = z.infer<typeof cloudError>;

// ---- request signature -------------------------------------------------------------------

export const SIGNATURE_HEADERS = {
  terminal: 'x-till-terminal',
  timestamp: 'x-till-timestamp',
  nonce: 'x-till-nonce',
  signature: 'x-till-signature',
} as const;

/**
 * What is signed: method, path (with query), timestamp (ms), a one-time nonce and the body's
 * SHA-256, one per line. The nonce lets the cloud refuse a replay inside the freshness window.
 */
export function canonicalRequest(parts: { method: string; path: string; timestamp: string; nonce: string; body: string | Uint8Array }): string {
  const bodyHash = createHash('sha256').update(parts.body).digest('hex');
  return [parts.method.toUpperCase(), parts.path, parts.timestamp, parts.nonce, bodyHash].join('\n');
}

export function signRequest(secret: string, parts: Parameters<typeof canonicalRequest>[0]): string {
  return createHmac('sha256', secret).update(canonicalRequest(parts)).digest('base64');
}

/** Constant-time comparison of a presented signature against the expected one. */
export function verifyRequestSignature(secret: string, parts: Parameters<typeof canonicalRequest>[0], presented: string): boolean {
  const expected = Buffer.from(signRequest(secret, parts), 'base64');
  let given: Buffer;
  try {
    given = Buffer.from(presented, 'base64');
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}
