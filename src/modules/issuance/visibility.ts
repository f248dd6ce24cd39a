// Which cards and OBUs a caller may see and act on (DESIGN §9: a bank acts only on its own
// requests). Staff see every medium; a machine client (a bank branch) only the media it issued and
// those of the customers it opened (the customers module's scope). Anything else is answered as if
// it did not exist — the same 404 as for a customer out of scope — so a bank cannot learn which
// numbers are in use, let alone suspend, report or personalise another issuer's medium.
// Every lookup of a medium on behalf of a caller goes through here (findCard / lockCard / findObu /
// lockObu given the actor); internal callers (lane ingest, loads, the status list) pass none.
import type { Knex } from 'knex';
import { actorLabel, type Actor } from '../../platform/http/context.ts';
import { customerInScope, scopeOf } from '../customers/index.ts';

export type Medium = { issuedBy: string; customerId: bigint };

export async function visibleTo(db: Knex, actor: Actor | undefined, medium: Medium): Promise<boolean> {
  if (!actor) return true;
  const scope = scopeOf(actor);
  if (scope === null) return true;
  if (medium.issuedBy === actorLabel(actor)) return true;
  return customerInScope(db, medium.customerId, scope);
}
