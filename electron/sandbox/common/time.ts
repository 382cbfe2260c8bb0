/**
 * Beijing-time formatting for the simulators. Both providers speak China Standard Time (UTC+8, no
 * daylight saving), whatever the machine's zone is, so this never consults the local time zone.
 */
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

function beijingParts(epochMs: number): string {
  // toISOString of the shifted instant reads as Beijing wall-clock time.
  return new Date(epochMs + BEIJING_OFFSET_MS).toISOString();
}

/** 2024-01-02T03:04:05+08:00 */
export function rfc3339Beijing(epochMs: number): string {
  return `${beijingParts(epochMs).slice(0, 19)}+08:00`;
}

/** 2024-01-02 03:04:05 */
export function beijingDateTime(epochMs: number): string {
  const iso = beijingParts(epochMs);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** 2024-01-02 */
export function beijingDate(epochMs: number): string {
  return beijingParts(epochMs).slice(0, 10);
}

/** Epoch ms of 00:00 Beijing time on a YYYY-MM-DD date. */
export function beijingMidnight(date: string): number {
  return Date.parse(`${date}T00:00:00+08:00`);
}
