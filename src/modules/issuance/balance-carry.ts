// Carrying a stored-value card's purse balance to its successor card.
// replace: the old card is in hand, so its last known balance moves at once.
// reissue: the old card is lost and may still pay tolls in lanes that upload late, so the balance
// moves only after the waiting period (ETC_REISSUE_WAIT_DAYS, default 7), taken from the old card's
// last known balance at release time — by then its late transactions have been charged.
// Ledger: purse-float (debit) → balance-carry (credit); the online load later writes the carried
// amount onto the new card without a second payment (balance-carry → purse-float).
import type { Knex } from 'knex';
import { DAY_MS, type Clock } from '../../platform/clock/clock.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { postEntry, registerBalanceInvariant } from '../ledger/index.ts';
import { lockCard, type CardView } from './card-repo.ts';

export type Carry = {
  id: bigint;
  fromCard: string;
  toCard: string;
  kind: 'replace' | 'reissue';
  amount: bigint | null;
  availableAt: Date;
  status: 'waiting' | 'available' | 'loaded';
};

const toCarry = (r: Record<string, any>): Carry => ({
  id: r.id,
  fromCard: r.from_card,
  toCard: r.to_card,
  kind: r.kind,
  amount: r.amount,
  availableAt: r.available_at,
  status: r.status,
});

async function postCarry(
  trx: Knex.Transaction,
  carryId: bigint,
  fromCard: string,
  amount: bigint,
  actor: string,
): Promise<void> {
  await postEntry(trx, {
    kind: 'balance-carry',
    reference: `carry:${carryId}`,
    memo: `purse balance of ${fromCard} carried`,
    actor,
    postings: [
      { account: 'purse-float', amount },
      { account: 'balance-carry', amount: -amount },
    ],
  });
}

export async function carryBalance(
  trx: Knex.Transaction,
  ctx: RequestContext,
  old: CardView,
  toCard: string,
  kind: 'replace' | 'reissue',
): Promise<Carry> {
  const now = ctx.app.clock.now();
  const immediate = kind === 'replace';
  const [row] = await trx('balance_carries')
    .insert({
      from_card: old.cardNo,
      to_card: toCard,
      kind,
      amount: immediate ? old.lastBalance : null,
      available_at: immediate ? now : new Date(now.getTime() + ctx.app.config.reissueWaitDays * DAY_MS),
      status: immediate ? 'available' : 'waiting',
      created_at: now,
      released_at: immediate ? now : null,
    })
    .returning('*');
  if (immediate) await postCarry(trx, row.id, old.cardNo, old.lastBalance, actorLabel(ctx.actor));
  return toCarry(row);
}

// Releases every reissue carry whose waiting period is over. One small transaction per carry, so a
// failure on one leaves the others done; re-running releases nothing twice (status guard + the
// journal's unique (kind, reference)). Run by a scheduled job; safe to call from several processes.
export async function releaseDueCarries(db: Knex, clock: Clock): Promise<number> {
  const due = await db('balance_carries')
    .where({ status: 'waiting' })
    .andWhere('available_at', '<=', clock.now())
    .pluck('id');
  let released = 0;
  for (const id of due) {
    released += await db.transaction(async (trx) => {
      const carry = await trx('balance_carries').where({ id, status: 'waiting' }).forUpdate().skipLocked().first();
      if (!carry) return 0;
      const amount = (await lockCard(trx, carry.from_card)).lastBalance;
      await trx('balance_carries').where({ id }).update({ status: 'available', amount, released_at: clock.now() });
      await postCarry(trx, id, carry.from_card, amount, 'system:carry-release');
      return 1;
    });
  }
  return released;
}

export async function carriesOf(db: Knex, cardNo: string): Promise<Carry[]> {
  const rows = await db('balance_carries').where({ from_card: cardNo }).orWhere({ to_card: cardNo }).orderBy('id');
  return rows.map(toCarry);
}

export function registerCarryInvariants(): void {
  registerBalanceInvariant({
    name: 'balance-carry account equals the carried balances not yet loaded',
    account: 'balance-carry',
    expectedSql: `select coalesce(sum(amount), 0) from balance_carries where status = 'available'`,
    what: 'available carries',
  });
}
