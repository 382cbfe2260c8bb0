/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
 * after the n-th consecutive failure wait a uniformly random time in [0, min(cap, base·2^(n−1))).
 * Many tills coming back after the same outage spread their retries instead of arriving together.
 * A Retry-After from the cloud is a floor: never sooner than it asked.
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/** Longest Retry-After honoured; a larger one (or a broken date) is clamped, not obeyed for days. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

export function backoffCeiling(failures: number, policy: BackoffPolicy): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 40);
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}

/** The wait after `failures` consecutive failures; `random` in [0, 1) is injectable for tests. */
export function retryDelay(failures: number, policy: BackoffPolicy, random: () => number, retryAfterMs: number | null = null): number {
  const jittered = Math.floor(random() * backoffCeiling(failures, policy));
  if (retryAfterMs === null) return jittered;
  return Math.max(Math.min(retryAfterMs, MAX_RETRY_AFTER_MS), jittered);
}
