// How the simulation's actors reach a centre: over HTTP, staff with bearer sessions and machines
// (banks, lanes) with signed requests, each POST with an Idempotency-Key. `send` is the one door
// through which every money-moving request goes, so that the request faults apply to all of them:
// the answer lost and the request retried under its key, the same key sent concurrently, the
// database connection dropped in the middle of the request's transaction (then retried).
import { isDeepStrictEqual } from 'node:util';
import { signatureHeaders } from '../../../lanes-sim/traffic/centre.ts';
import type { Faults } from './faults.ts';
import type { Side } from './world.ts';

export type Reply = { status: number; body: any };
export type StaffRole = 'clerk' | 'supervisor' | 'finance' | 'finance2' | 'admin';
export type Caller = { kind: 'staff'; role: StaffRole } | { kind: 'bank' } | { kind: 'lane'; laneId: string };

const tokens = new WeakMap<Side, Map<StaffRole, string>>();

async function raw(side: Side, method: string, path: string, body: unknown, headers: Record<string, string>) {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const res = await fetch(side.base + path, {
    method,
    headers: { ...(text ? { 'content-type': 'application/json' } : {}), ...headers },
    body: text,
  });
  const t = await res.text();
  let parsed: unknown = null;
  try {
    parsed = t ? JSON.parse(t) : null;
  } catch {
    parsed = t;
  }
  return { status: res.status, body: parsed as any, text: text ?? '' };
}

async function token(side: Side, role: StaffRole, fresh = false): Promise<string> {
  let m = tokens.get(side);
  if (!m) tokens.set(side, (m = new Map()));
  if (fresh) m.delete(role);
  const have = m.get(role);
  if (have) return have;
  const r = await raw(side, 'POST', '/api/v1/sessions', role === 'finance2' ? side.finance2 : side.staff[role], {});
  if (r.status !== 201) throw new Error(`log in as ${role} at ${side.network}: ${r.status} ${JSON.stringify(r.body)}`);
  m.set(role, r.body.token);
  return r.body.token;
}

/** One HTTP request as the caller, without faults. */
export async function call(
  side: Side,
  who: Caller,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
  key?: string,
): Promise<Reply> {
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = key ? { 'Idempotency-Key': key } : {};
    if (who.kind === 'staff') headers.authorization = `Bearer ${await token(side, who.role, attempt > 0)}`;
    else {
      const [id, secret] =
        who.kind === 'bank' ? [side.bank.id, side.bank.secret] : [who.laneId, side.lanes.get(who.laneId)!];
      const text = body === undefined ? '' : JSON.stringify(body);
      Object.assign(headers, signatureHeaders(id, secret, method, path, text, side.clock.now().getTime()));
    }
    const r = await raw(side, method, path, body, headers);
    // the simulated clock outlives a session: log in again
    if (r.status === 401 && who.kind === 'staff' && attempt === 0) continue;
    return { status: r.status, body: r.body };
  }
}

export type Delivery = 'plain' | 'lost-answer' | 'concurrent' | 'db-drop';

/**
 * A POST under an Idempotency-Key with a delivery fault the seed chose. Whatever happened on the
 * way, the caller ends with the one answer the centre keeps for the key; a replay that answers
 * differently, or a retry after a dropped connection that does not succeed, is a failure.
 */
export async function send(
  side: Side,
  who: Caller,
  path: string,
  body: unknown,
  key: string,
  faults: Faults,
  delivery: Delivery,
  dropAt?: RegExp,
): Promise<Reply> {
  if (delivery === 'concurrent') {
    faults.count('concurrent-replay');
    const replies = await Promise.all([0, 1, 2].map(() => call(side, who, 'POST', path, body, key)));
    const first = replies.find((r) => r.status < 500) ?? replies[0];
    for (const r of replies)
      if (r.status !== first.status || !isDeepStrictEqual(r.body, first.body))
        throw new Error(
          `concurrent replays of ${key} answered differently: ${JSON.stringify(first)} vs ${JSON.stringify(r)}`,
        );
    return first;
  }
  if (delivery === 'db-drop') {
    // where the connection goes: at the journal entry, or after all the work, as the answer is stored
    side.db.arm(dropAt ?? faults.pick([/insert into "?journal_entries/, /^update "idempotency_keys"/]));
    const broken = await call(side, who, 'POST', path, body, key);
    const fired = side.db.disarm();
    if (fired) {
      faults.count('db-connection-dropped');
      if (broken.status < 500)
        throw new Error(
          `a request whose connection was dropped answered ${broken.status} ${JSON.stringify(broken.body)}`,
        );
    } else if (broken.status < 500) return broken; // the request never reached that statement: nothing to retry
    // the client saw an error: it retries under the same key, which must now do the work once
    return call(side, who, 'POST', path, body, key);
  }
  const first = await call(side, who, 'POST', path, body, key);
  if (delivery !== 'lost-answer') return first;
  faults.count('lost-answer');
  // the answer never reached the client: it sends the same request again under the same key
  const again = await call(side, who, 'POST', path, body, key);
  if (again.status !== first.status || !isDeepStrictEqual(again.body, first.body))
    throw new Error(`the retry of ${key} answered differently: ${JSON.stringify(first)} then ${JSON.stringify(again)}`);
  return again;
}
