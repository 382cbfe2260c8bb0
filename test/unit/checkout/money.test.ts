import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TillError } from '../../../electron/api/errors';
import {
  MAX_AMOUNT_FEN,
  MoneyFormatError,
  assertFen,
  fenToYuanString,
  formatFen,
  mulDivRoundHalfUp,
  parseYuanToFen,
} from '../../../electron/checkout/money';

function tillErrorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof TillError) return error.code;
    throw error;
  }
  return undefined;
}

describe('fenToYuanString', () => {
  it.each([
    [8888, '88.88'],
    [5, '0.05'],
    [50, '0.50'],
    [100, '1.00'],
    [0, '0.00'],
    [-0, '0.00'],
    [-150, '-1.50'],
    [-5, '-0.05'],
    [MAX_AMOUNT_FEN, '100000000.00'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
  ])('%d → %s', (fen, text) => {
    expect(fenToYuanString(fen)).toBe(text);
  });

  it('refuses a fraction of a fen or a non-number instead of printing a wrong amount', () => {
    expect(() => fenToYuanString(12.5)).toThrow(RangeError);
    expect(() => fenToYuanString(Number.NaN)).toThrow(RangeError);
    expect(() => fenToYuanString(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => fenToYuanString(2 ** 53)).toThrow(RangeError);
  });
});

describe('formatFen', () => {
  it.each([
    [1234, '¥12.34'],
    [-100, '-¥1.00'],
    [0, '¥0.00'],
    [7, '¥0.07'],
    [1_000_000, '¥10000.00'],
  ])('%d → %s', (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });

  it('takes another symbol, or none', () => {
    expect(formatFen(1234, { symbol: 'RMB ' })).toBe('RMB 12.34');
    expect(formatFen(-1234, { symbol: '' })).toBe('-12.34');
  });
});

describe('parseYuanToFen', () => {
  it.each([
    ['88.88', 8888],
    ['0.5', 50],
    ['0.05', 5],
    ['12', 1200],
    ['-1.50', -150],
    [' 3.00 ', 300],
    ['\t0.01\n', 1],
    ['0', 0],
    ['007.10', 710],
    ['100000000.00', MAX_AMOUNT_FEN],
    ['-100000000', -MAX_AMOUNT_FEN],
    // The classic float trap: Number('1.13') * 100 is 112.99999999999999.
    ['1.13', 113],
    ['4.35', 435],
    ['0.29', 29],
  ])('%j → %d', (text, fen) => {
    expect(parseYuanToFen(text)).toBe(fen);
  });

  it('never returns -0', () => {
    expect(Object.is(parseYuanToFen('-0.00'), 0)).toBe(true);
  });

  it.each([
    '1.005', // a third decimal is a misread field, not something to round
    'abc',
    '',
    '   ',
    '1e3',
    '١٢', // Arabic-Indic digits
    '１２', // full-width digits
    '12.3.4',
    '12.',
    '.5',
    '+1.00',
    '1,234.00',
    '¥12.34',
    '- 1.00',
    '--1',
    'Infinity',
    'NaN',
    '0x10',
    '100000000.01', // one fen over the cap
    '99999999999999999999999.99', // would round silently through a float
  ])('refuses %j', (text) => {
    expect(() => parseYuanToFen(text)).toThrow(MoneyFormatError);
  });

  it('refuses a non-string at runtime', () => {
    expect(() => parseYuanToFen(12 as unknown as string)).toThrow(MoneyFormatError);
  });

  it('round-trips every amount in range: parseYuanToFen(fenToYuanString(x)) === x', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_AMOUNT_FEN, max: MAX_AMOUNT_FEN }), (fen) => {
        expect(parseYuanToFen(fenToYuanString(fen))).toBe(fen);
      }),
      { numRuns: 5000 },
    );
    // The edges and the small amounts where padding matters, exhaustively.
    for (let fen = -1000; fen <= 1000; fen += 1) expect(parseYuanToFen(fenToYuanString(fen))).toBe(fen);
    for (const fen of [MAX_AMOUNT_FEN, -MAX_AMOUNT_FEN, MAX_AMOUNT_FEN - 1, 99, 100, 101]) {
      expect(parseYuanToFen(fenToYuanString(fen))).toBe(fen);
    }
  });

  it('agrees with exact decimal reading for any yuan.jiao-fen string', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: 99 }), (yuan, fen) => {
        const text = `${yuan}.${String(fen).padStart(2, '0')}`;
        expect(parseYuanToFen(text)).toBe(yuan * 100 + fen);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('assertFen', () => {
  it('returns integers in range, including negatives and the cap itself', () => {
    expect(assertFen(0, 'x')).toBe(0);
    expect(assertFen(1234, 'x')).toBe(1234);
    expect(assertFen(-500, 'x')).toBe(-500);
    expect(assertFen(MAX_AMOUNT_FEN, 'x')).toBe(MAX_AMOUNT_FEN);
    expect(assertFen(-MAX_AMOUNT_FEN, 'x')).toBe(-MAX_AMOUNT_FEN);
    expect(Object.is(assertFen(-0, 'x'), 0)).toBe(true);
  });

  it.each([[12.5], [0.1], [Number.NaN], [Number.POSITIVE_INFINITY], [Number.NEGATIVE_INFINITY], ['100'], [null], [undefined], [{}], [100n]])(
    'refuses %s as PRICE_INVALID',
    (value) => {
      expect(tillErrorCode(() => assertFen(value, 'unitPriceFen'))).toBe('PRICE_INVALID');
    },
  );

  it.each([[MAX_AMOUNT_FEN + 1], [-MAX_AMOUNT_FEN - 1], [1e20], [Number.MAX_SAFE_INTEGER]])('refuses %d as AMOUNT_TOO_LARGE', (value) => {
    expect(tillErrorCode(() => assertFen(value, 'unitPriceFen'))).toBe('AMOUNT_TOO_LARGE');
  });

  it('names the field in the details so the UI can point at it', () => {
    try {
      assertFen(1.5, 'deliveryFeeFen');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TillError);
      expect((error as TillError).details).toMatchObject({ what: 'deliveryFeeFen', price: '1.5' });
      expect((error as TillError).messages.zh).toBe('价格无效：1.5');
    }
  });
});

describe('mulDivRoundHalfUp', () => {
  it.each([
    [999, 1500, 10_000, 150], // 149.85 → 150 (8.5折 on ¥9.99)
    [1280, 523, 1000, 669], // 669.44 → 669 (0.523 kg at ¥12.80/kg)
    [5, 1, 2, 3], // 2.5 → 3: halves go up
    [-5, 1, 2, -3], // −2.5 → −3: halves go away from zero
    [5, -1, 2, -3],
    [-5, -1, 2, 3],
    [5, 1, -2, -3],
    [7, 1, 2, 4],
    [1, 1, 3, 0],
    [2, 1, 3, 1],
    [-1, 1, 3, 0],
    [0, 123, 7, 0],
    [10, 10, 1, 100],
  ])('round(%d × %d / %d) = %d', (a, b, c, expected) => {
    expect(mulDivRoundHalfUp(a, b, c)).toBe(expected);
  });

  it('is exact where the product exceeds 2^53 and a float would drop the low digits', () => {
    // 9_007_199_254_740_991 × 3 / 3 in floats is 9_007_199_254_740_992.
    expect(mulDivRoundHalfUp(Number.MAX_SAFE_INTEGER, 3, 3)).toBe(Number.MAX_SAFE_INTEGER);
    // (1e10 + 1) × (1e6 + 1) / 1e6 = 10_000_010_001.000001 → 10_000_010_001
    expect(mulDivRoundHalfUp(10_000_000_001, 1_000_001, 1_000_000)).toBe(10_000_010_001);
    // 9_999_999_501 × 999_999 / 1000 = 9_999_989_501_000.499 → …000; Math.round of the float product gives …001.
    expect(Math.round((9_999_999_501 * 999_999) / 1000)).toBe(9_999_989_501_001);
    expect(mulDivRoundHalfUp(9_999_999_501, 999_999, 1000)).toBe(9_999_989_501_000);
  });

  it('matches an exact BigInt reference on random inputs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -MAX_AMOUNT_FEN, max: MAX_AMOUNT_FEN }),
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }).chain((c) => fc.constantFrom(c, -c)),
        (a, b, c) => {
          const product = BigInt(a) * BigInt(b);
          const roughQuotient = product / BigInt(c);
          const absQuotient = roughQuotient < 0n ? -roughQuotient : roughQuotient;
          // Exactly at the edge, rounding decides; that single value is covered by the example tests.
          if (absQuotient === BigInt(Number.MAX_SAFE_INTEGER)) return;
          if (absQuotient > BigInt(Number.MAX_SAFE_INTEGER)) {
            // Too large to return as a number: it must refuse rather than return an approximation.
            expect(() => mulDivRoundHalfUp(a, b, c)).toThrow(RangeError);
            return;
          }
          const result = BigInt(mulDivRoundHalfUp(a, b, c));
          // |a·b/c − result| ≤ 1/2, i.e. |2(a·b) − 2·result·c| ≤ |c|, with halves going away from zero.
          const twiceError = 2n * product - 2n * result * BigInt(c);
          const absC = BigInt(Math.abs(c));
          const absError = twiceError < 0n ? -twiceError : twiceError;
          expect(absError <= absC).toBe(true);
          if (absError === absC) {
            // An exact half: the result is the one further from zero.
            const exactTimesTwo = (2n * product) / BigInt(c);
            expect(result < 0n ? -result : result).toBe((exactTimesTwo < 0n ? -exactTimesTwo : exactTimesTwo) / 2n + 1n);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('refuses non-integers, division by zero and unsafe results', () => {
    expect(() => mulDivRoundHalfUp(1.5, 2, 3)).toThrow(RangeError);
    expect(() => mulDivRoundHalfUp(1, 2, 0)).toThrow(RangeError);
    expect(() => mulDivRoundHalfUp(Number.MAX_SAFE_INTEGER, 2, 1)).toThrow(RangeError);
  });
});
