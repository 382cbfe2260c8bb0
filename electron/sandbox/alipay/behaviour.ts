/**
 * Every knob of the Alipay sandbox, with defaults that behave like production where the docs are clear
 * (payment-protocols.md §4.4, §5.8, §10). The same schema validates patches from the TypeScript API
 * (`configure`) and from POST /__sandbox/behaviour. Shaped like the WeChat sandbox's behaviour.
 */
import { z } from 'zod';

export const notificationTamperSchema = z.enum(['forged-signature', 'altered-amount']);
export type NotificationTamper = z.infer<typeof notificationTamperSchema>;

export const notifyBehaviourSchema = z.object({
  /** Master switch for outgoing notifications. */
  enabled: z.boolean(),
  /** Wait before the first delivery of each event. */
  delayMs: z.number().int().min(0),
  /** Extra identical deliveries (same notify_id) after the first accepted one. */
  duplicates: z.number().int().min(0).max(20),
  /** Multiplier on Alipay's resend schedule 4m,10m,10m,1h,2h,6h,15h (used while the reply is not exactly `success`). */
  retryScale: z.number().min(0),
  /** The merchant must answer within this or the delivery counts as failed. */
  replyTimeoutMs: z.number().int().min(1),
  /** Tampered copies sent (once each, never resent) before each genuine delivery; a correct merchant rejects them. */
  tamperedBefore: z.array(notificationTamperSchema),
  /** Also notify refunds (out_biz_no, cumulative refund_fee, gmt_refund). */
  refunds: z.boolean(),
  /** passback_params to put in every notification (try one containing '%'). */
  passbackParams: z.string().min(1).nullable(),
});

export const behaviourSchema = z.object({
  /** How long scripted 10003 auth codes stay WAIT_BUYER_PAY before their final state. */
  userPayingMs: z.number().int().min(0),
  /** alipay.trade.fastpay.refund.query returns nothing for this long after a refund (§5.6 "wait ≥10 s"). */
  refundQueryLagMs: z.number().int().min(0),
  /** The first cancel of each trade answers ACQ.SYSTEM_ERROR with retry_flag=Y and does nothing. */
  cancelRetryOnce: z.boolean(),
  /** Life of a precreate QR when the request names no timeout_express / time_expire. */
  precreateDefaultTimeoutMs: z.number().int().min(1),
  /** Lifetime of a bill_download_url (Alipay: 30 s). */
  billUrlTtlMs: z.number().int().min(0),
  /** `next-day-10am`: as in production, a day's bill exists from 10:00 the next day; `immediate`: any past or current day. */
  billAvailability: z.enum(['immediate', 'next-day-10am']),
  /** Reject request timestamps this far from the sandbox clock; null: no check (the real window is undocumented, §10.6). */
  requestMaxSkewSeconds: z.number().int().min(1).nullable(),
  notify: notifyBehaviourSchema,
});

export type AlipaySandboxBehaviour = z.infer<typeof behaviourSchema>;
export type NotifyBehaviour = z.infer<typeof notifyBehaviourSchema>;

export const behaviourPatchSchema = behaviourSchema.partial().extend({ notify: notifyBehaviourSchema.partial().optional() });
export type AlipaySandboxBehaviourPatch = z.infer<typeof behaviourPatchSchema>;

export const DEFAULT_BEHAVIOUR: AlipaySandboxBehaviour = {
  userPayingMs: 5_000,
  refundQueryLagMs: 0,
  cancelRetryOnce: false,
  precreateDefaultTimeoutMs: 2 * 60 * 60 * 1000,
  billUrlTtlMs: 30_000,
  billAvailability: 'next-day-10am',
  requestMaxSkewSeconds: null,
  notify: {
    enabled: true,
    delayMs: 0,
    duplicates: 0,
    retryScale: 1,
    replyTimeoutMs: 5_000,
    tamperedBefore: [],
    refunds: true,
    passbackParams: null,
  },
};

export function applyBehaviourPatch(current: AlipaySandboxBehaviour, patch: AlipaySandboxBehaviourPatch): AlipaySandboxBehaviour {
  const parsed = behaviourPatchSchema.parse(patch);
  const { notify, ...rest } = parsed;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  const notifyDefined = Object.fromEntries(Object.entries(notify ?? {}).filter(([, value]) => value !== undefined));
  return { ...current, ...defined, notify: { ...current.notify, ...notifyDefined } };
}
