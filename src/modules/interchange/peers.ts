// Where documents for another province go and how this centre signs its requests there. A peer with
// a URL gets HTTP (ICD §0 signature, Idempotency-Key = the document's message id); a peer without
// one gets files in the drop folder `<data dir>/interchange/out/<network>/`. The secret that
// province issued to us is sealed by the key service and used only through it.
import type { Knex } from 'knex';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { stringToSign } from '../../platform/http/auth.ts';
import { actorLabel, type AppContext, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';

export type PeerEndpoint = { network: string; url: string | null; clientId: string; secretSealed: Buffer | null };

export async function peerEndpoint(db: Knex, network: string): Promise<PeerEndpoint | null> {
  const r = await db('interchange_peers').where({ network }).first();
  return r ? { network, url: r.url, clientId: r.client_id, secretSealed: r.secret_sealed } : null;
}

export async function peerNetworks(db: Knex): Promise<string[]> {
  return db('interchange_peers').orderBy('network').pluck('network');
}

export async function setPeerEndpoint(
  ctx: RequestContext,
  network: string,
  input: { url: string | null; clientId: string; secret?: string },
): Promise<{ network: string; url: string | null; clientId: string; secretSet: boolean }> {
  if (network === ctx.app.config.network)
    throw new AppError('invalid-request', `network: ${network} is this centre`, 'network');
  return inTransaction(ctx.db, async (trx) => {
    const old = await trx('interchange_peers').where({ network }).forUpdate().first();
    const sealed =
      input.secret !== undefined ? ctx.app.keys.sealPeerSecret(input.secret) : (old?.secret_sealed ?? null);
    if (input.url !== null && !sealed)
      throw new AppError(
        'invalid-request',
        'secret: a peer reached over HTTP needs the secret it issued to this centre',
        'secret',
      );
    const row = {
      network,
      url: input.url,
      client_id: input.clientId,
      secret_sealed: sealed,
      updated_at: ctx.app.clock.now(),
      updated_by: actorLabel(ctx.actor),
    };
    await trx('interchange_peers').insert(row).onConflict('network').merge();
    await audit(trx, ctx, {
      action: 'interchange.peer-endpoint',
      entity: 'province',
      entityId: network,
      detail: { url: input.url, clientId: input.clientId, secretChanged: input.secret !== undefined },
    });
    return { network, url: input.url, clientId: input.clientId, secretSet: sealed !== null };
  });
}

export async function listPeerEndpoints(db: Knex): Promise<
  Array<{
    network: string;
    url: string | null;
    clientId: string;
    secretSet: boolean;
    updatedAt: Date;
    updatedBy: string;
  }>
> {
  const rows = await db('interchange_peers').orderBy('network');
  return rows.map((r) => ({
    network: r.network,
    url: r.url,
    clientId: r.client_id,
    secretSet: r.secret_sealed !== null,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  }));
}

export type Sent = { via: 'http'; status: number; body: unknown } | { via: 'file'; path: string };

export class DeliveryError extends Error {}

const TIMEOUT_MS = 30_000;

/** Sends a signed document to a peer: POST over HTTP, or a file in the drop folder. A transport
 *  failure or a non-2xx answer throws DeliveryError (the caller retries later). */
export async function sendDocument(
  app: AppContext,
  peer: PeerEndpoint,
  path: string,
  kind: string,
  messageId: string,
  doc: unknown,
): Promise<Sent> {
  const body = Buffer.from(JSON.stringify(doc), 'utf8');
  if (!peer.url) {
    const dir = join(app.config.dataDir, 'interchange', 'out', peer.network);
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${kind}-${messageId}.json`);
    // written whole under a temporary name, then renamed: a reader never sees half a file
    await writeFile(`${file}.part`, body);
    await rename(`${file}.part`, file);
    return { via: 'file', path: file };
  }
  const url = new URL(`/api/v1/interchange${path}`, peer.url);
  const pathWithQuery = url.pathname + url.search;
  return request(app, peer, 'POST', url, pathWithQuery, body, messageId);
}

export async function getFromPeer(app: AppContext, peer: PeerEndpoint, path: string): Promise<unknown> {
  if (!peer.url) throw new DeliveryError(`network ${peer.network} has no URL`);
  const url = new URL(`/api/v1/interchange${path}`, peer.url);
  const sent = await request(app, peer, 'GET', url, url.pathname + url.search, Buffer.alloc(0), undefined);
  return sent.via === 'http' ? sent.body : null;
}

async function request(
  app: AppContext,
  peer: PeerEndpoint,
  method: 'GET' | 'POST',
  url: URL,
  pathWithQuery: string,
  body: Buffer,
  idempotencyKey: string | undefined,
): Promise<Sent> {
  const ts = String(app.clock.now().getTime());
  const headers: Record<string, string> = {
    'X-Client-Id': peer.clientId,
    'X-Timestamp': ts,
    'X-Signature': app.keys.signPeerRequest(peer.secretSealed!, stringToSign(method, pathWithQuery, ts, body)),
  };
  if (method === 'POST') headers['Content-Type'] = 'application/json';
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: method === 'POST' ? body : undefined,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new DeliveryError(`${method} ${url.origin}${url.pathname}: ${(err as Error).message}`);
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (res.status < 200 || res.status > 299) {
    const code = (parsed as { error?: { code?: string } } | null)?.error?.code ?? 'no error code';
    throw new DeliveryError(`${method} ${url.origin}${url.pathname}: HTTP ${res.status} ${code}`);
  }
  return { via: 'http', status: res.status, body: parsed };
}
