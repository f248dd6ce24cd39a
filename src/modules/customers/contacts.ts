// A customer's contact for a message the centre sends (the notification outbox asks when it sends):
// the phone opened from its seal. Only the sender sees it; nothing here is logged or stored.
import type { Knex } from 'knex';
import type { SoftwareHsm } from '../keys/index.ts';
import { openPii } from './pii.ts';

export type CustomerContact = { phone: string | null; email: string | null };

export async function customerContact(db: Knex, hsm: SoftwareHsm, customerId: bigint): Promise<CustomerContact | null> {
  const row = await db('customers').where({ id: customerId }).first('phone_sealed');
  if (!row) return null;
  // no e-mail address is kept for customers yet
  return { phone: openPii(hsm, row.phone_sealed), email: null };
}
