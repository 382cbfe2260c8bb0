import { fenToYuanString, formatFen } from '../../checkout/money';
import type { TopProduct } from '../types';

/**
 * Text helpers shared by the report renderers. Money goes through checkout/money.ts (integer fen
 * to text with string arithmetic, never a float); times are shown in the store's time zone.
 */

export { fenToYuanString };

/** '¥1,234.50' for screens and paper; the grouping is done on the digit string. */
export function moneyText(fen: number, symbol = '¥'): string {
  const plain = formatFen(fen, { symbol });
  return plain.replace(/(\d)(?=(\d{3})+\.)/g, '$1,');
}

/** '+¥1.00' / '-¥0.50' / '¥0.00': a cash difference says which way it went. */
export function signedMoneyText(fen: number, symbol = '¥'): string {
  return fen > 0 ? `+${moneyText(fen, symbol)}` : moneyText(fen, symbol);
}

/** Pieces as an integer; grams as '1.234 kg' (string arithmetic). */
export function quantityText(product: Pick<TopProduct, 'quantity' | 'soldBy'>): string {
  if (product.soldBy === 'unit') return String(product.quantity);
  const grams = Math.trunc(product.quantity);
  const sign = grams < 0 ? '-' : '';
  const magnitude = Math.abs(grams);
  return `${sign}${Math.floor(magnitude / 1000)}.${String(magnitude % 1000).padStart(3, '0')} kg`;
}

/** '2026-11-23 14:05' in `timeZone` (falls back to the machine's zone when the name is unknown). */
export function localDateTime(iso: string | null, timeZone: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  };
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', { ...options, timeZone }).formatToParts(date);
  } catch {
    parts = new Intl.DateTimeFormat('en-CA', options).formatToParts(date);
  }
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** Only the time of day ('14:05'). */
export function localTime(iso: string | null, timeZone: string): string {
  return localDateTime(iso, timeZone).slice(11);
}

/** '09:00–10:00' for an hour bucket. */
export function hourRange(hour: number): string {
  const pad = (h: number) => String(h).padStart(2, '0');
  return `${pad(hour)}:00–${pad((hour + 1) % 24 === 0 ? 24 : hour + 1)}:00`;
}
