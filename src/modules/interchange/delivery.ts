// Delivery of our documents to peers, retried until acknowledged. A worker claims a document row
// for DELIVERY_CLAIM_MS (committed) and sends it with no transaction open, so no row lock is held
// across the peer's HTTP call; a second worker skips a claimed row. The peer
// answers a package with a result — 1, or 5 (it has it already) is delivered; any other result is
// a refusal for finance, not retried. A transport failure is recorded and retried: by the queue's
// back-off, then by the redelivery schedule. A confirmation still in its hold (confirmation-hold.ts)
// is not due: the job that comes before the hold's end leaves it, the redelivery after it sends it.
import type { Knex } from 'knex';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { AppContext } from '../../platform/http/context.ts';
import { raiseExceptions } from '../finance/index.ts';
import { holdPassed } from './confirmation-hold.ts';
import { confirmationDocument } from './confirmations.ts';
import { resolutionDocument } from './disputes.ts';
import { documentSha256, RESULT } from './documents.ts';
import { packageDocument, toOutbound } from './outbound.ts';
import { DeliveryError, peerEndpoint, sendDocument, type Sent } from './peers.ts';

export type DocumentKind = 'package' | 'confirmation' | 'resolution';
export const DELIVER = 'interchange.deliver';

// `due` narrows pending to what may go out now: a confirmation whose hold has not passed waits
const TABLE: Record<
  DocumentKind,
  {
    table: string;
    key: string;
    pending: (q: Knex.QueryBuilder) => Knex.QueryBuilder;
    due?: (q: Knex.QueryBuilder, now: Date) => Knex.QueryBuilder;
  }
> = {
  package: {
    table: 'interchange_packages',
    key: 'id',
    pending: (q) => q.where({ direction: 'outbound', state: 'built' }),
  },
  confirmation: {
    table: 'interchange_confirmations',
    key: 'package_id',
    pending: (q) =>
      q
        .whereNull('delivered_at')
        .whereIn('package_id', (s) => s.from('interchange_packages').where({ direction: 'inbound' }).select('id')),
    due: (q, now) => holdPassed(q, now),
  },
  resolution: {
    table: 'interchange_resolutions',
    key: 'id',
    pending: (q) => q.where({ direction: 'outbound' }).whereNull('delivered_at'),
  },
};

const dueNow = (t: (typeof TABLE)[DocumentKind], q: Knex.QueryBuilder, now: Date) => (t.due ? t.due(q, now) : q);

// the peer's result code; an answer without one (not ICD §3) counts as a refusal with no code
const answerOf = (sent: Sent): number | null => {
  const r = sent.via === 'http' ? (sent.body as { result?: unknown } | null)?.result : undefined;
  return Number.isInteger(r) && (r as number) >= 0 && (r as number) < 100 ? (r as number) : null;
};

// How long a worker's claim on a document lasts: longer than the peer call's 30 s timeout, so a
// live claim is never taken over; short enough that a crashed worker's documents go out again soon.
export const DELIVERY_CLAIM_MS = 120_000;

/**
 * Delivers one document if it is still pending and nobody else is sending it; returns false when
 * another worker has done it or holds the claim. Three steps, so that no row lock is held during the
 * peer's HTTP call: claim the row and build the document (one transaction, committed), send (no
 * transaction), record the answer (a second transaction).
 */
export async function deliver(app: AppContext, kind: DocumentKind, id: bigint): Promise<boolean> {
  const t = TABLE[kind];
  // signing needs the PKI loaded: outside the transaction, which may be the only connection (embedded)
  await app.keys.ensurePki(app.db, { network: app.config.network, now: app.clock.now() });
  const claimedAt = app.clock.now();
  const claim = await inTransaction(app.db, async (trx) => {
    const row = await dueNow(t, t.pending(trx(t.table).where({ [t.key]: id })), claimedAt)
      .where((q) => q.whereNull('delivery_claimed_until').orWhere('delivery_claimed_until', '<=', claimedAt))
      .forNoKeyUpdate()
      .skipLocked()
      .first();
    if (!row) return null;
    const until = new Date(claimedAt.getTime() + DELIVERY_CLAIM_MS);
    await trx(t.table)
      .where({ [t.key]: id })
      .update({ delivery_claimed_until: until });
    const { doc, messageId, receiver, path } = await documentOf(app, trx, kind, row);
    const peer = (await peerEndpoint(trx, receiver)) ?? {
      network: receiver,
      url: null,
      clientId: app.config.network,
      secretSealed: null,
    };
    return { row, until, doc, messageId, receiver, path, peer };
  });
  if (!claim) return false;
  const { row, doc, messageId, receiver, path, peer } = claim;

  let sent: Sent | undefined;
  let failure: string | null = null;
  try {
    sent = await sendDocument(app, peer, path, kind, messageId, doc);
  } catch (err) {
    if (!(err instanceof DeliveryError)) {
      await release(app, kind, id, claim.until);
      throw err;
    }
    failure = err.message;
  }

  const now = app.clock.now();
  const recorded = await inTransaction(app.db, async (trx) => {
    // still pending and still ours: a claim that expired meanwhile may have been taken over, and the
    // other worker's answer stands
    const current = await t
      .pending(trx(t.table).where({ [t.key]: id, delivery_claimed_until: claim.until }))
      .forNoKeyUpdate()
      .first();
    if (!current) return false;
    const attempts = current.attempts + 1;
    if (!sent) {
      await trx(t.table)
        .where({ [t.key]: id })
        .update({ attempts, last_error: failure!.slice(0, 500), delivery_claimed_until: null });
      return false;
    }
    const result = answerOf(sent);
    const acknowledged = sent.via === 'file' || result === RESULT.ok || result === RESULT.duplicate;
    const answer = sent.via === 'http' ? sent.body : null;
    if (kind === 'package') {
      await trx(t.table)
        .where({ id })
        .update({
          state: acknowledged ? 'delivered' : 'refused',
          result,
          document_sha256: documentSha256(doc),
          delivered_at: now,
          attempts,
          last_error: acknowledged ? null : JSON.stringify(answer).slice(0, 500),
          delivery_claimed_until: null,
        });
      if (!acknowledged) {
        await raiseExceptions(trx, now, [
          {
            kind: 'interchange-package-refused',
            reference: `${receiver}:${messageId}`,
            source: `province:${receiver}`,
            amount: BigInt(row.amount),
            detail: { result, answer },
          },
        ]);
      }
    } else if (acknowledged) {
      await trx(t.table)
        .where({ [t.key]: id })
        .update({ delivered_at: now, attempts, last_error: null, delivery_claimed_until: null });
    } else {
      await trx(t.table)
        .where({ [t.key]: id })
        .update({ attempts, last_error: JSON.stringify(answer).slice(0, 500), delivery_claimed_until: null });
      await raiseExceptions(trx, now, [
        {
          kind: 'interchange-document-refused',
          reference: `${kind}:${receiver}:${messageId}`,
          source: `province:${receiver}`,
          detail: { result, answer },
        },
      ]);
    }
    return true;
  });
  if (failure) throw new DeliveryError(failure);
  return recorded;
}

// gives a claim back at once after an unexpected fault, so the next round need not wait it out
async function release(app: AppContext, kind: DocumentKind, id: bigint, until: Date): Promise<void> {
  const t = TABLE[kind];
  await app
    .db(t.table)
    .where({ [t.key]: id, delivery_claimed_until: until })
    .update({ delivery_claimed_until: null });
}

async function documentOf(app: AppContext, db: Knex, kind: DocumentKind, row: Record<string, any>) {
  if (kind === 'package') {
    const p = toOutbound(row);
    return { doc: await packageDocument(app, db, p), messageId: p.messageId, receiver: p.receiver, path: '/packages' };
  }
  if (kind === 'confirmation')
    return { ...(await confirmationDocument(app, db, BigInt(row.package_id))), path: '/confirmations' };
  return { ...(await resolutionDocument(app, db, BigInt(row.id))), path: '/dispute-resolutions' };
}

/** Every pending document, oldest first; failures are counted and left for the next round. */
export async function deliverPending(app: AppContext): Promise<{ delivered: number; failed: number }> {
  let delivered = 0;
  let failed = 0;
  for (const kind of ['package', 'confirmation', 'resolution'] as const) {
    const t = TABLE[kind];
    const ids: bigint[] = (
      await dueNow(t, t.pending(app.db(t.table)), app.clock.now())
        .orderBy(t.key)
        .pluck(t.key)
    ).map((v: unknown) => BigInt(v as string));
    for (const id of ids) {
      try {
        if (await deliver(app, kind, id)) delivered++;
      } catch (err) {
        if (!(err instanceof DeliveryError)) throw err;
        failed++;
      }
    }
  }
  return { delivered, failed };
}

export async function enqueueDelivery(app: AppContext, kind: DocumentKind, id: bigint | string): Promise<void> {
  await app.queue.add(DELIVER, { kind, id: String(id) }, { jobId: `${DELIVER}:${kind}:${id}`, attempts: 8 });
}

/** One delivery job for each package of a date still to be sent (after the packages step commits). */
export async function enqueuePackageDeliveries(app: AppContext, date: string): Promise<void> {
  const ids = await app
    .db('interchange_packages')
    .where({ direction: 'outbound', clear_target_date: date, state: 'built' })
    .orderBy('id')
    .pluck('id');
  for (const id of ids) await enqueueDelivery(app, 'package', id);
}
