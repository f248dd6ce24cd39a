// The online load's phases as the channel calls them (ICD §1), each in one database round trip in
// the common case (confirm: one when it reaches the worker that authorised the load, else a read
// first): the service checks what it can without the database
// (payment, amount, MAC1; the TAC against the load it read) and makes MAC2 and the answer's exact text
// first, then one server-side function (migrations 0175, 0198, 0199) claims the Idempotency-Key with that
// answer, locks, checks and writes. Nothing keeps a transaction open while Node works.
// Everything that function does not take — a torn load to settle, an unexplained sequence, a refusal,
// a replayed or conflicting key it does not find, an allocation or a carried balance as payer — goes
// the general path (authoriseLoad / confirmLoad under the pipeline's idempotency), which decides it
// exactly as before: the fast path only ever answers what the general path would.
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { auditActor, auditDetailText } from '../../platform/audit/audit.ts';
import { hostDateTime } from '../../platform/clock/clock.ts';
import { cardSerial } from '../../platform/crypto/pboc.ts';
import { perDatabase } from '../../platform/db/per-database.ts';
import { preparedQuery } from '../../platform/db/prepared.ts';
import { retrying } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { runIdempotent } from '../../platform/http/idempotency.ts';
import { toJsonText } from '../../platform/http/json.ts';
import type { IdempotencyInput, RouteResult } from '../../platform/http/route.ts';
import { bankSettlementCode } from '../ledger/index.ts';
import { authoriseLoad, channelOf, checkPayment, type LoadRequest } from './authorise.ts';
import { assertMayAct, confirmLoad } from './finish.ts';
import { toLoad } from './load-repo.ts';

type Outcome = { o_outcome: string; o_hash: Buffer | null; o_status: number | null; o_body: string | null };

const answered = (status: number, text: string, replayed = false): RouteResult => ({
  status,
  raw: text,
  contentType: 'application/json',
  headers: replayed ? { 'Idempotent-Replayed': 'true' } : undefined,
});

function replay(o: Outcome, idem: IdempotencyInput): RouteResult {
  if (!o.o_hash || !Buffer.from(o.o_hash).equals(idem.hash))
    throw new AppError('idempotency-conflict', 'this Idempotency-Key was used with a different request');
  return answered(o.o_status!, o.o_body!, true);
}

// the pipeline's own idempotency around the general path: what every case the fast path leaves takes
async function general(
  ctx: RequestContext,
  idem: IdempotencyInput,
  work: Parameters<typeof runIdempotent>[4],
): Promise<RouteResult> {
  const a = await runIdempotent(ctx.db, idem.owner, idem.key, idem.hash, work, toJsonText);
  return answered(a.status, a.text, a.replayed);
}

// the two phase functions, called by name (platform/db/prepared.ts): parsed once per connection
const LOAD_INIT = `select * from load_init(?, ?, ?::bytea, ?, ?::uuid, ?, ?, ?, ?, ?, ?, ?, ?::bigint, ?, ?::bigint,
  ?::int, ?::smallint, ?::smallint, ?, ?, ?, ?, ?, ?::timestamptz, ?::jsonb, ?, ?, ?::jsonb, ?, ?)`;
const LOAD_CONFIRM = `select * from load_confirm(?, ?, ?::bytea, ?, ?::uuid, ?, ?, ?::timestamptz, ?, ?, ?::jsonb, ?, ?)`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function initLoad(ctx: RequestContext, idem: IdempotencyInput, req: LoadRequest): Promise<RouteResult> {
  const channel = channelOf(ctx);
  checkPayment(channel, req.payment.method);
  const { config, keys, clock } = ctx.app;
  const method = req.payment.method;
  const session = {
    serial8: cardSerial(req.cardNo),
    keyVersion: req.card.keyVersion,
    random: req.card.random,
    onlineSeq: req.card.onlineSeq,
    amount: req.amount,
    terminalId: req.terminalId,
  };
  const eligible =
    method !== 'allocation' &&
    method !== 'carry-over' &&
    req.amount > 0n &&
    req.amount <= config.loadLimits[channel] &&
    req.card.balance + req.amount <= config.cardLimit &&
    keys.hasKeys('load', req.card.keyVersion);
  const now = clock.now();
  const { hostDate, hostTime } = hostDateTime(now);
  // null when MAC1 does not verify: the general path refuses it
  const mac2 = eligible
    ? keys.authoriseLoadMacs({ ...session, balance: req.card.balance, mac1: req.card.mac1, hostDate, hostTime })
    : null;
  const viaGeneral = () =>
    general(ctx, idem, async (trx) => ({ status: 201, body: await authoriseLoad(trx, { ...ctx, db: trx }, req) }));
  if (!mac2) return viaGeneral();

  const id = randomUUID();
  const text = toJsonText({ loadId: id, status: 'authorised', mac2, hostDate, hostTime });
  const actor = actorLabel(ctx.actor);
  const payer =
    channel === 'bank' ? bankSettlementCode(ctx.actor.id) : method === 'cash' ? 'counter-cash' : 'counter-pos';
  const who = auditActor(ctx);
  const o = await retrying(async () => {
    const rows = await preparedQuery<Outcome>(ctx.db, 'load_init', LOAD_INIT, [
      idem.owner,
      idem.key,
      idem.hash,
      text,
      id,
      req.cardNo,
      channel,
      channel === 'bank' ? ctx.actor.id : null,
      actor,
      method,
      req.payment.reference ?? null,
      payer,
      req.amount.toString(),
      req.terminalId,
      req.card.balance.toString(),
      req.card.onlineSeq,
      req.card.keyVersion,
      req.card.algId,
      req.card.random,
      req.card.mac1,
      hostDate,
      hostTime,
      mac2,
      now,
      auditDetailText({ amount: req.amount, payment: method }),
      who.actor_kind,
      who.actor_id,
      auditDetailText({ cardNo: req.cardNo, amount: req.amount, channel }),
      who.source_ip,
      who.request_id,
    ]);
    return rows[0];
  });
  if (o.o_outcome === 'ok') {
    remember(ctx.db, id, {
      cardNo: req.cardNo,
      clientId: channel === 'bank' ? ctx.actor.id : null,
      keyVersion: req.card.keyVersion,
      balanceBefore: req.card.balance,
      amount: req.amount,
      onlineSeq: req.card.onlineSeq,
      terminalId: req.terminalId,
      hostDate,
      hostTime,
    });
    return answered(201, text);
  }
  if (o.o_outcome === 'replay') return replay(o, idem);
  return viaGeneral();
}

// What the TAC is checked against, kept by the worker that authorised the load until its confirm
// (immutable once written; the function checks the status again under the lock), so a confirm that
// reaches the same worker needs no read first. No key material: the load's own public facts.
type TacFacts = {
  cardNo: string;
  clientId: string | null;
  keyVersion: number;
  balanceBefore: bigint;
  amount: bigint;
  onlineSeq: number;
  terminalId: string;
  hostDate: string;
  hostTime: string;
};
const RECENT_MAX = 20_000;
const recentLoads = perDatabase(() => new Map<string, TacFacts>());
function remember(db: Knex, id: string, facts: TacFacts): void {
  const recent = recentLoads(db);
  // loads never confirmed here (torn, or confirmed through another worker) must not pile up
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(id, facts);
}

export async function confirmLoadOnce(
  ctx: RequestContext,
  idem: IdempotencyInput,
  loadId: string,
  tac: string,
): Promise<RouteResult> {
  const viaGeneral = () => general(ctx, idem, async (trx) => ({ body: await confirmLoad(trx, ctx, loadId, tac) }));
  const bank = ctx.actor.kind === 'client' && ctx.actor.role === 'bank';
  const recent = recentLoads(ctx.db);
  let facts = recent.get(loadId);
  recent.delete(loadId);
  if (!facts || (bank ? facts.clientId !== ctx.actor.id : ctx.actor.kind !== 'user')) {
    // the key's stored answer and the load, in one read outside any transaction
    const { rows } = await ctx.db.raw(
      `select l.*, k.request_hash as k_hash, k.response_status as k_status, k.response_body as k_body
         from (select 1) o
         left join loads l on l.id = ?::uuid
         left join idempotency_keys k on k.client_id = ? and k.idem_key = ?`,
      [UUID.test(loadId) ? loadId : null, idem.owner, idem.key],
    );
    const r = rows[0];
    if (r.k_hash)
      return replay({ o_outcome: 'replay', o_hash: r.k_hash, o_status: r.k_status, o_body: r.k_body }, idem);
    if (!r.id) throw new AppError('load-not-found', `no load ${loadId}`);
    const load = toLoad(r);
    assertMayAct(ctx, load);
    // another state: the general path decides it
    if (load.status !== 'authorised') return viaGeneral();
    facts = load;
  }
  const balance = facts.balanceBefore + facts.amount;
  const ok = ctx.app.keys.verifyLoadTac({
    serial8: cardSerial(facts.cardNo),
    keyVersion: facts.keyVersion,
    newBalance: balance,
    onlineSeq: facts.onlineSeq,
    amount: facts.amount,
    terminalId: facts.terminalId,
    hostDate: facts.hostDate,
    hostTime: facts.hostTime,
    tac,
  });
  // a TAC that does not verify is flagged by the general path, under the lock
  if (!ok) return viaGeneral();
  const text = toJsonText({ loadId, status: 'confirmed', balance });
  const who = auditActor(ctx);
  const o = await retrying(async () => {
    const rows = await preparedQuery<Outcome>(ctx.db, 'load_confirm', LOAD_CONFIRM, [
      idem.owner,
      idem.key,
      idem.hash,
      text,
      loadId,
      tac,
      actorLabel(ctx.actor),
      ctx.app.clock.now(),
      who.actor_kind,
      who.actor_id,
      auditDetailText({ balance }),
      who.source_ip,
      who.request_id,
    ]);
    return rows[0];
  });
  if (o.o_outcome === 'ok') return answered(200, text);
  if (o.o_outcome === 'replay') return replay(o, idem);
  return viaGeneral();
}
