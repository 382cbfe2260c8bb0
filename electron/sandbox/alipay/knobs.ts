/** Run-time switches of the Alipay sandbox (TypeScript API `setKnobs`, HTTP `POST /__sandbox/knobs`). */
import { z } from 'zod';

export const knobsSchema = z.object({
  /** How long scripted 10003 auth codes stay WAIT_BUYER_PAY before their final state. */
  userPayingMs: z.number().int().min(0),
  /** alipay.trade.fastpay.refund.query returns nothing for this long after a refund. */
  refundQueryLagMs: z.number().int().min(0),
  /** The first cancel of each trade answers ACQ.SYSTEM_ERROR with retry_flag=Y and does nothing. */
  cancelRetryOnce: z.boolean(),
  /** Life of a precreate QR when the request names no timeout_express / time_expire. */
  precreateDefaultTimeoutMs: z.number().int().min(1),
  /** How long a bill_download_url works. */
  billUrlTtlMs: z.number().int().min(0),
  /** Reject request timestamps further than this from the sandbox clock; null: no check. */
  timestampToleranceMs: z.number().int().min(0).nullable(),
  notifyEnabled: z.boolean(),
  /** Send every notification here instead of the request's notify_url. */
  notifyUrl: z.url().nullable(),
  notifyDelayMs: z.number().int().min(0),
  /** Extra deliveries of each notification with the same notify_id. */
  notifyDuplicates: z.number().int().min(0).max(20),
  /** Gaps before each resend while the reply is not exactly `success` (compressed 4m,10m,10m,1h,2h,6h,15h). */
  notifyResendScheduleMs: z.array(z.number().int().min(0)).max(20),
  notifyTimeoutMs: z.number().int().min(1),
  /** Also notify refunds (out_biz_no, refund_fee, gmt_refund). */
  notifyRefunds: z.boolean(),
  /** Sign notifications with a key that is not the sandbox's Alipay key. */
  forgeNotificationSignature: z.boolean(),
  /** Put this passback_params into notifications (try one with '%' in it). */
  passbackParams: z.string().min(1).nullable(),
});

export type AlipaySandboxKnobs = z.infer<typeof knobsSchema>;

export const DEFAULT_KNOBS: AlipaySandboxKnobs = {
  userPayingMs: 5_000,
  refundQueryLagMs: 0,
  cancelRetryOnce: false,
  precreateDefaultTimeoutMs: 2 * 60 * 60 * 1000,
  billUrlTtlMs: 30_000,
  timestampToleranceMs: null,
  notifyEnabled: true,
  notifyUrl: null,
  notifyDelayMs: 200,
  notifyDuplicates: 0,
  // Alipay's 4m,10m,10m,1h,2h,6h,15h compressed 120×.
  notifyResendScheduleMs: [2_000, 5_000, 5_000, 30_000, 60_000, 180_000, 450_000],
  notifyTimeoutMs: 5_000,
  notifyRefunds: true,
  forgeNotificationSignature: false,
  passbackParams: null,
};
