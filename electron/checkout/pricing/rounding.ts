import { type RoundingRule } from './types';

/** The unit 抹零 rounds down to: a jiao (10 fen) or a yuan (100 fen). */
const ROUNDING_UNIT_FEN: Record<RoundingRule, number> = { none: 1, drop_fen: 10, drop_jiao: 100 };

/**
 * How many fen 抹零 removes from `payableFen` (goods after discounts and coupon, plus delivery).
 * ¥103.47 under drop_jiao becomes ¥103.00, so 47 fen. It is always in the customer's favour and
 * never more than `goodsNetFen`: the removed fen are taken off the goods lines, and a delivery fee
 * (which carries no goods to absorb it) is never rounded away.
 */
export function roundingFen(rule: RoundingRule, payableFen: number, goodsNetFen: number): number {
  return Math.min(payableFen % ROUNDING_UNIT_FEN[rule], goodsNetFen);
}
