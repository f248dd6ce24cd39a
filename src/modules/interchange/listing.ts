// Packages of a clearing date for staff: both ways, with delivery and confirmation.
import type { Knex } from 'knex';

export async function listPackages(
  db: Knex,
  date: string,
  direction?: 'outbound' | 'inbound',
): Promise<Array<Record<string, unknown>>> {
  const q = db('interchange_packages as p')
    .leftJoin('interchange_confirmations as c', 'c.package_id', 'p.id')
    .where('p.clear_target_date', date)
    .orderBy(['p.direction', 'p.id'])
    .select(
      'p.id',
      'p.direction',
      'p.message_id',
      'p.sender',
      'p.receiver',
      'p.count',
      'p.amount',
      'p.state',
      'p.result',
      'p.attempts',
      'p.last_error',
      'p.delivered_at',
      'c.message_id as confirmation_id',
      'c.count as confirmed_count',
      'c.amount as confirmed_amount',
      'c.disputed_count',
      'c.disputed_amount',
      'c.delivered_at as confirmation_delivered_at',
    );
  if (direction) q.where('p.direction', direction);
  return (await q).map((r) => ({
    id: r.id,
    direction: r.direction,
    messageId: r.message_id,
    sender: r.sender,
    receiver: r.receiver,
    count: r.count,
    amount: r.amount,
    state: r.state,
    result: r.result,
    attempts: r.attempts,
    lastError: r.last_error,
    deliveredAt: r.delivered_at,
    confirmation: r.confirmation_id
      ? {
          messageId: r.confirmation_id,
          count: r.confirmed_count,
          amount: r.confirmed_amount,
          disputedCount: r.disputed_count,
          disputedAmount: r.disputed_amount,
          deliveredAt: r.confirmation_delivered_at,
        }
      : null,
  }));
}
