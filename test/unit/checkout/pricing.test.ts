import { describe, expect, it } from 'vitest';
import { TillError, type ErrorCode } from '../../../electron/api/errors';
import { MAX_AMOUNT_FEN } from '../../../electron/checkout/money';
import {
  MAX_CART_LINES,
  discountNeedsApproval,
  includedTaxFen,
  priceCart,
  priceLine,
  type CartLineInput,
  type CartPricingInput,
  type PricedCart,
} from '../../../electron/checkout/pricing';

function unitLine(lineId: string, unitPriceFen: number, quantity = 1, extra: Partial<CartLineInput> = {}): CartLineInput {
  return { lineId, soldBy: 'unit', quantity, unitPriceFen, taxRateBp: 1300, ...extra };
}

function weighedLine(lineId: string, pricePerKgFen: number, grams: number, extra: Partial<CartLineInput> = {}): CartLineInput {
  return { lineId, soldBy: 'weight', quantity: grams, unitPriceFen: pricePerKgFen, taxRateBp: 900, ...extra };
}

function cart(lines: CartLineInput[], extra: Partial<CartPricingInput> = {}): CartPricingInput {
  return { lines, roundingRule: 'none', ...extra };
}

/** Runs fn, expects a TillError, and returns it so the test can look at code and details. */
function catchTillError(fn: () => unknown): TillError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TillError) return error;
    throw new Error(`expected a TillError, got ${String(error)}`);
  }
  throw new Error('expected a TillError, but nothing was thrown');
}

function expectCode(fn: () => unknown, code: ErrorCode): TillError {
  const error = catchTillError(fn);
  expect(error.code).toBe(code);
  return error;
}

/** The bookkeeping every priced cart must satisfy; examples check it too, not only the property test. */
function expectBalanced(priced: PricedCart): void {
  const total = (pick: (line: PricedCart['lines'][number]) => number) => priced.lines.reduce((sum, line) => sum + pick(line), 0);
  expect(total((line) => line.originalFen)).toBe(priced.subtotalFen);
  expect(total((line) => line.lineDiscountFen)).toBe(priced.lineDiscountFen);
  expect(total((line) => line.orderDiscountFen)).toBe(priced.orderDiscountFen);
  expect(total((line) => line.couponFen)).toBe(priced.couponFen);
  expect(total((line) => line.roundingFen)).toBe(priced.roundingFen);
  expect(total((line) => line.netFen) + priced.deliveryFeeFen).toBe(priced.totalFen);
  expect(total((line) => line.taxFen)).toBe(priced.taxFen);
  expect(priced.totalFen).toBe(
    priced.subtotalFen - priced.lineDiscountFen - priced.orderDiscountFen - priced.couponFen + priced.deliveryFeeFen - priced.roundingFen,
  );
  for (const line of priced.lines) {
    expect(line.netFen).toBeGreaterThanOrEqual(0);
    expect(line.netFen).toBe(line.originalFen - line.lineDiscountFen - line.orderDiscountFen - line.couponFen - line.roundingFen);
  }
}

describe('priceLine', () => {
  it('multiplies price by pieces', () => {
    expect(priceLine(unitLine('L1', 350, 3))).toEqual({ originalFen: 1050, lineDiscountFen: 0 });
  });

  it('prices weighed goods per kilogram, rounding half up to the fen: 0.523 kg at ¥12.80/kg is ¥6.69', () => {
    // 1280 × 523 / 1000 = 669.44
    expect(priceLine(weighedLine('L1', 1280, 523))).toEqual({ originalFen: 669, lineDiscountFen: 0 });
    // 1990 × 250 / 1000 = 497.5 → 498 (a half goes up)
    expect(priceLine(weighedLine('L1', 1990, 250)).originalFen).toBe(498);
    // 1 g at ¥0.01/kg is 0.00001 fen → 0
    expect(priceLine(weighedLine('L1', 1, 1)).originalFen).toBe(0);
  });

  it('8.5折 on ¥9.99 takes ¥1.50 off (149.85 rounds half up), leaving ¥8.49', () => {
    expect(priceLine(unitLine('L1', 999, 1, { discount: { kind: 'percent', bp: 1500 } }))).toEqual({ originalFen: 999, lineDiscountFen: 150 });
  });

  it('applies a percent discount to the whole line, not per piece', () => {
    // 7 × ¥0.15 at 30 % off: 31.5 → 32 off the line; rounding per piece would give 7 × round(4.5) = 35
    expect(priceLine(unitLine('L1', 15, 7, { discount: { kind: 'percent', bp: 3000 } }))).toEqual({ originalFen: 105, lineDiscountFen: 32 });
  });

  it('takes an amount discount as is, up to the whole line', () => {
    expect(priceLine(unitLine('L1', 500, 2, { discount: { kind: 'amount', fen: 200 } })).lineDiscountFen).toBe(200);
    expect(priceLine(unitLine('L1', 500, 2, { discount: { kind: 'amount', fen: 1000 } })).lineDiscountFen).toBe(1000);
    expect(priceLine(unitLine('L1', 500, 2, { discount: { kind: 'percent', bp: 10_000 } })).lineDiscountFen).toBe(1000);
  });

  it('refuses a line discount above the line amount instead of quietly capping it', () => {
    const error = expectCode(() => priceLine(unitLine('L7', 500, 1, { discount: { kind: 'amount', fen: 501 } })), 'DISCOUNT_INVALID');
    expect(error.details).toMatchObject({ where: 'L7', discountFen: 501, baseFen: 500 });
    expect(error.messages.zh).toContain('折扣无效');
  });

  it('accepts the boundaries of every field', () => {
    expect(priceLine(unitLine('L1', 0, 1)).originalFen).toBe(0);
    expect(priceLine(unitLine('L1', 1, 9_999)).originalFen).toBe(9_999);
    expect(priceLine(weighedLine('L1', 100, 100_000)).originalFen).toBe(10_000);
    expect(priceLine(unitLine('L1', MAX_AMOUNT_FEN, 1)).originalFen).toBe(MAX_AMOUNT_FEN);
    expect(priceLine(unitLine('L1', 100, 1, { taxRateBp: 0 })).originalFen).toBe(100);
    expect(priceLine(unitLine('L1', 100, 1, { taxRateBp: 10_000 })).originalFen).toBe(100);
  });

  describe('refuses bad input with a clear code', () => {
    const base = unitLine('L1', 100, 1);
    it.each<[string, Record<string, unknown>, ErrorCode]>([
      ['zero pieces', { quantity: 0 }, 'QUANTITY_INVALID'],
      ['negative pieces', { quantity: -1 }, 'QUANTITY_INVALID'],
      ['fractional pieces', { quantity: 1.5 }, 'QUANTITY_INVALID'],
      ['NaN pieces', { quantity: Number.NaN }, 'QUANTITY_INVALID'],
      ['10000 pieces', { quantity: 10_000 }, 'QUANTITY_INVALID'],
      ['pieces as a string', { quantity: '2' }, 'QUANTITY_INVALID'],
      ['more than 100 kg', { soldBy: 'weight', quantity: 100_001 }, 'QUANTITY_INVALID'],
      ['fractional grams', { soldBy: 'weight', quantity: 52.3 }, 'QUANTITY_INVALID'],
      ['negative price', { unitPriceFen: -1 }, 'PRICE_INVALID'],
      ['fractional price', { unitPriceFen: 12.34 }, 'PRICE_INVALID'],
      ['NaN price', { unitPriceFen: Number.NaN }, 'PRICE_INVALID'],
      ['infinite price', { unitPriceFen: Number.POSITIVE_INFINITY }, 'PRICE_INVALID'],
      ['price as a string', { unitPriceFen: '100' }, 'PRICE_INVALID'],
      ['absurd price', { unitPriceFen: MAX_AMOUNT_FEN + 1 }, 'AMOUNT_TOO_LARGE'],
      ['absurd line total', { unitPriceFen: MAX_AMOUNT_FEN, quantity: 2 }, 'AMOUNT_TOO_LARGE'],
      ['absurd weighed total', { soldBy: 'weight', unitPriceFen: MAX_AMOUNT_FEN, quantity: 1001 }, 'AMOUNT_TOO_LARGE'],
      ['tax rate above 100 %', { taxRateBp: 10_001 }, 'VALIDATION_FAILED'],
      ['negative tax rate', { taxRateBp: -1 }, 'VALIDATION_FAILED'],
      ['fractional tax rate', { taxRateBp: 13.5 }, 'VALIDATION_FAILED'],
      ['unknown soldBy', { soldBy: 'box' }, 'VALIDATION_FAILED'],
      ['empty lineId', { lineId: '' }, 'VALIDATION_FAILED'],
      ['unknown discount kind', { discount: { kind: 'bogo', fen: 1 } }, 'DISCOUNT_INVALID'],
      ['discount that is not an object', { discount: 10 }, 'DISCOUNT_INVALID'],
      ['zero percent', { discount: { kind: 'percent', bp: 0 } }, 'DISCOUNT_INVALID'],
      ['over 100 %', { discount: { kind: 'percent', bp: 10_001 } }, 'DISCOUNT_INVALID'],
      ['fractional bp', { discount: { kind: 'percent', bp: 15.5 } }, 'DISCOUNT_INVALID'],
      ['a fraction (0.85) instead of bp', { discount: { kind: 'percent', bp: 0.85 } }, 'DISCOUNT_INVALID'],
      ['zero amount', { discount: { kind: 'amount', fen: 0 } }, 'DISCOUNT_INVALID'],
      ['negative amount', { discount: { kind: 'amount', fen: -5 } }, 'DISCOUNT_INVALID'],
      ['fractional amount', { discount: { kind: 'amount', fen: 0.5 } }, 'DISCOUNT_INVALID'],
      ['NaN amount', { discount: { kind: 'amount', fen: Number.NaN } }, 'DISCOUNT_INVALID'],
    ])('%s', (_name, change, code) => {
      expectCode(() => priceLine({ ...base, ...change } as unknown as CartLineInput), code);
    });

    it('puts the offending value and line in the details and the message', () => {
      const error = expectCode(() => priceLine({ ...base, lineId: 'L9', quantity: 0 }), 'QUANTITY_INVALID');
      expect(error.details).toMatchObject({ lineId: 'L9', quantity: '0', max: 9_999 });
      expect(error.messages.zh).toBe('数量无效：0');
      expect(error.messages.en).toBe('Invalid quantity: 0');
    });
  });

  it('treats a null discount (as stored carts write it) as no discount', () => {
    expect(priceLine({ ...unitLine('L1', 100), discount: null } as unknown as CartLineInput).lineDiscountFen).toBe(0);
  });
});

describe('priceCart: a realistic Chinese-till basket, every fen checked by hand', () => {
  // 可乐 3 × ¥3.50, 苹果 0.523 kg × ¥12.80/kg, 饼干 ¥9.99 at 8.5折; order 9折; ¥5 coupon; ¥3 delivery; 抹角.
  const input = cart(
    [
      unitLine('cola', 350, 3, { taxRateBp: 1300 }),
      weighedLine('apple', 1280, 523, { taxRateBp: 900 }),
      unitLine('biscuit', 999, 1, { taxRateBp: 1300, discount: { kind: 'percent', bp: 1500 } }),
    ],
    { orderDiscount: { kind: 'percent', bp: 1000 }, couponFen: 500, deliveryFeeFen: 300, roundingRule: 'drop_jiao' },
  );
  const priced = priceCart(input);

  it('has the right totals', () => {
    expect(priced).toMatchObject({
      subtotalFen: 2718, // 1050 + 669 + 999
      lineDiscountFen: 150, // 149.85 → 150
      orderDiscountFen: 257, // 10 % of 2568 = 256.8 → 257
      couponFen: 500,
      deliveryFeeFen: 300,
      roundingFen: 11, // 1811 goods + 300 delivery = 2111 → 2100
      totalFen: 2100,
      discretionaryDiscountFen: 407, // 150 + 257, coupon and 抹零 excluded
      taxFen: 192,
    });
  });

  it('shares the order discount, coupon and rounding by largest remainder', () => {
    expect(priced.lines.map((line) => line.lineId)).toEqual(['cola', 'apple', 'biscuit']);
    // 257 over [1050, 669, 849]: floors 105, 66, 84; remainders favour biscuit then apple
    expect(priced.lines.map((line) => line.orderDiscountFen)).toEqual([105, 67, 85]);
    // 500 over [945, 602, 764]: floors 204, 130, 165; the leftover fen to cola
    expect(priced.lines.map((line) => line.couponFen)).toEqual([205, 130, 165]);
    // 11 over [740, 472, 599]: floors 4, 2, 3; leftovers to apple then biscuit
    expect(priced.lines.map((line) => line.roundingFen)).toEqual([4, 3, 4]);
    expect(priced.lines.map((line) => line.netFen)).toEqual([736, 469, 595]);
  });

  it('extracts included VAT per rate on the aggregated net and shares it back by net', () => {
    expect(priced.taxByRate).toEqual([
      // 469 − round(469 × 10000 / 10900 = 430.28) = 39
      { taxRateBp: 900, grossFen: 469, taxFen: 39, netOfTaxFen: 430 },
      // 1331 − round(1331 × 10000 / 11300 = 1177.88) = 153
      { taxRateBp: 1300, grossFen: 1331, taxFen: 153, netOfTaxFen: 1178 },
    ]);
    // 153 over [736, 595]: floors 84, 68; the leftover fen to cola
    expect(priced.lines.map((line) => line.taxFen)).toEqual([85, 39, 68]);
    expect(priced.lines.map((line) => line.taxRateBp)).toEqual([1300, 900, 1300]);
  });

  it('balances', () => expectBalanced(priced));

  it('does not change its input', () => {
    expect(input.lines[2]).toEqual(unitLine('biscuit', 999, 1, { taxRateBp: 1300, discount: { kind: 'percent', bp: 1500 } }));
  });

  it('is deterministic', () => {
    expect(priceCart(input)).toEqual(priced);
  });
});

describe('priceCart: 抹零', () => {
  it('drop_jiao on ¥103.47 charges ¥103.00', () => {
    const priced = priceCart(cart([unitLine('L1', 10_347)], { roundingRule: 'drop_jiao' }));
    expect(priced.roundingFen).toBe(47);
    expect(priced.totalFen).toBe(10_300);
    expect(priced.lines[0]?.roundingFen).toBe(47);
    expectBalanced(priced);
  });

  it('drop_fen on ¥103.47 charges ¥103.40', () => {
    const priced = priceCart(cart([unitLine('L1', 10_347)], { roundingRule: 'drop_fen' }));
    expect(priced.roundingFen).toBe(7);
    expect(priced.totalFen).toBe(10_340);
  });

  it('none charges every fen', () => {
    const priced = priceCart(cart([unitLine('L1', 10_347)], { roundingRule: 'none' }));
    expect(priced.roundingFen).toBe(0);
    expect(priced.totalFen).toBe(10_347);
  });

  it('removes nothing from a round amount', () => {
    expect(priceCart(cart([unitLine('L1', 10_300)], { roundingRule: 'drop_jiao' })).roundingFen).toBe(0);
  });

  it('rounds goods plus delivery, but takes the fen only from the goods lines', () => {
    // goods 1234 + delivery 550 = 1784 → drop_jiao removes 84 from the goods; delivery stays 550
    const priced = priceCart(cart([unitLine('A', 1000), unitLine('B', 234)], { deliveryFeeFen: 550, roundingRule: 'drop_jiao' }));
    expect(priced.roundingFen).toBe(84);
    expect(priced.totalFen).toBe(1700);
    expect(priced.deliveryFeeFen).toBe(550);
    // 84 over [1000, 234]: 68.07 and 15.93 → 68 and 16
    expect(priced.lines.map((line) => line.roundingFen)).toEqual([68, 16]);
    expectBalanced(priced);
  });

  it('never removes more than the goods net, so delivery is never rounded away', () => {
    // goods 3 fen + delivery 550: drop_jiao would remove 53, but only 3 fen of goods exist
    const small = priceCart(cart([unitLine('A', 3)], { deliveryFeeFen: 550, roundingRule: 'drop_jiao' }));
    expect(small.roundingFen).toBe(3);
    expect(small.totalFen).toBe(550);
    expectBalanced(small);
    // a coupon that eats the goods leaves nothing to round: delivery is charged in full
    const noGoods = priceCart(cart([unitLine('A', 1000)], { couponFen: 2000, deliveryFeeFen: 555, roundingRule: 'drop_jiao' }));
    expect(noGoods.roundingFen).toBe(0);
    expect(noGoods.totalFen).toBe(555);
    expectBalanced(noGoods);
  });

  it('splits rounding in proportion to line net after every discount', () => {
    const priced = priceCart(
      cart([unitLine('A', 1999, 1, { discount: { kind: 'amount', fen: 1000 } }), unitLine('B', 999), unitLine('C', 0)], { roundingRule: 'drop_jiao' }),
    );
    // nets 999 + 999 = 1998 → 98 removed, split evenly; the free line C takes none
    expect(priced.roundingFen).toBe(98);
    expect(priced.lines.map((line) => line.roundingFen)).toEqual([49, 49, 0]);
    expectBalanced(priced);
  });

  it('refuses an unknown rule', () => {
    expectCode(() => priceCart({ lines: [], roundingRule: 'round_half' as never }), 'VALIDATION_FAILED');
    expectCode(() => priceCart({ lines: [] } as unknown as CartPricingInput), 'VALIDATION_FAILED');
  });
});

describe('priceCart: order discount', () => {
  it('applies a percent to the goods left after line discounts', () => {
    const priced = priceCart(
      cart([unitLine('A', 1000, 1, { discount: { kind: 'amount', fen: 200 } }), unitLine('B', 1000)], { orderDiscount: { kind: 'percent', bp: 1000 } }),
    );
    // 10 % of (800 + 1000) = 180, split 80 / 100
    expect(priced.orderDiscountFen).toBe(180);
    expect(priced.lines.map((line) => line.orderDiscountFen)).toEqual([80, 100]);
    expect(priced.totalFen).toBe(1620);
    expectBalanced(priced);
  });

  it('does not discount the delivery fee', () => {
    const priced = priceCart(cart([unitLine('A', 1000)], { orderDiscount: { kind: 'percent', bp: 5000 }, deliveryFeeFen: 600 }));
    expect(priced.orderDiscountFen).toBe(500);
    expect(priced.totalFen).toBe(1100);
  });

  it('splits an amount so no fen is lost: ¥1.00 over three equal lines is 34 + 33 + 33', () => {
    const priced = priceCart(cart([unitLine('A', 500), unitLine('B', 500), unitLine('C', 500)], { orderDiscount: { kind: 'amount', fen: 100 } }));
    expect(priced.lines.map((line) => line.orderDiscountFen)).toEqual([34, 33, 33]);
    expectBalanced(priced);
  });

  it('may take everything, leaving every line at zero', () => {
    const priced = priceCart(cart([unitLine('A', 123), unitLine('B', 456)], { orderDiscount: { kind: 'amount', fen: 579 } }));
    expect(priced.totalFen).toBe(0);
    expect(priced.lines.map((line) => line.netFen)).toEqual([0, 0]);
    expect(priced.taxFen).toBe(0);
    expectBalanced(priced);
  });

  it('refuses an amount above the goods left after line discounts', () => {
    const error = expectCode(
      () => priceCart(cart([unitLine('A', 1000, 1, { discount: { kind: 'amount', fen: 300 } })], { orderDiscount: { kind: 'amount', fen: 701 } })),
      'DISCOUNT_INVALID',
    );
    expect(error.details).toMatchObject({ where: 'order', discountFen: 701, baseFen: 700 });
    // an order discount on an empty cart has nothing to apply to
    expectCode(() => priceCart(cart([], { orderDiscount: { kind: 'amount', fen: 1 } })), 'DISCOUNT_INVALID');
  });

  it('refuses a malformed order discount', () => {
    expectCode(() => priceCart(cart([unitLine('A', 100)], { orderDiscount: { kind: 'percent', bp: 0 } })), 'DISCOUNT_INVALID');
    expectCode(() => priceCart(cart([unitLine('A', 100)], { orderDiscount: { kind: 'fixed', fen: 1 } as never })), 'DISCOUNT_INVALID');
  });
});

describe('priceCart: coupon', () => {
  it('is applied after the order discount', () => {
    const priced = priceCart(cart([unitLine('A', 1000)], { orderDiscount: { kind: 'percent', bp: 2000 }, couponFen: 300 }));
    expect(priced.orderDiscountFen).toBe(200); // 20 % of 1000, not of 700
    expect(priced.couponFen).toBe(300);
    expect(priced.totalFen).toBe(500);
  });

  it('larger than the goods: used only up to the goods, never as change, delivery still paid', () => {
    const priced = priceCart(cart([unitLine('A', 1200), unitLine('B', 300)], { couponFen: 5000, deliveryFeeFen: 500 }));
    expect(priced.couponFen).toBe(1500);
    expect(priced.lines.map((line) => line.couponFen)).toEqual([1200, 300]);
    expect(priced.lines.map((line) => line.netFen)).toEqual([0, 0]);
    expect(priced.totalFen).toBe(500);
    expect(priced.taxFen).toBe(0);
    expectBalanced(priced);
  });

  it('on an empty cart is simply unused', () => {
    const priced = priceCart(cart([], { couponFen: 1000 }));
    expect(priced.couponFen).toBe(0);
    expect(priced.totalFen).toBe(0);
  });

  it.each<[unknown, ErrorCode]>([
    [-1, 'DISCOUNT_INVALID'],
    [1.5, 'DISCOUNT_INVALID'],
    [Number.NaN, 'DISCOUNT_INVALID'],
    ['500', 'DISCOUNT_INVALID'],
    [MAX_AMOUNT_FEN + 1, 'AMOUNT_TOO_LARGE'],
  ])('refuses coupon %s', (couponFen, code) => {
    expectCode(() => priceCart(cart([unitLine('A', 100)], { couponFen: couponFen as number })), code);
  });
});

describe('priceCart: delivery fee', () => {
  it('is added before rounding, carries no tax, and is not shared onto lines', () => {
    const priced = priceCart(cart([unitLine('A', 11_300, 1, { taxRateBp: 1300 })], { deliveryFeeFen: 800 }));
    expect(priced.totalFen).toBe(12_100);
    expect(priced.taxFen).toBe(1300);
    expect(priced.taxByRate).toEqual([{ taxRateBp: 1300, grossFen: 11_300, taxFen: 1300, netOfTaxFen: 10_000 }]);
    expect(priced.lines[0]?.netFen).toBe(11_300);
  });

  it('alone makes a valid cart', () => {
    const priced = priceCart(cart([], { deliveryFeeFen: 500, roundingRule: 'drop_jiao' }));
    expect(priced).toMatchObject({ subtotalFen: 0, totalFen: 500, roundingFen: 0, taxFen: 0, taxByRate: [] });
  });

  it.each<[unknown, ErrorCode]>([
    [-1, 'PRICE_INVALID'],
    [0.5, 'PRICE_INVALID'],
    [Number.NaN, 'PRICE_INVALID'],
    [MAX_AMOUNT_FEN + 1, 'AMOUNT_TOO_LARGE'],
  ])('refuses %s', (deliveryFeeFen, code) => {
    expectCode(() => priceCart(cart([], { deliveryFeeFen: deliveryFeeFen as number })), code);
  });
});

describe('priceCart: tax', () => {
  it('extracts 13 % from ¥113.00 as ¥13.00', () => {
    expect(includedTaxFen(11_300, 1300)).toBe(1300);
    expect(includedTaxFen(0, 1300)).toBe(0);
    expect(includedTaxFen(12_345, 0)).toBe(0);
    // 100 % VAT: half of the gross
    expect(includedTaxFen(1001, 10_000)).toBe(500); // 1001 − round(500.5) = 1001 − 501
  });

  it('computes tax once per rate on the aggregated net, not per line', () => {
    // Three ¥1.00 lines at 13 %: per line 100 − round(88.50) = 12, ×3 = 36; aggregated 300 − round(265.49) = 35.
    const priced = priceCart(cart([unitLine('A', 100), unitLine('B', 100), unitLine('C', 100)]));
    expect(priced.taxByRate).toEqual([{ taxRateBp: 1300, grossFen: 300, taxFen: 35, netOfTaxFen: 265 }]);
    expect(priced.lines.map((line) => line.taxFen)).toEqual([12, 12, 11]);
    expect(priced.taxFen).toBe(35);
  });

  it('lists every rate present, ascending, including a zero rate and a rate whose goods are free', () => {
    const priced = priceCart(
      cart([
        unitLine('A', 1130, 1, { taxRateBp: 1300 }),
        unitLine('B', 500, 1, { taxRateBp: 0 }),
        unitLine('C', 1090, 1, { taxRateBp: 900 }),
        unitLine('D', 800, 1, { taxRateBp: 600, discount: { kind: 'percent', bp: 10_000 } }),
      ]),
    );
    expect(priced.taxByRate).toEqual([
      { taxRateBp: 0, grossFen: 500, taxFen: 0, netOfTaxFen: 500 },
      { taxRateBp: 600, grossFen: 0, taxFen: 0, netOfTaxFen: 0 },
      { taxRateBp: 900, grossFen: 1090, taxFen: 90, netOfTaxFen: 1000 },
      { taxRateBp: 1300, grossFen: 1130, taxFen: 130, netOfTaxFen: 1000 },
    ]);
    expect(priced.lines.map((line) => line.taxFen)).toEqual([130, 0, 90, 0]);
    expect(priced.taxFen).toBe(220);
  });

  it('is computed after discounts, coupon and rounding', () => {
    // 11_300 − 10 % = 10_170 − coupon 1_000 = 9_170; tax = 9_170 − round(8_115.04) = 1_055
    const priced = priceCart(cart([unitLine('A', 11_300)], { orderDiscount: { kind: 'percent', bp: 1000 }, couponFen: 1000 }));
    expect(priced.taxFen).toBe(1055);
  });
});

describe('priceCart: cart-level validation', () => {
  it('accepts an empty cart as all zeros', () => {
    expect(priceCart(cart([]))).toEqual({
      lines: [],
      subtotalFen: 0,
      lineDiscountFen: 0,
      orderDiscountFen: 0,
      couponFen: 0,
      deliveryFeeFen: 0,
      roundingFen: 0,
      totalFen: 0,
      taxFen: 0,
      taxByRate: [],
      discretionaryDiscountFen: 0,
    });
  });

  it(`accepts ${MAX_CART_LINES} lines and refuses ${MAX_CART_LINES + 1}`, () => {
    const lines = Array.from({ length: MAX_CART_LINES }, (_, index) => unitLine(`L${index}`, 100));
    expect(priceCart(cart(lines)).subtotalFen).toBe(50_000);
    const error = expectCode(() => priceCart(cart([...lines, unitLine('extra', 100)])), 'CART_TOO_LARGE');
    expect(error.details).toMatchObject({ max: MAX_CART_LINES });
  });

  it('refuses a cart whose total is absurd even though every line is within the cap', () => {
    const half = MAX_AMOUNT_FEN / 2;
    expect(priceCart(cart([unitLine('A', half), unitLine('B', half)])).totalFen).toBe(MAX_AMOUNT_FEN);
    expectCode(() => priceCart(cart([unitLine('A', half), unitLine('B', half + 1)])), 'AMOUNT_TOO_LARGE');
    expectCode(() => priceCart(cart([unitLine('A', half), unitLine('B', half)], { deliveryFeeFen: 1 })), 'AMOUNT_TOO_LARGE');
  });

  it('refuses duplicate line ids, which would show one line’s money on two', () => {
    expectCode(() => priceCart(cart([unitLine('L1', 100), unitLine('L1', 200)])), 'VALIDATION_FAILED');
  });

  it('refuses lines that are not a list, and lines that are not objects', () => {
    expectCode(() => priceCart({ lines: 'L1', roundingRule: 'none' } as unknown as CartPricingInput), 'VALIDATION_FAILED');
    expectCode(() => priceCart({ lines: [null], roundingRule: 'none' } as unknown as CartPricingInput), 'VALIDATION_FAILED');
    expectCode(() => priceCart(null as unknown as CartPricingInput), 'VALIDATION_FAILED');
  });

  it('reports the first bad line by id', () => {
    const error = expectCode(() => priceCart(cart([unitLine('ok', 100), unitLine('bad', -5)])), 'PRICE_INVALID');
    expect(error.details).toMatchObject({ what: 'unitPriceFen of line bad' });
  });
});

describe('discountNeedsApproval', () => {
  const subtotal10000 = (lineDiscountFen: number, extra: Partial<CartPricingInput> = {}) =>
    priceCart(cart([unitLine('A', 10_000, 1, lineDiscountFen > 0 ? { discount: { kind: 'amount', fen: lineDiscountFen } } : {})], extra));

  it('allows a discount exactly at the cap and asks for a PIN one fen above it', () => {
    expect(discountNeedsApproval(subtotal10000(2000), 2000)).toBe(false);
    expect(discountNeedsApproval(subtotal10000(2001), 2000)).toBe(true);
  });

  it('counts line and order discounts together', () => {
    const priced = subtotal10000(1000, { orderDiscount: { kind: 'amount', fen: 1001 } });
    expect(priced.discretionaryDiscountFen).toBe(2001);
    expect(discountNeedsApproval(priced, 2000)).toBe(true);
  });

  it('does not count coupons or 抹零', () => {
    const priced = subtotal10000(0, { couponFen: 5000, roundingRule: 'drop_jiao' });
    expect(priced.discretionaryDiscountFen).toBe(0);
    expect(discountNeedsApproval(priced, 0)).toBe(false);
  });

  it('with a zero cap, any discretionary discount needs a PIN', () => {
    expect(discountNeedsApproval(subtotal10000(1), 0)).toBe(true);
    expect(discountNeedsApproval(subtotal10000(0), 0)).toBe(false);
  });

  it('refuses a cap that is not whole basis points from 0 to 10000', () => {
    for (const capBp of [-1, 10_001, 12.5, Number.NaN]) {
      expectCode(() => discountNeedsApproval(subtotal10000(0), capBp), 'SETTING_INVALID');
    }
  });
});
