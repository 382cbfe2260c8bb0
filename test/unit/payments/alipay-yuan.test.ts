import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fenToYuan, MAX_ALIPAY_FEN, requestAmountYuan, yuanToFen } from '../../../electron/payments/alipay/yuan';

describe('yuanToFen', () => {
  it.each([
    ['88.88', 8888],
    ['0.01', 1],
    ['100000000.00', 10_000_000_000],
    ['5', 500],
    ['1.5', 150],
    ['0.29', 29], // Number('0.29') * 100 === 28.999999999999996
    ['1.10', 110],
    ['0.00', 0],
  ])('%s → %i fen', (text, fen) => {
    expect(yuanToFen(text)).toBe(fen);
  });

  it.each(['1.005', 'abc', '', '-1.00', '+1', ' 1', '1 ', '1.', '.5', '01.00', '1e2', '100000000.01', '1000000000', '1,00', 'NaN'])(
    'rejects %j',
    (text) => {
      expect(() => yuanToFen(text)).toThrow(/not a yuan amount/);
    },
  );

  it('accepts a sign only when asked (bill refund rows)', () => {
    expect(yuanToFen('-10.00', { allowNegative: true })).toBe(-1000);
    expect(yuanToFen('-0.00', { allowNegative: true })).toBe(0);
    expect(Object.is(yuanToFen('-0.00', { allowNegative: true }), -0)).toBe(false);
    expect(() => yuanToFen('-10.00')).toThrow();
  });
});

describe('yuanToFen for sums (bill 合计 lines)', () => {
  it("goes beyond one amount's ceiling, still exactly", () => {
    expect(yuanToFen('100000088.89', { isSum: true })).toBe(10_000_008_889);
    expect(yuanToFen('-123456789012.34', { isSum: true, allowNegative: true })).toBe(-12_345_678_901_234);
    expect(() => yuanToFen('100000088.89')).toThrow();
    expect(() => yuanToFen('1.005', { isSum: true })).toThrow();
  });
});

describe('fenToYuan', () => {
  it.each([
    [8888, '88.88'],
    [1, '0.01'],
    [0, '0.00'],
    [10, '0.10'],
    [-1000, '-10.00'],
    [10_000_000_000, '100000000.00'],
  ])('%i → %s', (fen, text) => {
    expect(fenToYuan(fen)).toBe(text);
  });

  it('refuses fractions of a fen', () => {
    expect(() => fenToYuan(0.5)).toThrow(RangeError);
    expect(() => fenToYuan(Number.NaN)).toThrow(RangeError);
  });

  it('round-trips every amount Alipay accepts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_ALIPAY_FEN }), (fen) => yuanToFen(fenToYuan(fen)) === fen),
      { numRuns: 2000 },
    );
  });
});

describe('requestAmountYuan', () => {
  it('limits request amounts to 0.01–100000000.00', () => {
    expect(requestAmountYuan(1)).toBe('0.01');
    expect(requestAmountYuan(MAX_ALIPAY_FEN)).toBe('100000000.00');
    expect(() => requestAmountYuan(0)).toThrow(RangeError);
    expect(() => requestAmountYuan(MAX_ALIPAY_FEN + 1)).toThrow(RangeError);
    expect(() => requestAmountYuan(12.5)).toThrow(RangeError);
  });
});
