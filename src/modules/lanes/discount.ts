// The own-card discount (seed-system rule): this centre's cards on this province's roads pay the fee
// less a percentage. Rounding rule, stated once and used everywhere (ingest, lanes-sim, docs):
//   discount = round-half-up(fee × percent / 100) to the fen;  amount = fee − discount
// e.g. fee 4500, 5 % → discount 225, amount 4275; fee 4510 → 225.5 → 226, amount 4284.
// decimal.js computes the ratio exactly (percent has two decimals); the results are integer fen.
import { Decimal } from 'decimal.js';

export const OWN_CARD = 'own-card';

export function discountFen(fee: bigint, percent: string): bigint {
  if (fee < 0n) throw new RangeError('fee must not be negative');
  const d = new Decimal(fee.toString()).mul(new Decimal(percent)).div(100).toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
  return BigInt(d.toString()); // an integer Decimal far below 1e21 prints as plain digits
}

export function ownCardAmount(fee: bigint, percent: string): bigint {
  return fee - discountFen(fee, percent);
}
