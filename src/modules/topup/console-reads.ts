// Read view of a card's loads for the service-hall console (card history).
import type { Knex } from 'knex';

export type LoadHistoryItem = {
  id: string;
  at: Date;
  channel: 'bank' | 'counter';
  clientId: string | null;
  actor: string;
  paymentMethod: string;
  amount: bigint;
  balanceBefore: bigint;
  status: 'authorised' | 'confirmed' | 'reversed';
  resolution: string | null;
};

// A card's loads created in [from, to), newest first, at most n.
export async function loadsOfCard(
  db: Knex,
  cardNo: string,
  from: Date | null,
  to: Date | null,
  n: number,
): Promise<LoadHistoryItem[]> {
  const q = db('loads')
    .where({ card_no: cardNo })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(n);
  if (from) q.where('created_at', '>=', from);
  if (to) q.where('created_at', '<', to);
  return (await q).map((r: Record<string, any>) => ({
    id: r.id,
    at: r.created_at,
    channel: r.channel,
    clientId: r.client_id,
    actor: r.actor,
    paymentMethod: r.payment_method,
    amount: r.amount,
    balanceBefore: r.balance_before,
    status: r.status,
    resolution: r.resolution,
  }));
}
