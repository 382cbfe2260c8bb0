import { TillError } from '../../api/errors';
import { assertFen, MAX_AMOUNT_FEN } from '../money';
import {
  MAX_CART_LINES,
  MAX_DISCOUNT_BP,
  MAX_TAX_RATE_BP,
  MAX_UNIT_QUANTITY,
  MAX_WEIGHT_GRAMS,
  ROUNDING_RULES,
  type CartLineInput,
  type CartPricingInput,
  type Discount,
  type RoundingRule,
} from './types';

/**
 * Pricing is the last gate before money is recorded, and its input crosses IPC and comes out of a
 * stored JSON cart, so TypeScript's types are a hope, not a guarantee. Every field is checked here
 * at runtime and turned into a TillError the cashier can read; arithmetic after this point may
 * assume integers in range.
 */

/** Input after validation: optional fields resolved, so the arithmetic has no undefined to handle. */
export interface ValidCart {
  lines: CartLineInput[];
  orderDiscount: Discount | undefined;
  couponFen: number;
  deliveryFeeFen: number;
  roundingRule: RoundingRule;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null ? 'null' : typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** -0 passes every range check; normalise it so results compare equal under Object.is and deep equality. */
function withoutNegativeZero(value: number): number {
  return value === 0 ? 0 : value;
}

/** A non-negative fen amount; `what` names it in the error so the UI can say which field is wrong. */
export function assertNonNegativeFen(value: unknown, what: string): number {
  const fen = assertFen(value, what);
  if (fen < 0) throw new TillError('PRICE_INVALID', { price: show(value), what });
  return fen;
}

/**
 * A discount's own shape, before it is compared with what it applies to. `where` is the line id or
 * 'order'. Amount discounts must be at least a fen and percent discounts at least 1 bp: a zero
 * discount is the absence of one, and the cart removes it rather than storing it.
 */
export function validateDiscount(value: unknown, where: string): Discount {
  if (!isRecord(value)) throw new TillError('DISCOUNT_INVALID', { reason: 'not a discount', where, value: show(value) });
  if (value.kind === 'amount') {
    if (!isIntegerIn(value.fen, 1, MAX_AMOUNT_FEN)) {
      throw new TillError('DISCOUNT_INVALID', { reason: `amount must be a whole number of fen from 1 to ${MAX_AMOUNT_FEN}`, where, fen: show(value.fen) });
    }
    return { kind: 'amount', fen: value.fen };
  }
  if (value.kind === 'percent') {
    if (!isIntegerIn(value.bp, 1, MAX_DISCOUNT_BP)) {
      throw new TillError('DISCOUNT_INVALID', { reason: `percent must be whole basis points from 1 to ${MAX_DISCOUNT_BP}`, where, bp: show(value.bp) });
    }
    return { kind: 'percent', bp: value.bp };
  }
  throw new TillError('DISCOUNT_INVALID', { reason: 'unknown discount kind', where, kind: show(value.kind) });
}

export function validateLine(value: unknown): CartLineInput {
  if (!isRecord(value)) throw new TillError('VALIDATION_FAILED', { summary: 'a cart line is not an object', value: show(value) });
  const { lineId, soldBy, quantity, unitPriceFen, taxRateBp, discount } = value;
  if (typeof lineId !== 'string' || lineId.length === 0) {
    throw new TillError('VALIDATION_FAILED', { summary: 'lineId must be a non-empty string', field: 'lineId', value: show(lineId) });
  }
  if (soldBy !== 'unit' && soldBy !== 'weight') {
    throw new TillError('VALIDATION_FAILED', { summary: `soldBy must be 'unit' or 'weight' (line ${lineId})`, field: 'soldBy', lineId, value: show(soldBy) });
  }
  const maxQuantity = soldBy === 'weight' ? MAX_WEIGHT_GRAMS : MAX_UNIT_QUANTITY;
  if (!isIntegerIn(quantity, 1, maxQuantity)) {
    throw new TillError('QUANTITY_INVALID', { quantity: show(quantity), lineId, soldBy, min: 1, max: maxQuantity });
  }
  const price = assertNonNegativeFen(unitPriceFen, `unitPriceFen of line ${lineId}`);
  if (!isIntegerIn(taxRateBp, 0, MAX_TAX_RATE_BP)) {
    throw new TillError('VALIDATION_FAILED', {
      summary: `taxRateBp must be whole basis points from 0 to ${MAX_TAX_RATE_BP} (line ${lineId})`,
      field: 'taxRateBp',
      lineId,
      value: show(taxRateBp),
    });
  }
  const line: CartLineInput = { lineId, soldBy, quantity, unitPriceFen: price, taxRateBp: withoutNegativeZero(taxRateBp) };
  // null is accepted as "no discount": stored carts use null where the type says optional.
  if (discount !== undefined && discount !== null) line.discount = validateDiscount(discount, lineId);
  return line;
}

export function validateCart(input: CartPricingInput): ValidCart {
  const value: unknown = input;
  if (!isRecord(value)) throw new TillError('VALIDATION_FAILED', { summary: 'the cart is not an object' });
  if (!Array.isArray(value.lines)) throw new TillError('VALIDATION_FAILED', { summary: 'cart lines must be a list', field: 'lines' });
  // Checked before any per-line work so an oversized cart costs nothing to reject.
  if (value.lines.length > MAX_CART_LINES) throw new TillError('CART_TOO_LARGE', { max: MAX_CART_LINES, count: value.lines.length });

  const lines = value.lines.map((line: unknown) => validateLine(line));
  const seen = new Set<string>();
  for (const { lineId } of lines) {
    // Priced lines are matched back to cart lines by id; a duplicate would show one line's money on two.
    if (seen.has(lineId)) throw new TillError('VALIDATION_FAILED', { summary: `duplicate lineId ${lineId}`, field: 'lineId', lineId });
    seen.add(lineId);
  }

  if (!(ROUNDING_RULES as readonly unknown[]).includes(value.roundingRule)) {
    throw new TillError('VALIDATION_FAILED', {
      summary: `roundingRule must be one of ${ROUNDING_RULES.join(', ')}`,
      field: 'roundingRule',
      value: show(value.roundingRule),
    });
  }

  const orderDiscount =
    value.orderDiscount === undefined || value.orderDiscount === null ? undefined : validateDiscount(value.orderDiscount, 'order');

  let couponFen = 0;
  if (value.couponFen !== undefined && value.couponFen !== null) {
    if (typeof value.couponFen === 'number' && Number.isInteger(value.couponFen) && value.couponFen > MAX_AMOUNT_FEN) {
      throw new TillError('AMOUNT_TOO_LARGE', { amount: value.couponFen, max: MAX_AMOUNT_FEN, what: 'couponFen' });
    }
    if (!isIntegerIn(value.couponFen, 0, MAX_AMOUNT_FEN)) {
      throw new TillError('DISCOUNT_INVALID', { reason: 'coupon must be a whole number of fen, 0 or more', where: 'coupon', fen: show(value.couponFen) });
    }
    couponFen = withoutNegativeZero(value.couponFen);
  }

  const deliveryFeeFen =
    value.deliveryFeeFen === undefined || value.deliveryFeeFen === null ? 0 : assertNonNegativeFen(value.deliveryFeeFen, 'deliveryFeeFen');

  return { lines, orderDiscount, couponFen, deliveryFeeFen, roundingRule: value.roundingRule as RoundingRule };
}
