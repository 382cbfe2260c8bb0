/**
 * Every knob of the WeChat Pay sandbox, with defaults that behave like production where the docs are
 * clear and pick the documented-but-unconfirmed variant otherwise (payment-protocols.md §2.9, §3.4, §10).
 * The same schema validates patches from the TypeScript API and from POST /__sandbox/behaviour.
 */
import { z } from 'zod';

export const notificationTamperSchema = z.enum(['forged-signature', 'signtest-probe', 'stale-timestamp', 'unknown-serial']);
export type NotificationTamper = z.infer<typeof notificationTamperSchema>;

const errorReplySchema = z.object({ status: z.number().int().min(400).max(599), code: z.string(), message: z.string() });

export const notifyBehaviourSchema = z.object({
  /** Master switch for outgoing notifications. */
  enabled: z.boolean(),
  /** Wait before the first delivery of each event. */
  delayMs: z.number().int().min(0),
  /** Extra identical deliveries (same event id) after the first accepted one: duplicates are normal (§2.7). */
  duplicates: z.number().int().min(0).max(20),
  /** After each accepted event, deliver the previous event of the same trade again (an old TRANSACTION.SUCCESS after a REFUND.SUCCESS). */
  outOfOrder: z.boolean(),
  /** Multiplier on the official retry schedule 15s,15s,30s,3m,10m,20m,30m,30m,30m,60m,3h,3h,3h,6h,6h. */
  retryScale: z.number().min(0),
  /** The merchant must answer within this (WeChat: 5 s) or the delivery counts as failed. */
  replyTimeoutMs: z.number().int().min(1),
  /** Tampered copies sent (once each, never retried) before each genuine delivery; a correct merchant answers them non-2xx. */
  tamperedBefore: z.array(notificationTamperSchema),
});

export const behaviourSchema = z.object({
  /**
   * Which key signs answers and notifications. `publicKey`: PUB_KEY_ID_… (merchants since 2024);
   * `certificate`: the platform certificate; `migration`: answers follow the request's Wechatpay-Serial,
   * notifications alternate between the two (§1.3).
   */
  signingMode: z.enum(['publicKey', 'certificate', 'migration']),
  /** Sign 4xx/5xx answers too (WeChat's own practice varies; clients must not depend on it). */
  signErrorResponses: z.boolean(),
  /** Reject requests whose Authorization timestamp is this far from the sandbox clock. */
  requestMaxSkewSeconds: z.number().int().min(1),
  /** Query answers 404 ORDER_NOT_EXIST for this long after create (§2.9 query lag). */
  queryLagMs: z.number().int().min(0),
  /** After a payment, query keeps answering NOTPAY for this long, so a notification can beat the query. */
  paymentVisibilityLagMs: z.number().int().min(0),
  /** Answer to a Native create for an already paid out_trade_no (§10.1-like uncertainty; default 400 ORDERPAID). */
  createAfterSuccess: errorReplySchema,
  /** Close of a paid order: 204 like any close, or an ORDERPAID error (v3 code unconfirmed, §10.1). */
  closePaid: z.enum(['no-content', 'orderpaid-error']),
  /** How codepay says "customer is entering the password" (§10.2): HTTP 202 error body, or 200 {"trade_state":"USERPAYING"}. */
  userPayingShape: z.enum(['202', '200']),
  /** How long scripted USERPAYING codes stay USERPAYING before SUCCESS/PAYERROR. */
  userPayingMs: z.number().int().min(0),
  /** Reverse sooner than this after the pay request is refused with USERPAYING (§3.2: not sooner than ~15 s). */
  reverseMinAgeMs: z.number().int().min(0),
  /** The first reverse of each trade answers recall=Y without reversing. */
  reverseRecallOnce: z.boolean(),
  /** Refunds stay PROCESSING this long. */
  refundProcessingMs: z.number().int().min(0),
  /** Where a PROCESSING refund ends up (per-refund scripts override it). */
  refundFinalStatus: z.enum(['SUCCESS', 'CLOSED', 'ABNORMAL']),
  /** Refund create answers 403 NOT_ENOUGH (merchant balance) and creates nothing. */
  refundNotEnough: z.boolean(),
  /** Lifetime of a bill download_url (old doc 30 s, new 5 min). */
  billUrlTtlMs: z.number().int().min(1),
  /** `immediate`: any date with activity has a bill now; `next-day-10am`: as in production, STATEMENT_CREATING before 10:00 of the next day. */
  billAvailability: z.enum(['immediate', 'next-day-10am']),
  notify: notifyBehaviourSchema,
});

export type WechatSandboxBehaviour = z.infer<typeof behaviourSchema>;
export type NotifyBehaviour = z.infer<typeof notifyBehaviourSchema>;

export const behaviourPatchSchema = behaviourSchema.partial().extend({ notify: notifyBehaviourSchema.partial().optional() });
export type WechatSandboxBehaviourPatch = z.infer<typeof behaviourPatchSchema>;

export const DEFAULT_BEHAVIOUR: WechatSandboxBehaviour = {
  signingMode: 'publicKey',
  signErrorResponses: false,
  requestMaxSkewSeconds: 300,
  queryLagMs: 0,
  paymentVisibilityLagMs: 0,
  createAfterSuccess: { status: 400, code: 'ORDERPAID', message: '该订单已支付' },
  closePaid: 'no-content',
  userPayingShape: '202',
  userPayingMs: 5_000,
  reverseMinAgeMs: 15_000,
  reverseRecallOnce: false,
  refundProcessingMs: 3_000,
  refundFinalStatus: 'SUCCESS',
  refundNotEnough: false,
  billUrlTtlMs: 30_000,
  billAvailability: 'immediate',
  notify: {
    enabled: true,
    delayMs: 0,
    duplicates: 0,
    outOfOrder: false,
    retryScale: 1,
    replyTimeoutMs: 5_000,
    tamperedBefore: [],
  },
};

export function applyBehaviourPatch(current: WechatSandboxBehaviour, patch: WechatSandboxBehaviourPatch): WechatSandboxBehaviour {
  const parsed = behaviourPatchSchema.parse(patch);
  const { notify, ...rest } = parsed;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  const notifyDefined = Object.fromEntries(Object.entries(notify ?? {}).filter(([, value]) => value !== undefined));
  return { ...current, ...defined, notify: { ...current.notify, ...notifyDefined } };
}
