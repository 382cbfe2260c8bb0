import type { ProviderName } from '../provider';

/**
 * The providers' timings (payment-protocols.md §8), in one place so tests and the fault simulator
 * can compress them. Durations are milliseconds.
 */
export interface PaymentTiming {
  /** How long a merchant QR may be paid (sent as time_expire / timeout_express). */
  qrLifetimeMs: number;
  /** Poll every 2 s for the first 30 s of a QR, then every 5 s. */
  qrFastPollMs: number;
  qrFastWindowMs: number;
  qrSlowPollMs: number;
  /** Customer code: query every 5 s … */
  codeQueryIntervalMs: number;
  /** … for 30 s (WeChat) / 5 × 5 s (Alipay), then reverse/cancel. */
  codeQueryWindowMs: Record<ProviderName, number>;
  /** WeChat: do not reverse sooner than ~15 s after the pay request. */
  reverseNotBeforeMs: Record<ProviderName, number>;
  /** Reverse/cancel retries while the provider says retry (recall=Y / retry_flag=Y) or errors. */
  reverseRetryMs: number;
  reverseMaxTries: number;
  /** Back-off for a query whose outcome was itself unknown (network, 5xx). */
  unknownRetryMs: number;
  /** A close whose trade was never created (Alipay unscanned QR) is re-checked once the QR expires, plus this. */
  closeGraceMs: number;
  /** Give up resolving (and raise to a manager) after this long: the providers' windows are shorter. */
  resolveHorizonMs: number;
  /** Refund: poll PROCESSING refunds, and wait before retrying an unknown refund create. */
  refundPollMs: number;
  refundUnknownRetryMs: number;
  /** The sweeper re-examines unfinished attempts and refunds this often. */
  sweepIntervalMs: number;
}

export const PROVIDER_TIMING: PaymentTiming = {
  qrLifetimeMs: 5 * 60_000,
  qrFastPollMs: 2_000,
  qrFastWindowMs: 30_000,
  qrSlowPollMs: 5_000,
  codeQueryIntervalMs: 5_000,
  codeQueryWindowMs: { wechat: 30_000, alipay: 25_000 },
  reverseNotBeforeMs: { wechat: 15_000, alipay: 0 },
  reverseRetryMs: 2_000,
  reverseMaxTries: 5,
  unknownRetryMs: 5_000,
  closeGraceMs: 30_000,
  resolveHorizonMs: 24 * 3_600_000,
  refundPollMs: 5_000,
  refundUnknownRetryMs: 10_000,
  sweepIntervalMs: 60_000,
};

/** The same schedule scaled down (tests, the fault simulator); ordering and ratios are kept. */
export function compressedTiming(factor: number): PaymentTiming {
  const scale = (ms: number) => Math.max(1, Math.round(ms / factor));
  return {
    qrLifetimeMs: scale(PROVIDER_TIMING.qrLifetimeMs),
    qrFastPollMs: scale(PROVIDER_TIMING.qrFastPollMs),
    qrFastWindowMs: scale(PROVIDER_TIMING.qrFastWindowMs),
    qrSlowPollMs: scale(PROVIDER_TIMING.qrSlowPollMs),
    codeQueryIntervalMs: scale(PROVIDER_TIMING.codeQueryIntervalMs),
    codeQueryWindowMs: { wechat: scale(PROVIDER_TIMING.codeQueryWindowMs.wechat), alipay: scale(PROVIDER_TIMING.codeQueryWindowMs.alipay) },
    reverseNotBeforeMs: { wechat: scale(PROVIDER_TIMING.reverseNotBeforeMs.wechat), alipay: 0 },
    reverseRetryMs: scale(PROVIDER_TIMING.reverseRetryMs),
    reverseMaxTries: PROVIDER_TIMING.reverseMaxTries,
    unknownRetryMs: scale(PROVIDER_TIMING.unknownRetryMs),
    closeGraceMs: scale(PROVIDER_TIMING.closeGraceMs),
    resolveHorizonMs: scale(PROVIDER_TIMING.resolveHorizonMs),
    refundPollMs: scale(PROVIDER_TIMING.refundPollMs),
    refundUnknownRetryMs: scale(PROVIDER_TIMING.refundUnknownRetryMs),
    sweepIntervalMs: scale(PROVIDER_TIMING.sweepIntervalMs),
  };
}
