import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocateProportionally } from '../../../electron/checkout/allocate';

const bigSum = (values: readonly number[]): bigint => values.reduce((sum, value) => sum + BigInt(value), 0n);

/**
 * Checks every promise of the largest-remainder method against exact rational arithmetic, without
 * re-implementing it: sums, floor/ceil of the exact quota, zero weights, parts ≤ weights, and that
 * the parts rounded up had remainders at least as large as those rounded down (ties to the earlier index).
 */
function expectLargestRemainderSplit(total: number, weights: readonly number[], parts: readonly number[]): void {
  // Problems are collected and asserted once: an expect() per part makes 500-part runs slow.
  const problems: string[] = [];
  if (parts.length !== weights.length) problems.push(`${parts.length} parts for ${weights.length} weights`);
  if (bigSum(parts) !== BigInt(total)) problems.push(`parts sum to ${bigSum(parts)}, not ${total}`);
  const weightSum = bigSum(weights);
  if (weightSum === 0n) {
    if (!parts.every((part) => part === 0)) problems.push('non-zero part with all weights zero');
    expect(problems).toEqual([]);
    return;
  }
  type Ranked = { index: number; remainder: bigint };
  const roundedUp: Ranked[] = [];
  const roundedDown: Ranked[] = [];
  weights.forEach((weight, index) => {
    const part = parts[index];
    if (part === undefined || !Number.isSafeInteger(part)) {
      problems.push(`part ${index} = ${String(part)}`);
      return;
    }
    const exact = BigInt(total) * BigInt(weight);
    const floor = exact / weightSum;
    const remainder = exact % weightSum;
    if (weight === 0 && part !== 0) problems.push(`zero weight ${index} got ${part}`);
    if (BigInt(total) <= weightSum && part > weight) problems.push(`part ${index} = ${part} exceeds weight ${weight}`);
    if (BigInt(part) === floor) roundedDown.push({ index, remainder });
    else if (BigInt(part) === floor + 1n && remainder > 0n) roundedUp.push({ index, remainder });
    else problems.push(`part ${index} = ${part} is neither floor ${floor} nor (with a remainder) its ceiling`);
  });
  // Compare the weakest part that was rounded up with the strongest that was not: it must have the
  // larger remainder, or an equal one and the earlier index.
  const beats = (x: Ranked, y: Ranked) => x.remainder > y.remainder || (x.remainder === y.remainder && x.index < y.index);
  const weakestUp = roundedUp.reduce<Ranked | undefined>((worst, up) => (worst && beats(up, worst) ? worst : up), undefined);
  const strongestDown = roundedDown
    .filter((down) => down.remainder > 0n)
    .reduce<Ranked | undefined>((best, down) => (best && beats(best, down) ? best : down), undefined);
  if (weakestUp && strongestDown && !beats(weakestUp, strongestDown)) {
    problems.push(`part ${weakestUp.index} was rounded up ahead of part ${strongestDown.index}`);
  }
  expect(problems).toEqual([]);
}

describe('allocateProportionally: examples', () => {
  it('splits evenly when it can', () => {
    expect(allocateProportionally(300, [100, 100, 100])).toEqual([100, 100, 100]);
    expect(allocateProportionally(100, [1, 3])).toEqual([25, 75]);
  });

  it('gives the leftover fen to the largest remainders', () => {
    // exact shares 33.33, 33.33, 33.33 → one fen left over, to the first (tie → earlier index)
    expect(allocateProportionally(100, [1, 1, 1])).toEqual([34, 33, 33]);
    // exact shares 1.4, 3.6 → 1, 4 (remainder 0.6 beats 0.4 although it comes later)
    expect(allocateProportionally(5, [7, 18])).toEqual([1, 4]);
  });

  it('breaks ties toward the earlier index, deterministically', () => {
    expect(allocateProportionally(1, [1, 1])).toEqual([1, 0]);
    expect(allocateProportionally(2, [1, 1, 1])).toEqual([1, 1, 0]);
    expect(allocateProportionally(2, [5, 0, 5, 5])).toEqual([1, 0, 1, 0]);
  });

  it('gives zero weights nothing', () => {
    expect(allocateProportionally(10, [0, 5, 0, 5, 0])).toEqual([0, 5, 0, 5, 0]);
    expect(allocateProportionally(1, [0, 1])).toEqual([0, 1]);
  });

  it('never gives a part more than its weight when the total fits', () => {
    expect(allocateProportionally(3, [1, 1, 1])).toEqual([1, 1, 1]);
    expect(allocateProportionally(999, [1, 998])).toEqual([1, 998]);
    expect(allocateProportionally(2, [1, 1, 1000])).toEqual([0, 0, 2]);
  });

  it('allows parts above their weight only when the total is larger than all weights', () => {
    expect(allocateProportionally(10, [1, 1])).toEqual([5, 5]);
  });

  it('handles zero totals and empty inputs', () => {
    expect(allocateProportionally(0, [3, 4])).toEqual([0, 0]);
    expect(allocateProportionally(0, [0, 0])).toEqual([0, 0]);
    expect(allocateProportionally(0, [])).toEqual([]);
  });

  it('refuses to lose an amount that has nowhere to go', () => {
    expect(() => allocateProportionally(1, [0, 0])).toThrow(RangeError);
    expect(() => allocateProportionally(1, [])).toThrow(RangeError);
  });

  it('refuses negative, fractional, non-finite and unsafe numbers', () => {
    expect(() => allocateProportionally(-1, [1])).toThrow(RangeError);
    expect(() => allocateProportionally(1.5, [1])).toThrow(RangeError);
    expect(() => allocateProportionally(1, [1, -1])).toThrow(RangeError);
    expect(() => allocateProportionally(1, [0.5])).toThrow(RangeError);
    expect(() => allocateProportionally(1, [Number.NaN])).toThrow(RangeError);
    expect(() => allocateProportionally(Number.POSITIVE_INFINITY, [1])).toThrow(RangeError);
    expect(() => allocateProportionally(2 ** 53, [1])).toThrow(RangeError);
  });

  it('is exact where total × weight exceeds 2^53 (1e10 fen over weights near 1e6)', () => {
    // Exact shares 4_999_997_499.99875… and 5_000_002_500.00125…: floors 4_999_997_499 and
    // 5_000_002_500, and the one leftover fen goes to the larger remainder (line 0).
    const total = 10_000_000_000;
    const weights = [999_999, 1_000_000];
    const parts = allocateProportionally(total, weights);
    expect(parts).toEqual([4_999_997_500, 5_000_002_500]);
    expectLargestRemainderSplit(total, weights, parts);

    // The float product is not representable here: floor(9_999_000_001 × 999_999 / 1e6) in floats
    // is …002, the exact floor is …001 (the extra fen comes back only as the largest remainder).
    expect(Math.floor((9_999_000_001 * 999_999) / 1_000_000)).toBe(9_998_990_002);
    expect((9_999_000_001n * 999_999n) / 1_000_000n).toBe(9_998_990_001n);
    const nearInteger = allocateProportionally(9_999_000_001, [999_999, 1]);
    expect(nearInteger).toEqual([9_998_990_002, 9_999]);
    expectLargestRemainderSplit(9_999_000_001, [999_999, 1], nearInteger);

    // Found by searching against a float largest-remainder implementation: it gives
    // [4588071963, 3218356593, 1647004044], handing the leftover fen to the wrong line because the
    // float remainders are noise at this size. The exact remainders say line 0.
    const weights3 = [335_987, 235_682, 120_611];
    const parts3 = allocateProportionally(9_453_432_600, weights3);
    expect(parts3).toEqual([4_588_071_964, 3_218_356_593, 1_647_004_043]);
    expectLargestRemainderSplit(9_453_432_600, weights3, parts3);
  });
});

describe('allocateProportionally: properties', () => {
  it('small carts: every invariant holds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 60, size: 'max' }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (weights, rawTotal) => {
          const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
          const total = weightSum === 0 ? 0 : rawTotal;
          expectLargestRemainderSplit(total, weights, allocateProportionally(total, weights));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('totals up to the weights (the pricing case): parts never exceed weights', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000_000 }), { minLength: 1, maxLength: 500, size: 'max' }).filter((w) => w.some((x) => x > 0)),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (weights, fraction) => {
          const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
          // A test-side float only picks the total; the allocation itself is what is checked exactly.
          const total = Math.min(weightSum, Math.floor(weightSum * fraction));
          const parts = allocateProportionally(total, weights);
          // The helper checks parts ≤ weights whenever total ≤ Σ weights, which is always the case here.
          expectLargestRemainderSplit(total, weights, parts);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('huge numbers (1e10 × 1e6 and up to 2^53): no precision lost', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 60, size: 'max' }).filter((w) => w.some((x) => x > 0)),
        fc.integer({ min: 0, max: 10_000_000_000 }),
        (weights, total) => {
          expectLargestRemainderSplit(total, weights, allocateProportionally(total, weights));
        },
      ),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.maxSafeNat(), { minLength: 1, maxLength: 20, size: 'max' }).filter((w) => w.some((x) => x > 0)),
        fc.maxSafeNat(),
        (weights, total) => {
          expectLargestRemainderSplit(total, weights, allocateProportionally(total, weights));
        },
      ),
      { numRuns: 500 },
    );
  });
});
