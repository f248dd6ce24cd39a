// What customers need to know about a customer's cards and OBUs (the owner of a card number, whether
// a vehicle has media in service, their life-cycle events). Issuance sits above customers (it imports customers to issue to
// them), so it provides these answers when it loads (issuance/index.ts) instead of customers
// importing issuance: the dependency runs one way.
import type { Knex } from 'knex';

// one life-cycle event of a customer's card or OBU, as the customer's full history shows it
export type MediumEventView = {
  medium: 'card' | 'obu';
  mediumId: string;
  id: bigint;
  at: Date;
  actor: string;
  action: string;
  fromStatus: number | null;
  toStatus: number;
  reason: string | null;
  detail: Record<string, unknown>;
};

export type MediaFacts = {
  customerIdOfCard(db: Knex, cardNo: string): Promise<bigint | null>;
  vehicleHasMediaInService(db: Knex, vehicleId: bigint): Promise<{ card: boolean; obu: boolean }>;
  // the first n life-cycle events of the customer's cards and OBUs in time order
  mediaEventsOfCustomer(db: Knex, customerId: bigint, n: number, order: 'asc' | 'desc'): Promise<MediumEventView[]>;
};

let provided: MediaFacts | undefined;

export function provideMediaFacts(facts: MediaFacts): void {
  provided = facts;
}

export function mediaFacts(): MediaFacts {
  if (!provided) throw new Error('card and OBU facts not provided: modules/issuance is not loaded');
  return provided;
}
