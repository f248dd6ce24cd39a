// Torn loads: MAC2 went out but no TAC came back. The card's next load init carries its online
// sequence and balance, authenticated by MAC1, and that settles the earlier load:
//   sequence advanced past it  → the card took the credit: confirmed from evidence (the expected TAC
//                                is recomputed and kept);
//   sequence unchanged          → the credit never happened: reversed (payment returned), or at the
//                                counter re-authorised without a second payment.
// The card's sequence only moves with a credit, and only the centre can produce MAC2, so an advance
// past an in-flight load can only be that load.
import { cardSerial } from '../../platform/crypto/pboc.ts';
import type { Knex } from 'knex';
import { AppError } from '../../platform/http/errors.ts';
import type { KeyService } from '../keys/index.ts';
import { raiseExceptions } from '../finance/index.ts';
import type { Load } from './load-repo.ts';
import { confirm, reverse } from './settle.ts';

export type Evidence = { balance: bigint; onlineSeq: number };

export async function settleTorn(
  trx: Knex.Transaction,
  at: Date,
  load: Load,
  card: Evidence,
  actor: string,
  keys: KeyService,
  reauthorise: boolean,
): Promise<'confirmed' | 'reversed' | 'reauthorised'> {
  if (card.onlineSeq > load.onlineSeq) {
    const tac = keys.expectedLoadTac({
      serial8: cardSerial(load.cardNo),
      keyVersion: load.keyVersion,
      newBalance: load.balanceBefore + load.amount,
      onlineSeq: load.onlineSeq,
      amount: load.amount,
      terminalId: load.terminalId,
      hostDate: load.hostDate,
      hostTime: load.hostTime,
    });
    await confirm(trx, at, load, actor, { resolution: 'evidence', tac, cardNow: card });
    if (card.onlineSeq > load.onlineSeq + 1) {
      await raiseExceptions(trx, at, [
        {
          kind: 'load-unexplained-online-seq',
          reference: `${load.cardNo}:${card.onlineSeq}`,
          source: 'topup',
          detail: { cardNo: load.cardNo, load: load.id, loadSeq: load.onlineSeq, reported: card.onlineSeq },
        },
      ]);
    }
    return 'confirmed';
  }
  if (card.onlineSeq === load.onlineSeq) {
    if (reauthorise) {
      await reverse(trx, at, load, actor, 'reauthorised', 'card not credited: re-authorised at the counter');
      return 'reauthorised';
    }
    await reverse(trx, at, load, actor, 'evidence-reversal', 'card not credited (online sequence unchanged)');
    return 'reversed';
  }
  // a genuine card cannot go back in sequence: leave the load in flight for a person
  throw new AppError(
    'load-in-flight',
    `load ${load.id} is in flight and the card's online sequence is behind it; finance must resolve it`,
  );
}
