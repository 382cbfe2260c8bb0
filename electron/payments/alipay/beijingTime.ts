/**
 * Alipay's v2 protocol speaks "yyyy-MM-dd HH:mm:ss" in Beijing time (UTC+8, no daylight saving)
 * for `timestamp`, `gmt_payment`, `send_pay_date` … whatever zone the till's machine is set to.
 * alipay-sdk formats `timestamp` in the machine's local zone, so the client passes its own.
 */
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
// gmt_refund in refund notifications carries milliseconds: 2015-04-28 15:45:57.320
const ALIPAY_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)$/;

/** 2024-01-02 03:04:05 (Beijing) for the given instant. */
export function formatAlipayTime(instant: Date): string {
  const shifted = new Date(instant.getTime() + BEIJING_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`;
}

/** "2024-01-02 03:04:05[.mmm]" → "2024-01-02T03:04:05[.mmm]+08:00"; undefined for anything else. */
export function alipayTimeToIso(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = ALIPAY_TIME.exec(value);
  if (!match) return undefined;
  return `${match[1]}T${match[2]}+08:00`;
}
