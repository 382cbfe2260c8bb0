/**
 * The shapes pricing reads and writes. Every amount is an integer number of fen; every rate is in
 * basis points (1 bp = 0.01 %), so no percentage ever needs a fraction.
 */

/** 抹零: drop the fen digit ('drop_fen'), or the jiao and fen digits ('drop_jiao'), in the customer's favour. */
export type RoundingRule = 'none' | 'drop_fen' | 'drop_jiao';

export const ROUNDING_RULES: readonly RoundingRule[] = ['none', 'drop_fen', 'drop_jiao'];

/**
 * A fixed amount off, or a percentage off in basis points OFF the price: bp 1500 is 15 % off,
 * which Chinese shops call 8.5折 (pay 85 %). 0 < bp ≤ 10000.
 */
export type Discount = { kind: 'amount'; fen: number } | { kind: 'percent'; bp: number };

export interface CartLineInput {
  lineId: string;
  soldBy: 'unit' | 'weight';
  /** Pieces (1..9999), or grams when soldBy = 'weight' (1..100000). */
  quantity: number;
  /** Per piece, or per kilogram when sold by weight; 0..MAX_AMOUNT_FEN. */
  unitPriceFen: number;
  /** VAT included in the price, in basis points (1300 = 13 %), 0..10000. */
  taxRateBp: number;
  discount?: Discount;
}

export interface CartPricingInput {
  /** At most MAX_CART_LINES. */
  lines: readonly CartLineInput[];
  /** Applied to the goods left after line discounts. */
  orderDiscount?: Discount;
  /** Applied after the order discount, capped at the goods left: a coupon never gives change. */
  couponFen?: number;
  /** Not discounted, added before rounding, and carries no tax in this model (see tax.ts). */
  deliveryFeeFen?: number;
  roundingRule: RoundingRule;
}

export interface PricedLine {
  lineId: string;
  /** unit price × quantity, or round-half-up(price per kg × grams / 1000). */
  originalFen: number;
  lineDiscountFen: number;
  /** This line's share of the order discount. */
  orderDiscountFen: number;
  /** This line's share of the coupon actually used. */
  couponFen: number;
  /** This line's share of the 抹零 amount. */
  roundingFen: number;
  /** originalFen − the four deductions above; never negative. */
  netFen: number;
  taxRateBp: number;
  /** This line's share of the tax included in its rate's aggregated net. */
  taxFen: number;
}

export interface TaxByRate {
  taxRateBp: number;
  /** Σ net of the goods lines at this rate (tax included). */
  grossFen: number;
  taxFen: number;
  netOfTaxFen: number;
}

export interface PricedCart {
  lines: PricedLine[];
  /** Σ originalFen. */
  subtotalFen: number;
  /** Σ line discounts. */
  lineDiscountFen: number;
  orderDiscountFen: number;
  /** The coupon actually used (≤ the coupon offered). */
  couponFen: number;
  deliveryFeeFen: number;
  /** Amount removed by 抹零 (≥ 0). */
  roundingFen: number;
  /** subtotal − line discounts − order discount − coupon + delivery − rounding. */
  totalFen: number;
  /** Σ taxByRate.taxFen = Σ line taxFen. */
  taxFen: number;
  /** Ascending by rate; one row for every rate present in the cart, even if its goods net to 0. */
  taxByRate: TaxByRate[];
  /** Line + order discounts: what a cashier chose to give (excludes coupon and rounding). */
  discretionaryDiscountFen: number;
}

export const MAX_CART_LINES = 500;
/** Pieces on one line. */
export const MAX_UNIT_QUANTITY = 9_999;
/** 100 kg on one weighed line. */
export const MAX_WEIGHT_GRAMS = 100_000;
export const MAX_TAX_RATE_BP = 10_000;
/** 100 % off. */
export const MAX_DISCOUNT_BP = 10_000;
export const BP_PER_WHOLE = 10_000;
export const GRAMS_PER_KG = 1_000;
