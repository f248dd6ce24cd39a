// Small read functions other modules use (customer search by card number, vehicle removal).
import type { Knex } from 'knex';
import { IN_SERVICE } from './card-repo.ts';

export async function customerIdOfCard(db: Knex, cardNo: string): Promise<bigint | null> {
  const row = await db('cards').where({ card_no: cardNo }).first('customer_id');
  return row ? row.customer_id : null;
}

// Whether a vehicle has a card or an OBU in service (normal, suspended, reported lost): such a
// vehicle cannot be removed. The same set as the one-in-service-per-vehicle indexes.
export async function vehicleHasMediaInService(db: Knex, vehicleId: bigint): Promise<{ card: boolean; obu: boolean }> {
  const r = await db.raw(
    `select exists (select 1 from cards where vehicle_id = ? and status = any(?::int[])) as card,
            exists (select 1 from obus where vehicle_id = ? and status = any(?::int[])) as obu`,
    // OBU statuses are numbered as cards' are
    [String(vehicleId), IN_SERVICE, String(vehicleId), IN_SERVICE],
  );
  return { card: r.rows[0].card, obu: r.rows[0].obu };
}

// A card cancellation with a refund (what a complaint about a refund points at): its card, or null.
export async function refundRequestCard(db: Knex, cancellationId: bigint): Promise<string | null> {
  const row = await db('card_cancellations').where({ id: cancellationId }).first('card_no');
  return row ? row.card_no : null;
}
