import { z } from 'zod';
import { TillError } from '../api/errors';

/**
 * Barcodes as a till sees them: GS1 check digits (EAN-13, EAN-8, UPC-A, GTIN-14), cleaning what a
 * USB scanner types, and the in-store EAN-13 labels printed by weighing scales, which carry an
 * item code (PLU) and a price or a weight instead of a manufacturer's product number.
 */

const GTIN_LENGTHS = new Set([8, 12, 13, 14]);
const DIGITS = /^[0-9]+$/;

/**
 * The GS1 mod-10 check digit of `body` (the code without its last digit). Weights alternate 3, 1
 * starting from the rightmost digit of the body, which is why one function serves every GTIN length.
 */
export function gtinCheckDigit(body: string): number {
  if (!DIGITS.test(body)) throw new RangeError(`A GTIN body is digits only, got ${JSON.stringify(body)}`);
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += i % 2 === 0 ? digit * 3 : digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** The 13th digit of an EAN-13 whose first 12 digits are given. */
export function ean13CheckDigit(first12: string): number {
  if (first12.length !== 12) throw new RangeError(`EAN-13 needs 12 digits before the check digit, got ${first12.length}`);
  return gtinCheckDigit(first12);
}

/** `body` followed by its check digit: '690123456789' → '6901234567892'. */
export function withCheckDigit(body: string): string {
  return `${body}${gtinCheckDigit(body)}`;
}

/** True for an EAN-8, UPC-A (12), EAN-13 or GTIN-14 whose check digit is right. */
export function isValidGtin(code: string): boolean {
  if (!GTIN_LENGTHS.has(code.length) || !DIGITS.test(code)) return false;
  return gtinCheckDigit(code.slice(0, -1)) === code.charCodeAt(code.length - 1) - 48;
}

/** Digits only and of a GTIN length: what a scanner sends for a retail product. */
export function looksLikeGtin(code: string): boolean {
  return GTIN_LENGTHS.has(code.length) && DIGITS.test(code);
}

/**
 * The same item as a UPC-A and as an EAN-13 (a leading 0): suppliers register one, scanners may
 * report the other. Returns the other spelling, or null when there is none.
 */
export function upcEanTwin(code: string): string | null {
  if (!DIGITS.test(code)) return null;
  if (code.length === 12) return `0${code}`;
  if (code.length === 13 && code.startsWith('0')) return code.slice(1);
  return null;
}

// C0 controls, DEL and C1 controls: scanners end with CR/LF or Tab, some send GS (0x1D) between
// GS1 fields or STX/ETX framing. None of them is ever part of a product code.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;
// An AIM symbology identifier (']E0' for EAN-13, ']A0' for Code 39 …) that some scanners are set
// to prefix. Only stripped when a plain digit code follows, so other codes are never truncated.
const AIM_PREFIX = /^\][A-Za-z][0-9A-Za-z](?=[0-9]+$)/;

/**
 * What the scanner typed, cleaned: NFKC folds full-width digits (a Chinese IME left in full-width
 * mode turns '6901234567892' into '６９０１２３４５６７８９２'), control characters go, then the AIM
 * prefix, then surrounding spaces.
 */
export function normaliseScannerInput(raw: string): string {
  return raw.normalize('NFKC').replace(CONTROL_CHARS, '').trim().replace(AIM_PREFIX, '');
}

/* ------------------------------------------------------------------------------------------------
 * Weighed and priced labels from in-store scales
 * ----------------------------------------------------------------------------------------------*/

/**
 * One label layout, as positions in the 13-digit code (0-based; position 12 is the check digit).
 * The scale is configured with the same layout; the till's setting must match it.
 */
export interface WeighedBarcodeRule {
  /** Leading digits that mark the layout, e.g. '28'. GS1 reserves 20–29 for in-store use. */
  prefixes: string[];
  pluStart: number;
  pluLength: number;
  valueStart: number;
  valueLength: number;
  /** 'price': the value is the label's total in fen. 'weight': the value is grams. */
  valueKind: 'price' | 'weight';
}

const EAN13_PAYLOAD_LENGTH = 12;

function overlaps(aStart: number, aLength: number, bStart: number, bLength: number): boolean {
  return aStart < bStart + bLength && bStart < aStart + aLength;
}

/** One rule, checked so that a bad setting is refused when saved rather than misreading every label. */
export const weighedBarcodeRuleSchema = z
  .object({
    prefixes: z.array(z.string().regex(/^[0-9]{1,6}$/, 'a prefix is 1–6 digits')).min(1).max(100),
    pluStart: z.number().int().min(0).max(EAN13_PAYLOAD_LENGTH - 1),
    pluLength: z.number().int().min(1).max(10),
    valueStart: z.number().int().min(0).max(EAN13_PAYLOAD_LENGTH - 1),
    // Five digits is what scales print; more than 9 could not be a plausible price or weight.
    valueLength: z.number().int().min(1).max(9),
    valueKind: z.enum(['price', 'weight']),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.pluStart + rule.pluLength > EAN13_PAYLOAD_LENGTH) {
      ctx.addIssue({ code: 'custom', message: 'the PLU runs into the check digit', path: ['pluLength'] });
    }
    if (rule.valueStart + rule.valueLength > EAN13_PAYLOAD_LENGTH) {
      ctx.addIssue({ code: 'custom', message: 'the value runs into the check digit', path: ['valueLength'] });
    }
    if (overlaps(rule.pluStart, rule.pluLength, rule.valueStart, rule.valueLength)) {
      ctx.addIssue({ code: 'custom', message: 'the PLU and the value overlap', path: ['valueStart'] });
    }
    const longestPrefix = Math.max(...rule.prefixes.map((prefix) => prefix.length));
    if (rule.pluStart < longestPrefix || rule.valueStart < longestPrefix) {
      ctx.addIssue({ code: 'custom', message: 'the PLU or the value overlaps the prefix', path: ['prefixes'] });
    }
  });

/** The setting `catalog.weighedBarcodeRules`: rules whose prefixes never claim the same code twice. */
export const weighedBarcodeRulesSchema = z
  .array(weighedBarcodeRuleSchema)
  .max(20)
  .superRefine((rules, ctx) => {
    const all = rules.flatMap((rule) => rule.prefixes);
    for (const [i, a] of all.entries()) {
      for (const b of all.slice(i + 1)) {
        // '2' and '28' would both claim '28…', and which rule wins would depend on the order.
        if (a.startsWith(b) || b.startsWith(a)) {
          ctx.addIssue({ code: 'custom', message: `prefixes ${a} and ${b} claim the same labels` });
        }
      }
    }
  });

/**
 * The default layout, the 13-digit format of common Chinese label scales (大华, 顶尖 …),
 * `F F W W W W W E E E E E C`:
 *   FF     flag 20–29 (GS1 restricted-circulation numbers)
 *   WWWWW  5-digit PLU (货号), leading zeros allowed
 *   EEEEE  5-digit value: the label's total price in fen (金额码, up to ¥999.99), or the net weight
 *          in grams (重量码, up to 99.999 kg)
 *   C      EAN-13 check digit over the first 12 digits
 * Flags 20–27 carry a price (what most scales print by default), 28–29 a weight. A store whose
 * scales are set differently changes the setting, not the code.
 */
export const DEFAULT_WEIGHED_BARCODE_RULES: WeighedBarcodeRule[] = [
  { prefixes: ['20', '21', '22', '23', '24', '25', '26', '27'], pluStart: 2, pluLength: 5, valueStart: 7, valueLength: 5, valueKind: 'price' },
  { prefixes: ['28', '29'], pluStart: 2, pluLength: 5, valueStart: 7, valueLength: 5, valueKind: 'weight' },
];

export type WeighedLabel = { plu: string; kind: 'price'; priceFen: number } | { plu: string; kind: 'weight'; grams: number };

/**
 * Reads a scale label. Returns null when no rule claims the code (it is not a scale label), and
 * throws BARCODE_INVALID when a rule claims it but the check digit is wrong: a misread label must
 * make the cashier rescan, never ring up a different PLU or amount. `plu` is the digits as printed
 * (with any leading zeros); the catalog decides how PLUs compare.
 */
export function parseWeighedBarcode(code: string, rules: readonly WeighedBarcodeRule[]): WeighedLabel | null {
  if (code.length !== 13 || !DIGITS.test(code)) return null;
  const rule = rules.find((candidate) => candidate.prefixes.some((prefix) => code.startsWith(prefix)));
  if (!rule) return null;
  if (!isValidGtin(code)) throw new TillError('BARCODE_INVALID', { barcode: code, reason: 'check digit' });
  const plu = code.slice(rule.pluStart, rule.pluStart + rule.pluLength);
  const value = Number.parseInt(code.slice(rule.valueStart, rule.valueStart + rule.valueLength), 10);
  return rule.valueKind === 'price' ? { plu, kind: 'price', priceFen: value } : { plu, kind: 'weight', grams: value };
}

/** Builds a label as a scale would print it; for tests, demo data and the benchmark. */
export function makeWeighedBarcode(rule: WeighedBarcodeRule, prefix: string, plu: number, value: number): string {
  const digits = Array.from({ length: EAN13_PAYLOAD_LENGTH }, () => '0');
  const put = (start: number, length: number, n: number, what: string) => {
    const text = String(n);
    if (!Number.isSafeInteger(n) || n < 0 || text.length > length) throw new RangeError(`${what} ${n} does not fit in ${length} digits`);
    text.padStart(length, '0').split('').forEach((digit, i) => (digits[start + i] = digit));
  };
  if (!rule.prefixes.includes(prefix)) throw new RangeError(`prefix ${prefix} is not one of this rule's`);
  prefix.split('').forEach((digit, i) => (digits[i] = digit));
  put(rule.pluStart, rule.pluLength, plu, 'PLU');
  put(rule.valueStart, rule.valueLength, value, 'value');
  return withCheckDigit(digits.join(''));
}
