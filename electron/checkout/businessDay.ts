/**
 * The business day an instant belongs to, in the store's time zone. A shop open past midnight
 * sets `dayStartHour` (e.g. 4) so a 01:30 sale still counts towards yesterday's 日结.
 */
export function businessDate(instant: Date, timeZone: string, dayStartHour = 0): string {
  const shifted = new Date(instant.getTime() - dayStartHour * 3_600_000);
  // en-CA formats as YYYY-MM-DD; Intl does the zone arithmetic (including DST zones abroad).
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(shifted);
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** YYYY-MM-DD → YYYYMMDD for order numbers. */
export function compactDate(date: string): string {
  return date.replaceAll('-', '');
}
