import { allocateProportionally } from '../allocate';
import { mulDivRoundHalfUp } from '../money';
import { BP_PER_WHOLE, type TaxByRate } from './types';

/**
 * Chinese shelf prices include VAT (价税合计), so tax is extracted, not added:
 * tax = gross − round-half-up(gross × 10000 / (10000 + rate)). ¥113.00 at 13 % holds ¥13.00.
 */
export function includedTaxFen(grossFen: number, taxRateBp: number): number {
  return grossFen - mulDivRoundHalfUp(grossFen, BP_PER_WHOLE, BP_PER_WHOLE + taxRateBp);
}

export interface TaxableLine {
  taxRateBp: number;
  /** What the customer pays for the line, tax included. */
  netFen: number;
}

/**
 * Tax per rate, computed once on each rate's aggregated net (how a 发票 and the daily report state
 * it, and so one rounding per rate rather than one per line), then shared back over that rate's
 * lines in proportion to their net so Σ line tax = Σ rate tax exactly.
 *
 * Only goods lines come here: the delivery fee is treated as outside the VAT base in this model
 * (a till that must tax delivery would add it as a goods line with its own rate).
 */
export function computeTax(lines: readonly TaxableLine[]): { taxByRate: TaxByRate[]; lineTaxFen: number[] } {
  const indexesByRate = new Map<number, number[]>();
  lines.forEach((line, index) => {
    const indexes = indexesByRate.get(line.taxRateBp);
    if (indexes) indexes.push(index);
    else indexesByRate.set(line.taxRateBp, [index]);
  });

  const lineTaxFen = lines.map(() => 0);
  const taxByRate: TaxByRate[] = [];
  for (const taxRateBp of [...indexesByRate.keys()].sort((a, b) => a - b)) {
    const indexes = indexesByRate.get(taxRateBp) ?? [];
    const nets = indexes.map((index) => lines[index]?.netFen ?? 0);
    const grossFen = nets.reduce((sum, net) => sum + net, 0);
    const taxFen = includedTaxFen(grossFen, taxRateBp);
    // tax ≤ gross, so no line's tax exceeds its own net.
    const shares = allocateProportionally(taxFen, nets);
    indexes.forEach((lineIndex, position) => {
      lineTaxFen[lineIndex] = shares[position] ?? 0;
    });
    taxByRate.push({ taxRateBp, grossFen, taxFen, netOfTaxFen: grossFen - taxFen });
  }
  return { taxByRate, lineTaxFen };
}
