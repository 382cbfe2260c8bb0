import { TillError } from '../api/errors';

/**
 * Money is an integer number of fen (分) everywhere in Till. This module is the only place that
 * turns fen into text and text into fen, and it does both with string and integer arithmetic:
 * `Number('12.34') * 100` is 1233.9999999999998, and a till that is a fen out on every
 * hundredth sale fails its reconciliation against WeChat Pay and Alipay.
 */

/** 1e8 yuan: Alipay's per-transaction cap. Anything larger at a till is a typo or an attack. */
export const MAX_AMOUNT_FEN = 10_000_000_000;

const FEN_PER_YUAN = 100;

/** Raised for text that is not an exact yuan amount; callers decide whether that is the user's or a provider's fault. */
export class MoneyFormatError extends Error {
  readonly text: string;

  constructor(text: string, reason: string) {
    // Cap the echoed input: this can be a line of a provider bill file, not a short field.
    super(`Not a yuan amount (${reason}): ${JSON.stringify(text.slice(0, 40))}`);
    this.name = 'MoneyFormatError';
    this.text = text;
  }
}

/** Formatting accepts any safe integer (report totals may exceed one sale's cap), but never a fraction. */
function assertFormattableFen(fen: number): void {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`Money must be an integer number of fen, got ${String(fen)}`);
}

/** 8888 → '88.88', 5 → '0.05', -150 → '-1.50'. The form Alipay and WeChat bill files use. */
export function fenToYuanString(fen: number): string {
  assertFormattableFen(fen);
  const sign = fen < 0 ? '-' : '';
  const magnitude = Math.abs(fen);
  const yuan = Math.floor(magnitude / FEN_PER_YUAN);
  const fenPart = magnitude % FEN_PER_YUAN;
  return `${sign}${yuan}.${String(fenPart).padStart(2, '0')}`;
}

/** 1234 → '¥12.34', -100 → '-¥1.00'. The sign goes before the symbol, as Chinese receipts print it. */
export function formatFen(fen: number, opts?: { symbol?: string }): string {
  const symbol = opts?.symbol ?? '¥';
  const text = fenToYuanString(fen);
  return text.startsWith('-') ? `-${symbol}${text.slice(1)}` : `${symbol}${text}`;
}

// ASCII digits only (no \d with the u flag, no full-width or Arabic-Indic digits), no exponent,
// no thousands separators, no leading '+' or bare '.5'.
const DECIMAL_PATTERN = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;

/**
 * The one exact decimal reader: '12.34' with scale 2 → 1234n, '0.00600' with scale 5 → 600n,
 * '-1.5' with scale 2 → -150n. Returns null for anything that is not a plain decimal with at most
 * `scale` places (more places would have to be rounded, and we never round what we read). BigInt,
 * so no digit string is ever squeezed through a float; callers apply their own range.
 */
export function parseDecimalUnits(text: string, scale: number): bigint | null {
  if (typeof text !== 'string') return null;
  const match = DECIMAL_PATTERN.exec(text.trim());
  if (!match) return null;
  const [, sign = '', whole = '0', fraction = ''] = match;
  if (fraction.length > scale) return null;
  const magnitude = BigInt(whole) * 10n ** BigInt(scale) + BigInt(fraction.padEnd(scale, '0') || '0');
  return sign === '-' ? -magnitude : magnitude;
}

/**
 * '88.88' → 8888, '0.5' → 50, '12' → 1200, '-1.50' → -150, ' 3.00 ' → 300. Exact: the digits are
 * read as integers, never through a float. A third decimal ('1.005') is refused rather than
 * rounded, because a provider amount that is not a whole fen means we misread the field.
 */
export function parseYuanToFen(text: string): number {
  if (typeof text !== 'string') throw new MoneyFormatError(String(text), 'not a string');
  const units = parseDecimalUnits(text, 2);
  if (units === null) throw new MoneyFormatError(text, text.trim() === '' ? 'empty' : 'not a decimal with at most two places');
  // An absurdly long digit string is rejected by the range check, not silently rounded.
  if ((units < 0n ? -units : units) > BigInt(MAX_AMOUNT_FEN)) throw new MoneyFormatError(text, 'larger than the maximum amount');
  // Number(-0n) is 0, so '-0.00' parses to 0 and never to -0.
  return Number(units);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return value === null ? 'null' : typeof value;
}

/**
 * Guards a fen amount arriving from outside pricing's own arithmetic: an integer whose magnitude is
 * at most MAX_AMOUNT_FEN. Returns it so it can be used inline. Sign is the caller's business
 * (refunds and adjustments are negative).
 */
export function assertFen(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TillError('PRICE_INVALID', { price: describe(value), what });
  }
  // Checked before isInteger: 1e20 is an "integer" to JavaScript, but absurd as money.
  if (Math.abs(value) > MAX_AMOUNT_FEN) throw new TillError('AMOUNT_TOO_LARGE', { amount: value, max: MAX_AMOUNT_FEN, what });
  if (!Number.isInteger(value)) throw new TillError('PRICE_INVALID', { price: describe(value), what });
  // -0 is an integer that prints as '0' but compares oddly in Object.is; normalise it away.
  return value === 0 ? 0 : value;
}

function assertSafeInteger(value: number, name: string): bigint {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a safe integer, got ${String(value)}`);
  return BigInt(value);
}

/**
 * round(a × b / c), halves away from zero, computed exactly. Used for percentages (amount × bp /
 * 10000), weights (price per kg × grams / 1000) and tax; a × b can exceed 2^53 where a float
 * would silently drop the low digits, so the product is a BigInt.
 */
export function mulDivRoundHalfUp(a: number, b: number, c: number): number {
  const numerator = assertSafeInteger(a, 'a') * assertSafeInteger(b, 'b');
  const divisor = assertSafeInteger(c, 'c');
  if (divisor === 0n) throw new RangeError('mulDivRoundHalfUp: division by zero');
  const negative = numerator < 0n !== divisor < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = divisor < 0n ? -divisor : divisor;
  let quotient = n / d;
  if ((n % d) * 2n >= d) quotient += 1n;
  const result = negative ? -quotient : quotient;
  if (result > BigInt(Number.MAX_SAFE_INTEGER) || result < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError('mulDivRoundHalfUp: result is not a safe integer');
  }
  return Number(result);
}
