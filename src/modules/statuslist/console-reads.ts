// Read views of the status list for the service-hall console: a medium's list changes in a period
// (card history) and the held changes waiting for a supervisor (approvals queue).
import type { Knex } from 'knex';
import { toChange, type ChangeView } from './changes.ts';
import type { Medium } from './reasons.ts';

// A medium's changes created in [from, to), newest first, at most n.
export async function changesOfMedium(
  db: Knex,
  medium: Medium,
  mediumId: string,
  from: Date | null,
  to: Date | null,
  n: number,
): Promise<ChangeView[]> {
  const q = db('status_list_changes')
    .where({ medium, medium_id: mediumId })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(n);
  if (from) q.where('created_at', '>=', from);
  if (to) q.where('created_at', '<', to);
  return (await q).map(toChange);
}

// Held changes (automatic entries of customers whose entries wait for a supervisor), oldest first.
export async function heldChanges(db: Knex, customerId: bigint | undefined, n: number): Promise<ChangeView[]> {
  const q = db('status_list_changes').where({ state: 'held' }).orderBy('created_at').orderBy('id').limit(n);
  if (customerId !== undefined) q.where('customer_id', String(customerId));
  return (await q).map(toChange);
}
