import { TillError } from '../../api/errors';
import { formatFen, mulDivRoundHalfUp } from '../money';
import { BP_PER_WHOLE, type Discount } from './types';

/**
 * The fen a discount takes off `baseFen` (a line's original amount, or the goods left for an order
 * discount). Percentages round half up to the fen: 8.5折 on ¥9.99 is 999 × 1500 / 10000 = 149.85,
 * so ¥1.50 off and ¥8.49 to pay, as a calculator at the counter would say.
 *
 * An amount larger than its base is refused, not capped: a cashier who typed ¥50 off a ¥5 item
 * made a mistake, and quietly giving ¥5 would hide it. (Coupons are different; see priceCart.)
 */
export function discountAmountFen(discount: Discount | undefined, baseFen: number, where: string): number {
  if (discount === undefined) return 0;
  if (discount.kind === 'percent') return mulDivRoundHalfUp(baseFen, discount.bp, BP_PER_WHOLE);
  if (discount.fen > baseFen) {
    throw new TillError('DISCOUNT_INVALID', {
      reason: `${formatFen(discount.fen)} off is more than the ${formatFen(baseFen)} it applies to`,
      where,
      discountFen: discount.fen,
      baseFen,
    });
  }
  return discount.fen;
}
