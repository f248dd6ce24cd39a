// Customers' contacts for messages the centre sends (the notification outbox asks for a batch when it
// sends): each phone opened from its seal. Only the sender sees them; nothing here is logged or stored.
import type { Knex } from 'knex';
import type { SoftwareHsm } from '../keys/index.ts';
import { openPii } from './pii.ts';

export type CustomerContact = { phone: string | null; email: string | null };

/** The contacts of the customers that exist among `ids` (one query for the batch). */
export async function customerContacts(
  db: Knex,
  hsm: SoftwareHsm,
  ids: bigint[],
): Promise<Map<bigint, CustomerContact>> {
  if (!ids.length) return new Map();
  const rows = await db('customers')
    .whereIn('id', [...new Set(ids)].map(String))
    .select('id', 'phone_sealed');
  // no e-mail address is kept for customers yet
  return new Map(rows.map((r) => [BigInt(r.id), { phone: openPii(hsm, r.phone_sealed), email: null }]));
}
