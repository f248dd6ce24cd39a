// Facts about cards that lane-transaction ingest needs, read in bulk (one statement per batch), and
// the overdraft events it raises for the status list. Owned by issuance because they read and write
// issuance's tables (cards, card_events, lifecycle_outbox); lanes calls them through index.ts.
import type { Knex } from 'knex';
import { arraysFor, unnestedRows } from '../../platform/db/binary-arrays.ts';
import { emitLifecycle } from './outbox.ts';

export type CardFactAt = {
  cardNo: string;
  at: Date;
  known: boolean; // false: no such card at this centre
  cardType: 22 | 23 | null;
  expiryDate: string | null; // YYYY-MM-DD, last day of validity
  accountId: bigint | null;
  // the status the card had at `at` (its latest card_events row at or before it); null when `at` is
  // before the card was issued
  statusAt: number | null;
};

const CARD_AT = [
  ['card_no', 'bpchar'],
  ['at', 'timestamptz'],
] as const;

// One row per (card, time) asked, in the order asked. The status at a time comes from the
// append-only card_events, so a loss reported after a trip does not reach back to it.
export async function cardFactsAt(db: Knex, items: Array<{ cardNo: string; at: Date }>): Promise<CardFactAt[]> {
  if (items.length === 0) return [];
  const a = arraysFor(db);
  const { rows } = await db.raw(
    `select c.card_type, c.expiry_date, c.account_id, c.card_no is not null as known,
            (select e.to_status from card_events e
              where e.card_no = v.card_no and e.at <= v.at
              order by e.at desc, e.id desc limit 1) as status_at
       from ${unnestedRows(CARD_AT, 'v', 'ord')}
       left join cards c on c.card_no = v.card_no
      order by v.ord`,
    [a.bpchar(items.map((i) => i.cardNo)), a.timestamptz(items.map((i) => i.at))],
  );
  return rows.map((r: Record<string, any>, i: number) => ({
    cardNo: items[i].cardNo,
    at: items[i].at,
    known: r.known,
    cardType: r.card_type ?? null,
    expiryDate: r.expiry_date ?? null,
    accountId: r.account_id ?? null,
    statusAt: r.status_at ?? null,
  }));
}

// The account's cards in service raise one outbox event each: card-overdrawn when the account went
// past its credit limit, card-overdraft-cleared when it is covered again. The card's status does not
// change (from = to); the status list turns the event into list reason 4 enter/leave.
export async function emitAccountOverdraft(
  trx: Knex.Transaction,
  e: { accountId: bigint; overdrawn: boolean; at: Date; balance: bigint; creditLimit: bigint },
): Promise<number> {
  const cards = await trx('cards')
    .where({ account_id: e.accountId })
    .whereIn('status', [1, 2, 3, 6])
    .orderBy('card_no')
    .select('card_no', 'card_type', 'customer_id', 'status');
  for (const c of cards) {
    await emitLifecycle(trx, {
      at: e.at,
      medium: 'card',
      mediumId: c.card_no,
      customerId: c.customer_id,
      event: e.overdrawn ? 'card-overdrawn' : 'card-overdraft-cleared',
      fromStatus: c.status,
      toStatus: c.status,
      payload: {
        reason: e.overdrawn ? 'account-overdrawn' : 'account-covered',
        cardType: c.card_type,
        accountId: String(e.accountId),
        balance: String(e.balance),
        creditLimit: String(e.creditLimit),
      },
    });
  }
  return cards.length;
}
