/** WeChat Pay wants RFC3339 times with an offset; we always send Beijing time (+08:00), as the docs show. */
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

export function toRfc3339Beijing(date: Date): string {
  const shifted = new Date(date.getTime() + BEIJING_OFFSET_MS).toISOString(); // reads as Beijing wall time
  return `${shifted.slice(0, 19)}+08:00`;
}
