// A stored-value card's purse as the centre knows it, and the balance carries waiting for it.
// The online load (topup module) is the writer: it records what a load did to the card and
// spends or returns an available carry.
import type { Knex } from 'knex';
import { AppError } from '../../platform/http/errors.ts';

// Records the card's purse after a confirmed load (or a newer card reading). The online sequence
// only moves forward, so an older reading arriving late cannot overwrite a newer one.
export async function recordPurseState(
  trx: Knex.Transaction,
  cardNo: string,
  state: { balance: bigint; onlineSeq: number },
): Promise<void> {
  await trx('cards')
    .where({ card_no: cardNo })
    .andWhere('last_online_seq', '<=', state.onlineSeq)
    .update({ last_balance: state.balance, last_online_seq: state.onlineSeq });
}

// The available carry for this card, if any, reserved for a load of exactly its amount.
export async function reserveCarry(trx: Knex.Transaction, cardNo: string, amount: bigint): Promise<bigint> {
  const carry = await trx('balance_carries').where({ to_card: cardNo, status: 'available' }).forUpdate().first();
  if (!carry) throw new AppError('carry-not-available', `card ${cardNo} has no carried balance available`);
  if (carry.amount !== amount)
    throw new AppError('amount-out-of-range', `the carried balance is ${carry.amount} fen: load exactly that amount`);
  await trx('balance_carries').where({ id: carry.id }).update({ status: 'loaded' });
  return carry.id;
}

// A reversed carry-over load gives the carried balance back.
export async function restoreCarry(trx: Knex.Transaction, carryId: bigint): Promise<void> {
  await trx('balance_carries').where({ id: carryId, status: 'loaded' }).update({ status: 'available' });
}
