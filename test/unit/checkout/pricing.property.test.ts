import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TillError } from '../../../electron/api/errors';
import { MAX_AMOUNT_FEN } from '../../../electron/checkout/money';
import {
  discountNeedsApproval,
  priceCart,
  type CartLineInput,
  type CartPricingInput,
  type Discount,
  type PricedCart,
  type RoundingRule,
} from '../../../electron/checkout/pricing';

/**
 * Random carts against an independent reference written here with BigInt (not by calling the
 * module's helpers), plus the bookkeeping identities every priced cart must satisfy. If a rule
 * breaks (a fen lost in a split, a float creeping in, rounding taken from delivery, tax per line
 * instead of per rate), one of these fails and fast-check prints the smallest cart that shows it.
 */

const TAX_RATES_BP = [0, 300, 600, 900, 1300];
const ROUNDING_UNIT: Record<RoundingRule, bigint> = { none: 1n, drop_fen: 10n, drop_jiao: 100n };

/** round-half-up(n / d) for n ≥ 0, d > 0. */
const halfUp = (n: bigint, d: bigint): bigint => (2n * n + d) / (2n * d);
const big = (value: number): bigint => BigInt(value);
const sumOf = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0);

// A discount spec is turned into a concrete, valid discount once the amount it applies to is known:
// 'amountShare' is an amount as a share (bp) of that base, so amount discounts are always ≤ the base.
type DiscountSpec = { kind: 'percent'; bp: number } | { kind: 'amountShare'; shareBp: number } | null;

const discountSpecArb: fc.Arbitrary<DiscountSpec> = fc.oneof(
  { arbitrary: fc.constant(null), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: 10_000 }).map((bp) => ({ kind: 'percent' as const, bp })), weight: 2 },
  { arbitrary: fc.constantFrom(500, 1000, 1500, 5000, 10_000).map((bp) => ({ kind: 'percent' as const, bp })), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 10_000 }).map((shareBp) => ({ kind: 'amountShare' as const, shareBp })), weight: 2 },
);

function concreteDiscount(spec: DiscountSpec, baseFen: bigint): Discount | undefined {
  if (spec === null) return undefined;
  if (spec.kind === 'percent') return { kind: 'percent', bp: spec.bp };
  if (baseFen === 0n) return undefined; // an amount discount needs at least one fen to take
  const fen = (baseFen * big(spec.shareBp)) / 10_000n;
  return { kind: 'amount', fen: Number(fen > 0n ? fen : 1n) };
}

function referenceDiscount(discount: Discount | undefined, baseFen: bigint): bigint {
  if (discount === undefined) return 0n;
  return discount.kind === 'percent' ? halfUp(baseFen * big(discount.bp), 10_000n) : big(discount.fen);
}

function referenceOriginal(line: Pick<CartLineInput, 'soldBy' | 'quantity' | 'unitPriceFen'>): bigint {
  return line.soldBy === 'weight' ? halfUp(big(line.unitPriceFen) * big(line.quantity), 1000n) : big(line.unitPriceFen) * big(line.quantity);
}

const lineSpecArb = fc.record({
  soldBy: fc.constantFrom<'unit' | 'weight'>('unit', 'weight'),
  pieces: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 12 }), weight: 5 }, { arbitrary: fc.integer({ min: 1, max: 9_999 }), weight: 1 }),
  grams: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 3_000 }), weight: 4 }, { arbitrary: fc.integer({ min: 1, max: 100_000 }), weight: 1 }),
  unitPriceFen: fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 3_000 }), weight: 5 },
    { arbitrary: fc.integer({ min: 0, max: 200_000 }), weight: 2 },
    { arbitrary: fc.constantFrom(0, 1, 5, 9, 99, 999, 1280), weight: 1 },
  ),
  taxRateBp: fc.constantFrom(...TAX_RATES_BP),
  discount: discountSpecArb,
});

const cartSpecArb = fc.record({
  lines: fc.array(lineSpecArb, { minLength: 1, maxLength: 60, size: 'max' }),
  orderDiscount: discountSpecArb,
  couponFen: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 2 },
    { arbitrary: fc.integer({ min: 0, max: 5_000 }), weight: 2 },
    { arbitrary: fc.integer({ min: 0, max: 50_000_000 }), weight: 1 }, // often larger than the goods
  ),
  deliveryFeeFen: fc.oneof({ arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: fc.integer({ min: 0, max: 3_000 }), weight: 1 }),
  roundingRule: fc.constantFrom<RoundingRule>('none', 'drop_fen', 'drop_jiao'),
});

type CartSpec = typeof cartSpecArb extends fc.Arbitrary<infer T> ? T : never;

function buildCart(spec: CartSpec): CartPricingInput {
  const lines: CartLineInput[] = spec.lines.map((lineSpec, index) => {
    const line: CartLineInput = {
      lineId: `L${index}`,
      soldBy: lineSpec.soldBy,
      quantity: lineSpec.soldBy === 'weight' ? lineSpec.grams : lineSpec.pieces,
      unitPriceFen: lineSpec.unitPriceFen,
      taxRateBp: lineSpec.taxRateBp,
    };
    const discount = concreteDiscount(lineSpec.discount, referenceOriginal(line));
    return discount ? { ...line, discount } : line;
  });
  const goodsAfterLineDiscounts = lines.reduce((sum, line) => {
    const original = referenceOriginal(line);
    return sum + original - referenceDiscount(line.discount, original);
  }, 0n);
  const orderDiscount = concreteDiscount(spec.orderDiscount, goodsAfterLineDiscounts);
  return {
    lines,
    roundingRule: spec.roundingRule,
    ...(orderDiscount ? { orderDiscount } : {}),
    ...(spec.couponFen !== undefined ? { couponFen: spec.couponFen } : {}),
    ...(spec.deliveryFeeFen !== undefined ? { deliveryFeeFen: spec.deliveryFeeFen } : {}),
  };
}

interface ReferenceTotals {
  subtotalFen: bigint;
  lineDiscountFen: bigint;
  orderDiscountFen: bigint;
  couponFen: bigint;
  deliveryFeeFen: bigint;
  roundingFen: bigint;
  totalFen: bigint;
}

function referenceTotals(input: CartPricingInput): ReferenceTotals {
  let subtotalFen = 0n;
  let lineDiscountFen = 0n;
  for (const line of input.lines) {
    const original = referenceOriginal(line);
    subtotalFen += original;
    lineDiscountFen += referenceDiscount(line.discount, original);
  }
  const afterLine = subtotalFen - lineDiscountFen;
  const orderDiscountFen = referenceDiscount(input.orderDiscount, afterLine);
  const afterOrder = afterLine - orderDiscountFen;
  const offered = big(input.couponFen ?? 0);
  const couponFen = offered < afterOrder ? offered : afterOrder;
  const goodsNet = afterOrder - couponFen;
  const deliveryFeeFen = big(input.deliveryFeeFen ?? 0);
  const payable = goodsNet + deliveryFeeFen;
  const wanted = payable % ROUNDING_UNIT[input.roundingRule];
  const roundingFen = wanted < goodsNet ? wanted : goodsNet;
  return { subtotalFen, lineDiscountFen, orderDiscountFen, couponFen, deliveryFeeFen, roundingFen, totalFen: payable - roundingFen };
}

/**
 * A proportional split of `amount` over `weights`: sums exactly, each share is the floor or the
 * ceiling of its exact quota (so nothing is dumped on one line), and none exceeds its weight.
 * Returns the problems found (empty when fine) so a failure names the step and line at once.
 */
function proportionalSplitProblems(step: string, amount: number, weights: readonly number[], shares: readonly number[]): string[] {
  const problems: string[] = [];
  if (sumOf(shares) !== amount) problems.push(`${step}: shares sum to ${sumOf(shares)}, not ${amount}`);
  const weightSum = big(sumOf(weights));
  weights.forEach((weight, index) => {
    const share = shares[index];
    if (share === undefined || !Number.isSafeInteger(share)) {
      problems.push(`${step}[${index}]: share ${String(share)} is not an integer`);
      return;
    }
    if (share > weight) problems.push(`${step}[${index}]: share ${share} exceeds weight ${weight}`);
    if (weightSum === 0n) {
      if (share !== 0) problems.push(`${step}[${index}]: share ${share} with all weights zero`);
      return;
    }
    const floor = (big(amount) * big(weight)) / weightSum;
    if (big(share) !== floor && big(share) !== floor + 1n) problems.push(`${step}[${index}]: share ${share} is not floor/ceil of quota (floor ${floor})`);
  });
  return problems;
}

function checkPricedCart(input: CartPricingInput, priced: PricedCart): void {
  const lines = priced.lines;
  const sumLines = (pick: (line: PricedCart['lines'][number]) => number) => sumOf(lines.map(pick));

  // Same lines, same order, same rates.
  expect(lines.map((line) => line.lineId)).toEqual(input.lines.map((line) => line.lineId));
  expect(lines.map((line) => line.taxRateBp)).toEqual(input.lines.map((line) => line.taxRateBp));

  // Totals agree with the independent reference.
  const reference = referenceTotals(input);
  expect({
    subtotalFen: big(priced.subtotalFen),
    lineDiscountFen: big(priced.lineDiscountFen),
    orderDiscountFen: big(priced.orderDiscountFen),
    couponFen: big(priced.couponFen),
    deliveryFeeFen: big(priced.deliveryFeeFen),
    roundingFen: big(priced.roundingFen),
    totalFen: big(priced.totalFen),
  }).toEqual(reference);
  expect(priced.discretionaryDiscountFen).toBe(priced.lineDiscountFen + priced.orderDiscountFen);

  // No fen lost or invented.
  expect(sumLines((line) => line.originalFen)).toBe(priced.subtotalFen);
  expect(sumLines((line) => line.lineDiscountFen)).toBe(priced.lineDiscountFen);
  expect(sumLines((line) => line.orderDiscountFen)).toBe(priced.orderDiscountFen);
  expect(sumLines((line) => line.couponFen)).toBe(priced.couponFen);
  expect(sumLines((line) => line.roundingFen)).toBe(priced.roundingFen);
  expect(sumLines((line) => line.netFen) + priced.deliveryFeeFen).toBe(priced.totalFen);
  expect(priced.totalFen).toBe(
    priced.subtotalFen - priced.lineDiscountFen - priced.orderDiscountFen - priced.couponFen + priced.deliveryFeeFen - priced.roundingFen,
  );

  // Each line: its own original and discount, net ≥ 0 and = original − its four deductions.
  // (Problems are collected and asserted once: hundreds of expect() calls per cart make the run slow.)
  const problems: string[] = [];
  input.lines.forEach((inputLine, index) => {
    const line = lines[index];
    if (!line) {
      problems.push(`line ${index} missing`);
      return;
    }
    const original = referenceOriginal(inputLine);
    if (big(line.originalFen) !== original) problems.push(`${line.lineId}: original ${line.originalFen}, expected ${original}`);
    const discount = referenceDiscount(inputLine.discount, original);
    if (big(line.lineDiscountFen) !== discount) problems.push(`${line.lineId}: line discount ${line.lineDiscountFen}, expected ${discount}`);
    if (line.netFen < 0) problems.push(`${line.lineId}: negative net ${line.netFen}`);
    if (line.netFen !== line.originalFen - line.lineDiscountFen - line.orderDiscountFen - line.couponFen - line.roundingFen) {
      problems.push(`${line.lineId}: net ${line.netFen} is not original minus its deductions`);
    }
    for (const [key, value] of Object.entries(line)) {
      if (typeof value === 'number' && !(Number.isSafeInteger(value) && value >= 0)) problems.push(`${line.lineId}.${key} = ${value}`);
    }
  });

  // Every shared amount is split in proportion to what each line had left at that step.
  const afterLine = lines.map((line) => line.originalFen - line.lineDiscountFen);
  problems.push(...proportionalSplitProblems('order discount', priced.orderDiscountFen, afterLine, lines.map((line) => line.orderDiscountFen)));
  const afterOrder = afterLine.map((net, index) => net - (lines[index]?.orderDiscountFen ?? 0));
  problems.push(...proportionalSplitProblems('coupon', priced.couponFen, afterOrder, lines.map((line) => line.couponFen)));
  const afterCoupon = afterOrder.map((net, index) => net - (lines[index]?.couponFen ?? 0));
  problems.push(...proportionalSplitProblems('rounding', priced.roundingFen, afterCoupon, lines.map((line) => line.roundingFen)));

  // 抹零: bounded by its unit and by the goods; the total is round unless the goods ran out.
  const unit = Number(ROUNDING_UNIT[input.roundingRule]);
  expect(priced.roundingFen).toBeLessThan(unit);
  expect(priced.roundingFen).toBeLessThanOrEqual(sumOf(afterCoupon));
  if (priced.roundingFen < sumOf(afterCoupon)) expect(priced.totalFen % unit).toBe(0);

  // Tax: one row per rate present, ascending; per-rate formula on the aggregated net; shares by net.
  const rates = [...new Set(input.lines.map((line) => line.taxRateBp))].sort((a, b) => a - b);
  expect(priced.taxByRate.map((row) => row.taxRateBp)).toEqual(rates);
  for (const row of priced.taxByRate) {
    const rateLines = lines.filter((line) => line.taxRateBp === row.taxRateBp);
    const gross = sumOf(rateLines.map((line) => line.netFen));
    expect(row.grossFen).toBe(gross);
    const expectedTax = big(gross) - halfUp(big(gross) * 10_000n, big(10_000 + row.taxRateBp));
    expect(big(row.taxFen)).toBe(expectedTax);
    expect(row.netOfTaxFen).toBe(row.grossFen - row.taxFen);
    problems.push(...proportionalSplitProblems(`tax at ${row.taxRateBp}`, row.taxFen, rateLines.map((line) => line.netFen), rateLines.map((line) => line.taxFen)));
  }
  expect(problems).toEqual([]);
  expect(priced.taxFen).toBe(sumOf(priced.taxByRate.map((row) => row.taxFen)));
  expect(sumLines((line) => line.taxFen)).toBe(priced.taxFen);
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof TillError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('priceCart properties over random carts', () => {
  it('never loses or invents a fen, and follows every rule', () => {
    fc.assert(
      fc.property(cartSpecArb, (spec) => {
        const input = buildCart(spec);
        const reference = referenceTotals(input);
        if (reference.subtotalFen + reference.deliveryFeeFen > big(MAX_AMOUNT_FEN)) {
          expect(codeOf(() => priceCart(input))).toBe('AMOUNT_TOO_LARGE');
          return;
        }
        checkPricedCart(input, priceCart(input));
      }),
      { numRuns: 1000 },
    );
  });

  it('holds for every rounding rule on the same cart', () => {
    fc.assert(
      fc.property(cartSpecArb, (spec) => {
        for (const roundingRule of ['none', 'drop_fen', 'drop_jiao'] as const) {
          const input = buildCart({ ...spec, roundingRule });
          if (referenceTotals(input).subtotalFen > big(MAX_AMOUNT_FEN) - 3_000n) return;
          checkPricedCart(input, priceCart(input));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('holds for carts near the amount cap, where a float pipeline would drift', () => {
    const bigLine = fc.record({
      unitPriceFen: fc.integer({ min: 1_000_000, max: 100_000_000 }),
      pieces: fc.integer({ min: 1, max: 3 }),
      taxRateBp: fc.constantFrom(...TAX_RATES_BP),
      discount: discountSpecArb,
    });
    fc.assert(
      fc.property(
        fc.array(bigLine, { minLength: 1, maxLength: 30, size: 'max' }),
        discountSpecArb,
        fc.integer({ min: 0, max: MAX_AMOUNT_FEN }),
        fc.constantFrom<RoundingRule>('none', 'drop_fen', 'drop_jiao'),
        (lineSpecs, orderDiscount, couponFen, roundingRule) => {
          const input = buildCart({
            lines: lineSpecs.map((line) => ({ soldBy: 'unit' as const, grams: 1, ...line })),
            orderDiscount,
            couponFen,
            deliveryFeeFen: 12_345,
            roundingRule,
          });
          checkPricedCart(input, priceCart(input));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('is deterministic and leaves its input untouched', () => {
    fc.assert(
      fc.property(cartSpecArb, (spec) => {
        const input = buildCart(spec);
        if (referenceTotals(input).subtotalFen + 3_000n > big(MAX_AMOUNT_FEN)) return;
        const snapshot = structuredClone(input);
        const first = priceCart(input);
        expect(input).toEqual(snapshot);
        expect(priceCart(snapshot)).toEqual(first);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses an order discount one fen above the goods left, and a line discount one fen above the line', () => {
    fc.assert(
      fc.property(cartSpecArb, fc.integer({ min: 1, max: 1_000 }), (spec, excess) => {
        const input = buildCart({ ...spec, orderDiscount: null });
        const reference = referenceTotals(input);
        if (reference.subtotalFen + reference.deliveryFeeFen > big(MAX_AMOUNT_FEN)) return;
        const goodsLeft = reference.subtotalFen - reference.lineDiscountFen;
        const orderOver = { ...input, orderDiscount: { kind: 'amount' as const, fen: Number(goodsLeft) + excess } };
        expect(codeOf(() => priceCart(orderOver))).toBe('DISCOUNT_INVALID');

        const [first, ...rest] = input.lines;
        if (!first) return;
        const lineOver = { ...first, discount: { kind: 'amount' as const, fen: Number(referenceOriginal(first)) + excess } };
        expect(codeOf(() => priceCart({ ...input, lines: [lineOver, ...rest] }))).toBe('DISCOUNT_INVALID');
      }),
      { numRuns: 200 },
    );
  });
});

describe('discountNeedsApproval properties', () => {
  it('is exactly "discretionary discount > cap share of the subtotal", in integers', () => {
    fc.assert(
      fc.property(cartSpecArb, fc.integer({ min: 0, max: 10_000 }), (spec, capBp) => {
        const input = buildCart(spec);
        if (referenceTotals(input).subtotalFen + 3_000n > big(MAX_AMOUNT_FEN)) return;
        const priced = priceCart(input);
        const expected = big(priced.lineDiscountFen + priced.orderDiscountFen) * 10_000n > big(priced.subtotalFen) * big(capBp);
        expect(discountNeedsApproval(priced, capBp)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});
