// Disputes: transactions an issuer refused in a confirmation. The issuer's finance decides each —
// 0 pay after all, 1 bad debt (the road operator bears it) — and the decision is attributed to the
// clearing date it is made on (the centre's calendar). We send it to the provider as a resolution
// document; a provider records what it receives against the same date, so both settlements of
// that date carry it. Money moves in that date's run: the issuer charges the card and owes the
// province; the provider splits it to its operators. Bad debt moves nothing.
import type { Knex } from 'knex';
import { z } from 'zod';
import { audit } from '../../platform/audit/audit.ts';
import { addDays, localDate } from '../../platform/clock/clock.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type AppContext, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { raiseExceptions } from '../finance/index.ts';
import {
  customerFundsCode,
  ensureAccounts,
  postEntry,
  provincePayableCode,
  type Posting,
  provincePayableAccount,
} from '../ledger/index.ts';
import {
  firstIssue,
  resolutionHeader,
  resolutionItem,
  RESULT,
  signDocument,
  type Answer,
  type SignedDocument,
  incomingHeader,
} from './documents.ts';
import { CARD_TYPE } from '../codes.ts';

export type Dispute = {
  id: bigint;
  side: 'provider' | 'issuer';
  network: string;
  packageMessageId: string;
  date: string;
  transId: string;
  cardNo: string;
  amount: bigint;
  result: number;
  resolution: 0 | 1 | null;
  resolvedOn: string | null;
  resolvedBy: string | null;
  transactionId: bigint | null;
  /** set when staff asked for the dispute (e.g. from a complaint ticket), null for our checks' own */
  requestedBy: string | null;
  requestReference: string | null;
};

const toDispute = (r: Record<string, any>): Dispute => ({
  id: BigInt(r.id),
  side: r.side,
  network: r.side === 'issuer' ? r.sender : r.receiver,
  packageMessageId: r.message_id,
  date: r.clear_target_date,
  transId: r.trans_id,
  cardNo: r.card_no,
  amount: BigInt(r.amount),
  result: r.result,
  resolution: r.resolution,
  resolvedOn: r.resolved_on,
  resolvedBy: r.resolved_by,
  transactionId: r.transaction_id === null ? null : BigInt(r.transaction_id),
  requestedBy: r.requested_by,
  requestReference: r.request_reference,
});

/** Disputes joined with their package, filtered by the caller (an id, a list of transactions). */
export async function disputesWhere(
  db: Knex,
  where: Record<string, unknown> | ((q: Knex.QueryBuilder) => void),
): Promise<Dispute[]> {
  const q = db('interchange_disputes as d')
    .join('interchange_packages as p', 'p.id', 'd.package_id')
    .select('d.*', 'p.sender', 'p.receiver', 'p.message_id', 'p.clear_target_date')
    .orderBy('d.id');
  if (typeof where === 'function') where(q);
  else q.where(where);
  return (await q).map(toDispute);
}

export async function listDisputes(
  db: Knex,
  q: { side?: 'provider' | 'issuer'; status?: 'open' | 'resolved'; network?: string; limit: number; offset: number },
): Promise<Dispute[]> {
  const query = db('interchange_disputes as d')
    .join('interchange_packages as p', 'p.id', 'd.package_id')
    .select('d.*', 'p.sender', 'p.receiver', 'p.message_id', 'p.clear_target_date')
    .orderBy('d.id')
    .limit(q.limit)
    .offset(q.offset);
  if (q.side) query.where('d.side', q.side);
  if (q.status === 'open') query.whereNull('d.resolution');
  if (q.status === 'resolved') query.whereNotNull('d.resolution');
  if (q.network)
    query.where((b) =>
      b.where({ 'd.side': 'issuer', 'p.sender': q.network }).orWhere({ 'd.side': 'provider', 'p.receiver': q.network }),
    );
  return (await query).map(toDispute);
}

/** Finance decides disputes we raised as issuer; one resolution document per province is queued. */
export async function decideDisputes(
  ctx: RequestContext,
  items: Array<{ id: bigint; resolution: 0 | 1 }>,
  note: string,
): Promise<{
  decided: number;
  resolutions: Array<{ id: string; network: string; messageId: string; count: number }>;
  date: string;
}> {
  const { app } = ctx;
  const now = app.clock.now();
  const date = localDate(now);
  const ids = [...new Set(items.map((i) => i.id))];
  if (ids.length !== items.length) throw new AppError('invalid-request', 'items: a dispute is listed twice', 'items');
  return inTransaction(ctx.db, async (trx) => {
    const rows = await trx('interchange_disputes as d')
      .join('interchange_packages as p', 'p.id', 'd.package_id')
      .whereIn('d.id', ids.map(String))
      .orderBy('d.id')
      .forUpdate(['d'])
      .select('d.id', 'd.side', 'd.resolution', 'p.sender');
    const byId = new Map(rows.map((r) => [BigInt(r.id), r]));
    for (const i of items) {
      const r = byId.get(i.id);
      if (!r) throw new AppError('dispute-not-found', `no dispute ${i.id}`);
      if (r.side !== 'issuer')
        throw new AppError(
          'dispute-not-ours',
          `dispute ${i.id} was raised by the card's issuer; its decision comes from there`,
        );
      if (r.resolution !== null) throw new AppError('dispute-resolved', `dispute ${i.id} was decided already`);
    }
    const byNetwork = new Map<string, typeof items>();
    for (const i of items) {
      const n = byId.get(i.id)!.sender as string;
      byNetwork.set(n, [...(byNetwork.get(n) ?? []), i]);
    }
    const resolutions = [];
    for (const [network, list] of [...byNetwork].sort(([a], [b]) => a.localeCompare(b))) {
      // the row's own id numbers the message, so concurrent decisions never draw the same one
      const {
        rows: [{ id }],
      } = await trx.raw(`select nextval('interchange_resolutions_id_seq') as id`);
      const messageId = `RS${app.config.network}${network}${date.replaceAll('-', '')}${String(id).padStart(8, '0')}`;
      const [res] = await trx('interchange_resolutions')
        .insert({
          id,
          direction: 'outbound',
          message_id: messageId,
          sender: app.config.network,
          receiver: network,
          clear_target_date: date,
          count: list.length,
          created_at: now,
        })
        .returning('id');
      for (const resolution of [0, 1] as const) {
        const ids = list.filter((i) => i.resolution === resolution).map((i) => String(i.id));
        if (ids.length)
          await trx('interchange_disputes')
            .whereIn('id', ids)
            .update({
              resolution,
              resolved_on: date,
              resolved_at: now,
              resolved_by: actorLabel(ctx.actor),
              resolution_id: res.id,
              note,
            });
      }
      resolutions.push({ id: String(res.id), network, messageId, count: list.length });
    }
    await audit(trx, ctx, {
      action: 'interchange.disputes-decided',
      entity: 'interchange_dispute',
      entityId: ids.join(','),
      detail: {
        date,
        note,
        pay: items.filter((i) => i.resolution === 0).length,
        badDebt: items.filter((i) => i.resolution === 1).length,
      },
    });
    return { decided: items.length, resolutions, date };
  });
}

export async function resolutionDocument(
  app: AppContext,
  db: Knex,
  id: bigint,
): Promise<{ doc: SignedDocument; messageId: string; receiver: string }> {
  const r = await db('interchange_resolutions').where({ id, direction: 'outbound' }).first();
  const items = await db('interchange_disputes')
    .where({ resolution_id: id })
    .orderBy('id')
    .select('trans_id', 'resolution');
  const doc = await signDocument(app, {
    header: {
      messageId: r.message_id,
      sender: app.config.network,
      receiver: r.receiver,
      clearTargetDate: r.clear_target_date,
      count: r.count,
    },
    items: items.map((i) => ({ transId: i.trans_id, result: i.resolution })),
  });
  return { doc, messageId: r.message_id, receiver: r.receiver };
}

const itemList = z.array(resolutionItem).min(1).max(100_000);

/** A resolution from the issuer of our disputed transactions (ICD §3 POST /dispute-resolutions).
 *  Recorded against its date; if our run has already split that date, against the next day not yet
 *  split, with an exception for finance (the two settlements of the date then differ). */
export async function receiveResolution(
  ctx: RequestContext,
  doc: Record<string, unknown>,
): Promise<Answer & { date?: string }> {
  const { app } = ctx;
  const checked = await incomingHeader(app, ctx.db, ctx.actor, doc, resolutionHeader);
  if (checked.refusal) return checked.refusal;
  const { sender: issuer, header } = checked;
  const parsed = itemList.safeParse(doc.items);
  if (!parsed.success) return { result: RESULT.schema, message: `items.${firstIssue(parsed.error)}` };
  const items = parsed.data;
  if (items.length !== header.count)
    return { result: RESULT.content, message: `header.count ${header.count} but ${items.length} items` };
  if (new Set(items.map((i) => i.transId)).size !== items.length)
    return { result: RESULT.content, message: 'a transId appears twice' };
  const now = app.clock.now();
  return inTransaction(ctx.db, async (trx) => {
    if (await trx('interchange_resolutions').where({ sender: issuer, message_id: header.messageId }).first('id'))
      return { result: RESULT.duplicate, message: `resolution ${header.messageId} was received before` };
    const rows = await trx('interchange_disputes as d')
      .join('interchange_packages as p', 'p.id', 'd.package_id')
      .where({ 'd.side': 'provider', 'p.receiver': issuer })
      .whereIn(
        'd.trans_id',
        items.map((i) => i.transId),
      )
      .orderBy('d.id')
      .forUpdate(['d'])
      .select('d.id', 'd.trans_id', 'd.resolution', 'd.amount');
    const byTrans = new Map(rows.map((r) => [r.trans_id as string, r]));
    for (const i of items) {
      const r = byTrans.get(i.transId);
      if (!r)
        return {
          result: RESULT.content,
          message: `transId ${i.transId} is not a disputed transaction of ours with ${issuer}`,
        };
      if (r.resolution !== null) return { result: RESULT.content, message: `transId ${i.transId} was resolved before` };
    }
    const date = await firstUnsplitDate(trx, header.clearTargetDate);
    const [res] = await trx('interchange_resolutions')
      .insert({
        direction: 'inbound',
        message_id: header.messageId,
        sender: issuer,
        receiver: app.config.network,
        clear_target_date: header.clearTargetDate,
        count: items.length,
        created_at: now,
        delivered_at: now,
      })
      .returning('id');
    for (const resolution of [0, 1] as const) {
      const ids = items.filter((i) => i.result === resolution).map((i) => String(byTrans.get(i.transId)!.id));
      if (ids.length)
        await trx('interchange_disputes')
          .whereIn('id', ids)
          .update({
            resolution,
            resolved_on: date,
            resolved_at: now,
            resolved_by: `province:${issuer}`,
            resolution_id: res.id,
          });
    }
    if (date !== header.clearTargetDate) {
      await raiseExceptions(trx, now, [
        {
          kind: 'interchange-resolution-late',
          reference: `${issuer}:${header.messageId}`,
          source: `province:${issuer}`,
          amount: items.filter((i) => i.result === 0).reduce((a, i) => a + BigInt(byTrans.get(i.transId)!.amount), 0n),
          detail: { decidedOn: header.clearTargetDate, recordedOn: date },
        },
      ]);
    }
    await audit(trx, ctx, {
      action: 'interchange.resolution-received',
      entity: 'interchange_resolution',
      entityId: res.id,
      detail: { issuer, messageId: header.messageId, date, count: items.length },
    });
    return { result: RESULT.ok, date };
  });
}

// A resolution is money of the date it was decided on, unless that day's split is done here.
async function firstUnsplitDate(trx: Knex.Transaction, date: string): Promise<string> {
  const done = await trx('clearing_day_steps')
    .where({ step: 'interchange-split' })
    .andWhere('clearing_date', '>=', date)
    .orderBy('clearing_date')
    .pluck('clearing_date');
  let d = date;
  for (const x of done as string[]) {
    if (x === d) d = addDays(d, 1);
  }
  return d;
}

/** Issuer side, in the run of the date they were decided on: disputes decided "pay" charge the card
 *  (purse float or the customer's account) and are owed to the province. One entry per date. */
export async function postIssuerDisputePayments(
  trx: Knex.Transaction,
  date: string,
  actor: string,
): Promise<{ amount: bigint; disputes: number }> {
  const rows = await trx('interchange_disputes as d')
    .join('interchange_packages as p', 'p.id', 'd.package_id')
    .where({ 'd.side': 'issuer', 'd.resolution': 0, 'd.resolved_on': date })
    .where('d.amount', '>', 0)
    .select('d.card_type', 'd.account_id', 'd.amount', 'p.sender');
  if (rows.length === 0) return { amount: 0n, disputes: 0 };
  const sums = new Map<string, bigint>();
  const add = (k: string, v: bigint) => sums.set(k, (sums.get(k) ?? 0n) + v);
  const payables = new Set<string>();
  for (const r of rows) {
    const amount = BigInt(r.amount);
    // a stored-value card paid from its purse; a debit card, or a card we could not tie to an
    // account, is charged to the customer's account or else carried by the centre's dispute cost
    add(
      r.card_type === CARD_TYPE.storedValue
        ? 'purse-float'
        : r.account_id !== null
          ? customerFundsCode(BigInt(r.account_id))
          : 'interchange-dispute-cost',
      amount,
    );
    add(provincePayableCode(r.sender), -amount);
    payables.add(r.sender);
  }
  await ensureAccounts(
    trx,
    [...payables].map((n) => provincePayableAccount(n)),
  );
  const total = rows.reduce((a, r) => a + BigInt(r.amount), 0n);
  const postings: Posting[] = [...sums].map(([account, amount]) => ({ account, amount }));
  await postEntry(trx, {
    kind: 'interchange-dispute-payment',
    reference: date,
    memo: `disputes decided pay on ${date}: ${rows.length}`,
    actor,
    postings,
  });
  return { amount: total, disputes: rows.length };
}
