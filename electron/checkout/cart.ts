import { z } from 'zod';
import { TillError } from '../api/errors';
import { MAX_AMOUNT_FEN } from './money';
import { MAX_CART_LINES, priceCart, type Discount, type PricedCart, type PricedLine, type RoundingRule } from './pricing';

/**
 * A cart is plain data: what the cashier rang up and chose, never computed money. Prices, shares
 * of discounts, rounding and tax are always recomputed by pricing.ts from this, so there is one
 * source of truth for every fen on screen, on the receipt and in the order.
 */

export const discountSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('amount'), fen: z.number().int().positive().max(MAX_AMOUNT_FEN) }),
  z.object({ kind: z.literal('percent'), bp: z.number().int().min(1).max(10_000) }),
]);

export const cartLineSchema = z.object({
  lineId: z.string().min(1).max(40),
  productId: z.number().int().nullable(),
  sku: z.string().max(64),
  barcode: z.string().max(64).nullable(),
  name: z.string().max(200),
  nameEn: z.string().max(200).nullable(),
  unit: z.string().max(16),
  soldBy: z.enum(['unit', 'weight']),
  quantity: z.number().int().positive(),
  /** The price the line is charged at (per piece or per kg). */
  unitPriceFen: z.number().int().min(0).max(MAX_AMOUNT_FEN),
  /** The catalog price, kept to show overrides and label prices. */
  listPriceFen: z.number().int().min(0).max(MAX_AMOUNT_FEN),
  priceOverriddenBy: z.string().nullable(),
  /** A price-embedded scale label fixes the line total; quantity edits are refused. */
  fixedByLabel: z.boolean(),
  taxRateBp: z.number().int().min(0).max(10_000),
  discount: discountSchema.nullable(),
});

export const cartDataSchema = z.object({
  lines: z.array(cartLineSchema).max(MAX_CART_LINES),
  orderDiscount: discountSchema.nullable(),
  coupon: z.object({ code: z.string().min(1).max(64), fen: z.number().int().positive().max(MAX_AMOUNT_FEN) }).nullable(),
  /** The manager who approved discounts above the cap, and the largest total they approved. */
  approval: z.object({ userId: z.string(), approvedDiscountFen: z.number().int().min(0) }).nullable(),
  nextLine: z.number().int().positive(),
});

export type CartLine = z.infer<typeof cartLineSchema>;
export type CartData = z.infer<typeof cartDataSchema>;
export type { Discount };

export function emptyCart(): CartData {
  return { lines: [], orderDiscount: null, coupon: null, approval: null, nextLine: 1 };
}

export interface CartView {
  lines: (CartLine & { priced: PricedLine })[];
  totals: Omit<PricedCart, 'lines'>;
  /** Discretionary discount + coupon: what the cap is measured against. */
  capturedDiscountFen: number;
  discountCapFen: number;
  needsApproval: boolean;
  approvedBy: string | null;
  itemCount: number;
}

export function priceCartData(cart: CartData, roundingRule: RoundingRule): PricedCart {
  return priceCart({
    lines: cart.lines.map((line) => ({
      lineId: line.lineId,
      soldBy: line.soldBy,
      quantity: line.quantity,
      unitPriceFen: line.unitPriceFen,
      taxRateBp: line.taxRateBp,
      ...(line.discount ? { discount: line.discount } : {}),
    })),
    ...(cart.orderDiscount ? { orderDiscount: cart.orderDiscount } : {}),
    ...(cart.coupon ? { couponFen: cart.coupon.fen } : {}),
    roundingRule,
  });
}

/** Discounts a cashier chose (line, order) plus coupons: the amount the manager cap limits. */
export function discountForCap(priced: PricedCart): number {
  return priced.discretionaryDiscountFen + priced.couponFen;
}

export function capFen(priced: PricedCart, capBp: number): number {
  // Floor: the cap is a limit, so a fraction of a fen is not granted.
  return Number((BigInt(priced.subtotalFen) * BigInt(capBp)) / 10_000n);
}

export function viewCart(cart: CartData, roundingRule: RoundingRule, capBp: number): CartView {
  const priced = priceCartData(cart, roundingRule);
  const { lines: pricedLines, ...totals } = priced;
  const byId = new Map(pricedLines.map((line) => [line.lineId, line]));
  const discount = discountForCap(priced);
  const cap = capFen(priced, capBp);
  const approvedUpTo = cart.approval?.approvedDiscountFen ?? -1;
  return {
    lines: cart.lines.map((line) => ({ ...line, priced: byId.get(line.lineId)! })),
    totals,
    capturedDiscountFen: discount,
    discountCapFen: cap,
    needsApproval: discount > cap && discount > approvedUpTo,
    approvedBy: cart.approval?.userId ?? null,
    itemCount: cart.lines.reduce((n, line) => n + (line.soldBy === 'weight' ? 1 : line.quantity), 0),
  };
}

export function findLine(cart: CartData, lineId: string): CartLine {
  const line = cart.lines.find((candidate) => candidate.lineId === lineId);
  if (!line) throw new TillError('CART_LINE_NOT_FOUND', { lineId });
  return line;
}
