/** Wall-clock time as stored in the database: ISO-8601 UTC with milliseconds. */
export function isoNow(clock: () => number = Date.now): string {
  return new Date(clock()).toISOString();
}
