import { parseDecimalUnits } from '../../checkout/money';

/**
 * Exact conversion between Alipay's yuan strings ("88.88") and the integer fen used everywhere
 * on our side of the PaymentProvider interface.
 *
 * Done on the decimal digits, never through a float: Number("0.29") * 100 is 28.999999999999996.
 * Alipay amounts have at most two decimals and lie in 0.01–100000000.00 (payment-protocols.md §0);
 * refund rows in bills are negative, so the parser accepts a sign when asked to.
 */

/** 100000000.00 yuan, Alipay's documented ceiling for one amount. */
export const MAX_ALIPAY_FEN = 10_000_000_000;

const YUAN_PATTERN = /^(-?)(0|[1-9][0-9]{0,8})(?:\.([0-9]{1,2}))?$/;
/** Sums (a bill's 合计) may exceed one amount's ceiling; 13 digits keep fen a safe integer. */
const SUM_PATTERN = /^(-?)(0|[1-9][0-9]{0,12})(?:\.([0-9]{1,2}))?$/;

export class YuanFormatError extends Error {
  constructor(readonly input: string) {
    super(`not a yuan amount with at most two decimals: ${JSON.stringify(input)}`);
    this.name = 'YuanFormatError';
  }
}

export interface YuanParseOptions {
  /** Bills print refunds as "-10.00"; requests and responses never carry a sign. */
  allowNegative?: boolean;
  /** A total of many amounts, not bound by the 100000000.00 ceiling of one amount. */
  isSum?: boolean;
}

/** "88.88" → 8888, "0.01" → 1, "5" → 500, "1.5" → 150. Rejects "1.005", "abc", "", "+1", " 1". */
export function yuanToFen(input: string, options: YuanParseOptions = {}): number {
  const match = (options.isSum ? SUM_PATTERN : YUAN_PATTERN).exec(input);
  if (!match) throw new YuanFormatError(input);
  if (match[1] === '-' && !options.allowNegative) throw new YuanFormatError(input);
  // The pattern above is Alipay's format; the conversion is the till's one exact reader.
  const units = parseDecimalUnits(input, 2);
  if (units === null) throw new YuanFormatError(input);
  const fen = Number(units);
  if (Math.abs(fen) > MAX_ALIPAY_FEN && !options.isSum) throw new YuanFormatError(input);
  // "-0.00" is zero, not negative zero.
  return fen === 0 ? 0 : fen;
}

/** 8888 → "88.88", 1 → "0.01", -1000 → "-10.00". Integers only. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`fen must be an integer, got ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${sign}${whole}.${cents.toString().padStart(2, '0')}`;
}

/** The amount a request may carry: 1 fen to 100000000.00 yuan. */
export function requestAmountYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 1 || fen > MAX_ALIPAY_FEN) {
    throw new RangeError(`Alipay amounts are 0.01–100000000.00 yuan; got ${fen} fen`);
  }
  return fenToYuan(fen);
}
