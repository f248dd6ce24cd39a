// What a request handler gets: the application's services and the authenticated actor.
import type { Knex } from 'knex';
import type { Config } from '../../config.ts';
import type { Clock } from '../clock/clock.ts';
import type { Logger } from '../log/logger.ts';
import type { Queue } from '../queue/queue.ts';

// A role is a name a route lists. The platform knows only that a role belongs to a person (a bearer
// session) or to a machine (a signed request); the access module names the roles (it adds them to
// Roles by declaration merging, so route declarations stay type-checked, and registers them with
// registerRoles for the OpenAPI document).
export interface Roles {}
export type Role = keyof Roles & string;
export type UserRole = { [R in Role]: Roles[R] extends 'user' ? R : never }[Role];
export type ClientRole = { [R in Role]: Roles[R] extends 'client' ? R : never }[Role];

const roleKinds = new Map<string, 'user' | 'client'>();

export function registerRoles(roles: { readonly [role: string]: 'user' | 'client' }): void {
  for (const [role, kind] of Object.entries(roles)) roleKinds.set(role, kind);
}

/** Whether a role belongs to a machine (signed requests) rather than a person. */
export function isMachineRole(role: string): boolean {
  return roleKinds.get(role) === 'client';
}

export type Actor =
  | { kind: 'user'; id: string; userId: bigint; username: string; role: UserRole; mustChangePassword?: boolean }
  | { kind: 'client'; id: string; role: ClientRole }
  // the caller of a public route (logging in): no role, so it can reach nothing else
  | { kind: 'anonymous'; id: 'anonymous'; role: null };

// Long-lived services built once at start. Modules add their own long-lived services by declaration
// merging (the key service: modules/keys/app-context.ts), so the platform imports no module.
export interface AppContext {
  db: Knex;
  // a hot standby of db (ETC_READ_DATABASE_URL) for reads that may lag it; never written to
  readDb?: Knex;
  config: Config;
  clock: Clock;
  log: Logger;
  queue: Queue;
}

export type RequestContext = {
  app: AppContext;
  // the handle a handler must use: a transaction when the request is an idempotent machine POST
  db: Knex;
  actor: Actor;
  requestId: string;
  ip: string;
  // the caller's bearer token, for logging out of exactly this session
  bearerToken?: string;
};

// How an actor is named in events, journal entries and the audit log.
export function actorLabel(actor: Actor): string {
  return actor.kind === 'user' ? `user:${actor.username}` : `${actor.kind}:${actor.id}`;
}
