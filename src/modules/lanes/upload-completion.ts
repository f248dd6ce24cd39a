// What a lane batch leaves to just after its commit, in one short transaction of its own: the purses
// its stored-value purchases show, applied to the cards, and the overdraft judgement of the debit
// accounts it charged. Both lock rows every exit batch of the same cards and accounts shares; held
// for this transaction only, they are not held for the whole batch. The upload stays marked
// (purses_pending, overdrafts_pending) until this has run; the review job finishes what a dying
// process left (finishAbandonedUploads).
import type { Knex } from 'knex';
import { inTransaction } from '../../platform/db/transaction.ts';
import { catchUpAllPurses, recordLanePurses, type PurseReading } from '../issuance/index.ts';
import { judgeOwingAccounts, raiseOverdrafts } from './overdraft.ts';

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

// A completion runs within milliseconds of its batch's commit. An upload still marked a minute after
// it was received was left by a process that died in between; one marked more recently is most likely
// having its completion run now, and sweeping every card and account for it, review after review
// under steady traffic, would be work for nothing.
export const ABANDONED_AFTER_MS = 60_000;

/** What uploads abandoned by a dying process left undone: if any left purses, every stored-value card
 *  is caught up to its readings (a range of cards at a time); if any left judgements, every account
 *  that owes is judged (the uploads do not say which cards or accounts without a scan of their rows).
 *  Then their marks are cleared. Returns how many cards moved and how many accounts went overdrawn. */
export async function finishAbandonedUploads(db: Knex, at: Date): Promise<{ moved: number; raised: number }> {
  const abandoned: Array<{ id: string; purses_pending: boolean; overdrafts_pending: boolean }> = await db(
    'lane_uploads',
  )
    .where((q) => q.where({ purses_pending: true }).orWhere({ overdrafts_pending: true }))
    .andWhere('received_at', '<=', new Date(at.getTime() - ABANDONED_AFTER_MS))
    .select('id', 'purses_pending', 'overdrafts_pending');
  const purses = abandoned.filter((u) => u.purses_pending).map((u) => String(u.id));
  let moved = 0;
  if (purses.length > 0) {
    moved = await catchUpAllPurses(db);
    await db('lane_uploads').whereIn('id', purses).update({ purses_pending: false });
  }
  const judgements = abandoned.filter((u) => u.overdrafts_pending).map((u) => String(u.id));
  return { moved, raised: await judgeOwingAccounts(db, judgements, at) };
}
