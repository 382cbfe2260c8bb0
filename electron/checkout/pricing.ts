import { TillError } from '../api/errors';
import { allocateProportionally } from './allocate';
import { MAX_AMOUNT_FEN, mulDivRoundHalfUp } from './money';
import { discountAmountFen } from './pricing/discounts';
import { roundingFen } from './pricing/rounding';
import { computeTax } from './pricing/tax';
import { BP_PER_WHOLE, GRAMS_PER_KG, type CartLineInput, type CartPricingInput, type PricedCart, type PricedLine } from './pricing/types';
import { validateCart, validateLine } from './pricing/validate';

/**
 * Cart pricing: from what the cashier rang up to every fen on the screen, the receipt and the order.
 *
 * Order of operations (each step works on what the previous one left):
 *   original (price × qty, or price/kg × grams)
 *   − line discount            (per line)
 *   − order discount           (on the goods left, shared over lines by their net)
 *   − coupon                   (capped at the goods left, shared the same way)
 *   + delivery fee             (never discounted, never taxed here)
 *   − 抹零 rounding            (on goods + delivery, taken from goods lines only)
 * Every shared amount is split with allocateProportionally over the lines' remaining net, so no
 * line goes negative and Σ line nets + delivery = total to the fen.
 */

export * from './pricing/types';
export { discountAmountFen } from './pricing/discounts';
export { roundingFen } from './pricing/rounding';
export { includedTaxFen, computeTax } from './pricing/tax';

function originalFen(line: CartLineInput): number {
  const fen =
    line.soldBy === 'weight'
      ? // Weighed goods are priced per kg and weighed in grams: 0.523 kg at ¥12.80/kg is 669.44 → ¥6.69.
        mulDivRoundHalfUp(line.unitPriceFen, line.quantity, GRAMS_PER_KG)
      : // ≤ 1e10 × 9999 < 2^53, so this product of validated integers is exact.
        line.unitPriceFen * line.quantity;
  if (fen > MAX_AMOUNT_FEN) throw new TillError('AMOUNT_TOO_LARGE', { amount: fen, max: MAX_AMOUNT_FEN, what: `line ${line.lineId}` });
  return fen;
}

function priceValidLine(line: CartLineInput): { originalFen: number; lineDiscountFen: number } {
  const original = originalFen(line);
  return { originalFen: original, lineDiscountFen: discountAmountFen(line.discount, original, line.lineId) };
}

/** One line's amount before any order-level deduction. Validates the line and throws TillError. */
export function priceLine(line: CartLineInput): { originalFen: number; lineDiscountFen: number } {
  return priceValidLine(validateLine(line));
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

/**
 * Takes `amount` off `nets` in proportion to them. The caller guarantees amount ≤ Σ nets, which is
 * what makes every share ≤ its line's net.
 */
function deductProportionally(amount: number, nets: readonly number[]): { shares: number[]; remaining: number[] } {
  const shares = allocateProportionally(amount, nets);
  return { shares, remaining: nets.map((net, index) => net - (shares[index] ?? 0)) };
}

/** Prices a whole cart. Validates everything and throws TillError on bad input. */
export function priceCart(input: CartPricingInput): PricedCart {
  const cart = validateCart(input);
  const base = cart.lines.map(priceValidLine);

  const subtotalFen = sum(base.map((line) => line.originalFen));
  // Bounding the whole cart keeps every later sum far below 2^53 and refuses an absurd sale.
  if (subtotalFen + cart.deliveryFeeFen > MAX_AMOUNT_FEN) {
    throw new TillError('AMOUNT_TOO_LARGE', { amount: subtotalFen + cart.deliveryFeeFen, max: MAX_AMOUNT_FEN, what: 'cart total' });
  }

  const afterLineDiscounts = base.map((line) => line.originalFen - line.lineDiscountFen);
  const orderDiscountFen = discountAmountFen(cart.orderDiscount, sum(afterLineDiscounts), 'order');
  const order = deductProportionally(orderDiscountFen, afterLineDiscounts);

  // A coupon is a voucher, not cash: what the goods cannot absorb is forfeited, never paid out.
  const couponFen = Math.min(cart.couponFen, sum(order.remaining));
  const coupon = deductProportionally(couponFen, order.remaining);

  const goodsBeforeRoundingFen = sum(coupon.remaining);
  const roundingTotalFen = roundingFen(cart.roundingRule, goodsBeforeRoundingFen + cart.deliveryFeeFen, goodsBeforeRoundingFen);
  const rounding = deductProportionally(roundingTotalFen, coupon.remaining);

  const { taxByRate, lineTaxFen } = computeTax(
    cart.lines.map((line, index) => ({ taxRateBp: line.taxRateBp, netFen: rounding.remaining[index] ?? 0 })),
  );

  const lines: PricedLine[] = cart.lines.map((line, index) => ({
    lineId: line.lineId,
    originalFen: base[index]?.originalFen ?? 0,
    lineDiscountFen: base[index]?.lineDiscountFen ?? 0,
    orderDiscountFen: order.shares[index] ?? 0,
    couponFen: coupon.shares[index] ?? 0,
    roundingFen: rounding.shares[index] ?? 0,
    netFen: rounding.remaining[index] ?? 0,
    taxRateBp: line.taxRateBp,
    taxFen: lineTaxFen[index] ?? 0,
  }));

  const lineDiscountFen = sum(base.map((line) => line.lineDiscountFen));
  return {
    lines,
    subtotalFen,
    lineDiscountFen,
    orderDiscountFen,
    couponFen,
    deliveryFeeFen: cart.deliveryFeeFen,
    roundingFen: roundingTotalFen,
    totalFen: sum(rounding.remaining) + cart.deliveryFeeFen,
    taxFen: sum(taxByRate.map((row) => row.taxFen)),
    taxByRate,
    discretionaryDiscountFen: lineDiscountFen + orderDiscountFen,
  };
}

/**
 * True when the discretionary discount (line + order, not coupons or 抹零) exceeds capBp of the
 * subtotal; capBp comes from the 'checkout.discountCapBp' setting (2000 = 20 %). Compared as
 * discount × 10000 > subtotal × cap in integers, so a discount exactly at the cap needs no PIN.
 */
export function discountNeedsApproval(cart: PricedCart, capBp: number): boolean {
  if (!Number.isInteger(capBp) || capBp < 0 || capBp > BP_PER_WHOLE) {
    throw new TillError('SETTING_INVALID', { key: 'checkout.discountCapBp', value: String(capBp) });
  }
  return BigInt(cart.discretionaryDiscountFen) * BigInt(BP_PER_WHOLE) > BigInt(cart.subtotalFen) * BigInt(capBp);
}
