// What a request handler gets: the application's services and the authenticated actor.
import type { Knex } from 'knex';
import type { Config } from '../../config.ts';
import type { Clock } from '../clock/clock.ts';
import type { Logger } from '../log/logger.ts';
import type { Queue } from '../queue/queue.ts';
import type { KeyService } from '../../modules/keys/index.ts';

export const USER_ROLES = ['clerk', 'supervisor', 'finance', 'admin', 'auditor'] as const;
export const CLIENT_ROLES = ['bank', 'lane', 'province'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type ClientRole = (typeof CLIENT_ROLES)[number];
export type Role = UserRole | ClientRole;

export type Actor =
  | { kind: 'user'; id: string; userId: bigint; username: string; role: UserRole; mustChangePassword?: boolean }
  | { kind: 'client'; id: string; role: ClientRole }
  // the caller of a public route (logging in): no role, so it can reach nothing else
  | { kind: 'anonymous'; id: 'anonymous'; role: null };

// Long-lived services built once at start.
export type AppContext = {
  db: Knex;
  config: Config;
  keys: KeyService;
  clock: Clock;
  log: Logger;
  queue: Queue;
};

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
