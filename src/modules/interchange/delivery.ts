// Delivery of our documents to peers, retried until acknowledged. Each document row is taken
// FOR NO KEY UPDATE while it is sent (a second worker waits, then finds it delivered); the peer
// answers a package with a result — 1, or 5 (it has it already) is delivered; any other result is
// a refusal for finance, not retried. A transport failure is recorded and retried: by the queue's
// back-off, then by the redelivery schedule.
import type { Knex } from 'knex';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { AppContext } from '../../platform/http/context.ts';
import { raiseExceptions } from '../finance/index.ts';
import { confirmationDocument } from './confirmations.ts';
import { resolutionDocument } from './disputes.ts';
import { documentSha256, RESULT } from './documents.ts';
import { packageDocument, toOutbound } from './outbound.ts';
import { DeliveryError, peerEndpoint, sendDocument, type Sent } from './peers.ts';

export type DocumentKind = 'package' | 'confirmation' | 'resolution';
export const DELIVER = 'interchange.deliver';

const TABLE: Record<
  DocumentKind,
  { table: string; key: string; pending: (q: Knex.QueryBuilder) => Knex.QueryBuilder }
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
  },
  resolution: {
    table: 'interchange_resolutions',
    key: 'id',
    pending: (q) => q.where({ direction: 'outbound' }).whereNull('delivered_at'),
  },
};

// the peer's result code; an answer without one (not ICD §3) counts as a refusal with no code
const answerOf = (sent: Sent): number | null => {
  const r = sent.via === 'http' ? (sent.body as { result?: unknown } | null)?.result : undefined;
  return Number.isInteger(r) && (r as number) >= 0 && (r as number) < 100 ? (r as number) : null;
};

/** Delivers one document if it is still pending; returns false if another worker had done it. */
export async function deliver(app: AppContext, kind: DocumentKind, id: bigint): Promise<boolean> {
  const t = TABLE[kind];
  let failure: string | null = null;
  // signing needs the PKI loaded: outside the transaction, which may be the only connection (embedded)
  await app.keys.ensurePki(app.db, { network: app.config.network, now: app.clock.now() });
  const done = await inTransaction(app.db, async (trx) => {
    const row = await t
      .pending(trx(t.table).where({ [t.key]: id }))
      .forNoKeyUpdate()
      .first();
    if (!row) return false;
    const { doc, messageId, receiver, path } = await documentOf(app, trx, kind, row);
    const peer = (await peerEndpoint(trx, receiver)) ?? {
      network: receiver,
      url: null,
      clientId: app.config.network,
      secretSealed: null,
    };
    const now = app.clock.now();
    let sent: Sent;
    try {
      sent = await sendDocument(app, peer, path, kind, messageId, doc);
    } catch (err) {
      if (!(err instanceof DeliveryError)) throw err;
      failure = err.message;
      await trx(t.table)
        .where({ [t.key]: id })
        .update({ attempts: row.attempts + 1, last_error: err.message.slice(0, 500) });
      return false;
    }
    const result = answerOf(sent);
    const acknowledged = sent.via === 'file' || result === RESULT.ok || result === RESULT.duplicate;
    if (kind === 'package') {
      await trx(t.table)
        .where({ id })
        .update({
          state: acknowledged ? 'delivered' : 'refused',
          result,
          document_sha256: documentSha256(doc),
          delivered_at: now,
          attempts: row.attempts + 1,
          last_error: acknowledged ? null : JSON.stringify(sent.via === 'http' ? sent.body : null).slice(0, 500),
        });
      if (!acknowledged) {
        await raiseExceptions(trx, now, [
          {
            kind: 'interchange-package-refused',
            reference: `${receiver}:${messageId}`,
            source: `province:${receiver}`,
            amount: BigInt(row.amount),
            detail: { result, answer: sent.via === 'http' ? sent.body : null },
          },
        ]);
      }
    } else if (acknowledged) {
      await trx(t.table)
        .where({ [t.key]: id })
        .update({ delivered_at: now, attempts: row.attempts + 1, last_error: null });
    } else {
      await trx(t.table)
        .where({ [t.key]: id })
        .update({
          attempts: row.attempts + 1,
          last_error: JSON.stringify(sent.via === 'http' ? sent.body : null).slice(0, 500),
        });
      await raiseExceptions(trx, now, [
        {
          kind: 'interchange-document-refused',
          reference: `${kind}:${receiver}:${messageId}`,
          source: `province:${receiver}`,
          detail: { result, answer: sent.via === 'http' ? sent.body : null },
        },
      ]);
    }
    return true;
  });
  if (failure) throw new DeliveryError(failure);
  return done;
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
    const ids: bigint[] = (await t.pending(app.db(t.table)).orderBy(t.key).pluck(t.key)).map((v: unknown) =>
      BigInt(v as string),
    );
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
