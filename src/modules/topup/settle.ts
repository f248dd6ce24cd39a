// How a load ends, money included: confirmation (loads in flight → purse float, card purse state
// recorded) and reversal (loads in flight → back to the payer, a carried balance restored).
// Every path — TAC, card evidence, bank reversal — goes through these two functions.
import type { Knex } from 'knex';
import { postEntry } from '../ledger/index.ts';
import { recordPurseState, restoreCarry } from '../issuance/index.ts';
import { setLoadState, type Load, type Resolution } from './load-repo.ts';

export async function confirm(
  trx: Knex.Transaction,
  at: Date,
  load: Load,
  actor: string,
  how: { resolution: 'tac' | 'evidence'; tac: string; cardNow?: { balance: bigint; onlineSeq: number } },
): Promise<bigint> {
  await postEntry(trx, {
    kind: 'load-confirm',
    reference: load.id,
    memo: `load onto ${load.cardNo} (${how.resolution})`,
    actor,
    postings: [
      { account: 'loads-in-flight', amount: load.amount },
      { account: 'purse-float', amount: -load.amount },
    ],
  });
  const balance = load.balanceBefore + load.amount;
  await recordPurseState(trx, load.cardNo, { balance, onlineSeq: load.onlineSeq + 1 });
  // the card's own reading at a later init is newer still (it may have paid tolls since)
  if (how.cardNow) await recordPurseState(trx, load.cardNo, how.cardNow);
  await setLoadState(
    trx,
    at,
    load,
    'confirmed',
    actor,
    how.resolution === 'tac' ? 'TAC verified' : 'card shows the credit',
    { resolution: how.resolution, tac: how.tac },
  );
  return balance;
}

// reauthorised: the reserved payment moves to a new load unchanged, so no money moves here.
export async function reverse(
  trx: Knex.Transaction,
  at: Date,
  load: Load,
  actor: string,
  resolution: Exclude<Resolution, 'tac' | 'evidence'>,
  reason: string,
): Promise<void> {
  if (resolution !== 'reauthorised') {
    await postEntry(trx, {
      kind: 'load-reverse',
      reference: load.id,
      memo: `load onto ${load.cardNo} reversed: ${reason}`,
      actor,
      postings: [
        { account: 'loads-in-flight', amount: load.amount },
        { account: load.payerAccount, amount: -load.amount },
      ],
    });
    if (load.carryId !== null) await restoreCarry(trx, load.carryId);
  }
  await setLoadState(trx, at, load, 'reversed', actor, reason, { resolution });
}
