// What a lane batch leaves to just after its commit, in one short transaction of its own: the purses
// its stored-value purchases show, applied to the cards, and the overdraft judgement of the debit
// accounts it charged. Both lock rows every exit batch of the same cards and accounts shares; held
// for this transaction only, they are not held for the whole batch. The upload stays marked
// (purses_pending, overdrafts_pending) until this has run; the review job finishes what a dying
// process left.
import type { Knex } from 'knex';
import { inTransaction } from '../../platform/db/transaction.ts';
import { catchUpAllPurses, recordLanePurses, type PurseReading } from '../issuance/index.ts';
import { raiseOverdrafts } from './overdraft.ts';

export type UploadCompletion = { purses: PurseReading[]; overdraftAccounts: bigint[] };

export function needsCompletion(c: UploadCompletion): boolean {
  return c.purses.length > 0 || c.overdraftAccounts.length > 0;
}

/** Cards first (in card order), then the accounts' overdraft rows (in id order). Returns how many
 *  accounts went overdrawn. */
export async function completeUpload(db: Knex, uploadId: bigint, c: UploadCompletion, at: Date): Promise<number> {
  return inTransaction(db, async (trx) => {
    await recordLanePurses(trx, c.purses);
    const raised = await raiseOverdrafts(trx, c.overdraftAccounts, at);
    await trx('lane_uploads').where({ id: uploadId }).update({ purses_pending: false, overdrafts_pending: false });
    return raised;
  });
}

/** Uploads whose purses were never applied: the uploads do not say which cards they read without a
 *  scan of their rows, so every stored-value card is caught up once (a range of cards at a time),
 *  then the marks seen before are cleared. Returns how many cards moved. */
export async function applyUnappliedPurses(db: Knex): Promise<number> {
  const pending: string[] = await db('lane_uploads').where({ purses_pending: true }).pluck('id');
  if (pending.length === 0) return 0;
  const moved = await catchUpAllPurses(db);
  await db('lane_uploads').whereIn('id', pending).update({ purses_pending: false });
  return moved;
}
