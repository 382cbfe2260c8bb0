/**
 * Splitting one amount over several lines (an order discount, a coupon, 抹零, a rate's tax) is where
 * tills lose or invent fen: rounding each share on its own makes the shares sum to one fen more or
 * less than the whole. The largest-remainder method gives each part the floor of its exact share,
 * then hands the few fen left over to the parts whose shares were cut the most, so the parts
 * always add up to the total exactly.
 */

function toNonNegativeBigInt(value: number, name: string): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`allocateProportionally: ${name} must be a non-negative safe integer, got ${String(value)}`);
  }
  return BigInt(value);
}

/**
 * Splits `total` over `weights` in proportion. Guarantees (exact, BigInt inside, so total × weight
 * may exceed 2^53):
 * - the parts sum to `total` exactly;
 * - each part is the floor or the ceiling of its exact share total × w / Σw;
 * - a zero weight gets 0;
 * - when total ≤ Σw no part exceeds its weight (so taking a share of a line's net never makes it
 *   negative);
 * - leftover fen go to the largest remainders, ties to the earlier index (deterministic, so the
 *   same cart always prints the same receipt).
 * Throws RangeError when total > 0 and every weight is 0: there is nothing to put it on, and
 * silently dropping it is exactly the bug this exists to prevent.
 */
export function allocateProportionally(total: number, weights: readonly number[]): number[] {
  const whole = toNonNegativeBigInt(total, 'total');
  const bigWeights = weights.map((weight, index) => toNonNegativeBigInt(weight, `weights[${index}]`));
  const weightSum = bigWeights.reduce((sum, weight) => sum + weight, 0n);

  if (weightSum === 0n) {
    if (whole === 0n) return weights.map(() => 0);
    throw new RangeError(`allocateProportionally: cannot allocate ${total} over weights that are all zero`);
  }

  const floors: bigint[] = [];
  const remainders: bigint[] = [];
  let allocated = 0n;
  for (const weight of bigWeights) {
    const exact = whole * weight;
    const floor = exact / weightSum;
    floors.push(floor);
    remainders.push(exact % weightSum);
    allocated += floor;
  }

  // Σ remainders = leftover × Σw and each remainder < Σw, so more than `leftover` parts have a
  // non-zero remainder: the bumps below never land on a zero weight or on an exact share.
  const leftover = Number(whole - allocated);
  if (leftover === 0) return floors.map((part) => Number(part));
  const byRemainder = remainders
    .map((remainder, index) => ({ remainder, index }))
    .sort((x, y) => (x.remainder === y.remainder ? x.index - y.index : x.remainder > y.remainder ? -1 : 1));
  for (const { index } of byRemainder.slice(0, leftover)) {
    floors[index] = (floors[index] ?? 0n) + 1n;
  }

  return floors.map((part) => Number(part));
}
