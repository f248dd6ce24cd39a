// Closing a counter user's till for a local business day. The user (or a supervisor for them) declares
// the cash counted; the expected cash is the ledger's: cash the user's entries took that day less cash
// they paid out. A supervisor who is neither the user nor the declarer confirms; the expected cash is
// taken again at that moment, and a difference is posted (counter-cash ↔ cash-over-short) and raised
// as a finance exception owned by the hall.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { DAY_MS, localDayStart } from '../../platform/clock/clock.ts';
import { inTransaction, isUniqueViolation } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { UserView } from '../access/index.ts';
import { raiseExceptions } from '../finance/index.ts';
import { ensureAccounts, postEntry, tillOf } from '../ledger/index.ts';

export const CASH_OVER_SHORT = {
  code: 'cash-over-short',
  name: 'Counter cash shortages (+) and overages (−)',
  kind: 'expense',
} as const;

export type TillClose = {
  id: bigint;
  businessDate: string;
  username: string;
  expectedCash: bigint;
  countedCash: bigint;
  difference: bigint;
  state: 'declared' | 'confirmed';
  declaredBy: string;
  declaredAt: Date;
  confirmedBy: string | null;
  confirmedAt: Date | null;
  slipId: bigint | null;
};

export const toTillClose = (r: Record<string, any>): TillClose => ({
  id: BigInt(r.id),
  businessDate: r.business_date,
  username: r.username,
  expectedCash: BigInt(r.expected_cash),
  countedCash: BigInt(r.counted_cash),
  difference: BigInt(r.difference),
  state: r.state,
  declaredBy: r.declared_by,
  declaredAt: r.declared_at,
  confirmedBy: r.confirmed_by,
  confirmedAt: r.confirmed_at,
  slipId: r.slip_id == null ? null : BigInt(r.slip_id),
});

const userLabel = (u: { id: bigint; username: string; role: UserView['role'] }) =>
  actorLabel({ kind: 'user', id: String(u.id), userId: u.id, username: u.username, role: u.role });

async function expectedCash(db: Knex, user: UserView, date: string): Promise<bigint> {
  const start = localDayStart(date);
  const till = await tillOf(db, userLabel(user), start, new Date(start.getTime() + DAY_MS), { limit: 1, offset: 0 });
  return till.takenByMethod.cash - till.paidOutByMethod.cash;
}

export async function declareTillClose(
  db: Knex,
  ctx: RequestContext,
  user: UserView,
  date: string,
  countedCash: bigint,
): Promise<TillClose> {
  return inTransaction(db, async (trx) => {
    const expected = await expectedCash(trx, user, date);
    try {
      const [row] = await trx('till_closes')
        .insert({
          business_date: date,
          user_id: user.id,
          username: user.username,
          expected_cash: expected,
          counted_cash: countedCash,
          difference: countedCash - expected,
          state: 'declared',
          declared_by: actorLabel(ctx.actor),
          declared_at: ctx.app.clock.now(),
        })
        .returning('*');
      await audit(trx, ctx, {
        action: 'till.close',
        entity: 'till',
        entityId: `${date}:${user.username}`,
        detail: { counted: countedCash.toString(), expected: expected.toString() },
      });
      return toTillClose(row);
    } catch (err) {
      if (isUniqueViolation(err))
        throw new AppError('till-already-closed', `${user.username}'s till of ${date} is closed`);
      throw err;
    }
  });
}

export async function confirmTillClose(
  db: Knex,
  ctx: RequestContext,
  id: bigint,
  user: (id: bigint) => Promise<UserView | null>,
): Promise<TillClose> {
  return inTransaction(db, async (trx) => {
    const row = await trx('till_closes').where({ id }).forUpdate().first();
    if (!row) throw new AppError('till-close-not-found', `no till close ${id}`);
    if (row.state === 'confirmed')
      throw new AppError('till-close-confirmed', `till close ${id} was confirmed by ${row.confirmed_by}`);
    const me = actorLabel(ctx.actor);
    const owner = await user(BigInt(row.user_id));
    if (!owner) throw new AppError('till-close-not-found', `no till close ${id}`);
    if (row.declared_by === me || userLabel(owner) === me)
      throw new AppError('four-eyes-required', 'a till close is confirmed by someone other than its user and declarer');
    const date: string = row.business_date;
    const expected = await expectedCash(trx, owner, date);
    const difference = BigInt(row.counted_cash) - expected;
    const [saved] = await trx('till_closes')
      .where({ id })
      .update({
        state: 'confirmed',
        confirmed_by: me,
        confirmed_at: ctx.app.clock.now(),
        expected_cash: expected,
        difference,
      })
      .returning('*');
    const reference = `till:${date}:${owner.username}`;
    if (difference !== 0n) {
      await ensureAccounts(trx, [CASH_OVER_SHORT]);
      // a shortage: the drawer holds less than the ledger's counter cash; an overage: more
      await postEntry(trx, {
        kind: 'till-difference',
        reference,
        memo: difference < 0n ? 'counter cash short at till close' : 'counter cash over at till close',
        actor: me,
        postings: [
          { account: 'counter-cash', amount: difference },
          { account: CASH_OVER_SHORT.code, amount: -difference },
        ],
      });
      await raiseExceptions(trx, ctx.app.clock.now(), [
        {
          kind: 'till-difference',
          reference,
          source: 'till-close',
          amount: difference,
          owner: 'hall',
          detail: { user: owner.username, date, expected: expected.toString(), counted: String(row.counted_cash) },
        },
      ]);
    }
    await audit(trx, ctx, {
      action: 'till.close-confirm',
      entity: 'till',
      entityId: `${date}:${owner.username}`,
      detail: { difference: difference.toString() },
    });
    return toTillClose(saved);
  });
}

export async function listTillCloses(db: Knex, date: string, username?: string): Promise<TillClose[]> {
  const q = db('till_closes').where({ business_date: date }).orderBy('username');
  if (username) q.where({ username });
  return (await q).map(toTillClose);
}
