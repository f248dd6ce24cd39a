// What customers need to know about a customer's cards and OBUs (the owner of a card number, whether
// a vehicle has media in service). Issuance sits above customers (it imports customers to issue to
// them), so it provides these answers when it loads (issuance/index.ts) instead of customers
// importing issuance: the dependency runs one way.
import type { Knex } from 'knex';

export type MediaFacts = {
  customerIdOfCard(db: Knex, cardNo: string): Promise<bigint | null>;
  vehicleHasMediaInService(db: Knex, vehicleId: bigint): Promise<{ card: boolean; obu: boolean }>;
};

let provided: MediaFacts | undefined;

export function provideMediaFacts(facts: MediaFacts): void {
  provided = facts;
}

export function mediaFacts(): MediaFacts {
  if (!provided) throw new Error('card and OBU facts not provided: modules/issuance is not loaded');
  return provided;
}
