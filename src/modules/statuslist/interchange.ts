// Other provinces' lists (ICD §3 POST /status-lists): a peer's delta or full list, signed by that
// province, becomes interchange changes that the publisher seals like any other, so lanes get the
// union of our list and every peer's. A peer's line is the whole truth about its id (one reason);
// a full list replaces the peer's set. Our own list (our issuer's entries only) goes the other way.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RouteResult } from '../../platform/http/route.ts';
import {
  certificateInfo,
  registerPeerCertificate,
  verifyPeerSignature,
  PkiError,
  type CertificateInfo,
} from '../keys/index.ts';
import { callerNetwork } from '../interchange/index.ts';
import { listResult } from './lane-api.ts';
import { parsePackage, type PackageLine } from './list-format.ts';

export type ImportResult = {
  result: 1;
  network: string;
  kind: 'full' | 'delta';
  version: number;
  entries: number;
  changes: number;
};

const nextNetwork = (n: string) => String(Number(n) + 1).padStart(4, '0');
const INSERT = `insert into status_list_changes (medium, medium_id, issuer, action, reason, whole, source, state, created_at, created_by, note)`;

// Changes that turn the peer's published set into exactly the lines of its full list.
async function replaceSet(
  trx: Knex.Transaction,
  network: string,
  lines: PackageLine[],
  meta: Knex.Value[],
): Promise<number> {
  await trx.raw(
    'create temp table sl_incoming on commit drop as select * from jsonb_to_recordset(?::jsonb) as x(medium text, id text, reason int)',
    [JSON.stringify(lines)],
  );
  await trx.raw('analyze sl_incoming');
  const entered = await trx.raw(
    `${INSERT}
    select i.medium, i.id, ?, 'enter', i.reason, true, 'interchange', 'pending', ?, ?, ? from sl_incoming i
    where not exists (select 1 from status_list_causes c where c.medium = i.medium and c.medium_id = i.id and c.reason = i.reason)
    order by i.medium, i.id`,
    [network, ...meta],
  );
  const left = await trx.raw(
    `${INSERT}
    select c.medium, c.medium_id, ?, 'leave', null, true, 'interchange', 'pending', ?, ?, ?
    from (select distinct medium, medium_id from status_list_causes where medium_id >= ? and medium_id < ?) c
    where not exists (select 1 from sl_incoming i where i.medium = c.medium and i.id = c.medium_id)
    order by c.medium, c.medium_id`,
    [network, ...meta, network, nextNetwork(network)],
  );
  return (entered.rowCount ?? 0) + (left.rowCount ?? 0);
}

async function applyDelta(
  trx: Knex.Transaction,
  network: string,
  lines: PackageLine[],
  meta: Knex.Value[],
): Promise<number> {
  if (lines.length === 0) return 0;
  const r = await trx.raw(
    `${INSERT}
    select x.medium, x.id, ?, x.action, x.reason, true, 'interchange', 'pending', ?, ?, ?
    from rows from (jsonb_to_recordset(?::jsonb) as (medium text, id text, reason int, action text)) with ordinality as x(medium, id, reason, action, n)
    order by x.n`,
    [network, ...meta, JSON.stringify(lines)],
  );
  return r.rowCount ?? 0;
}

export async function importPeerList(db: Knex, ctx: RequestContext, text: string): Promise<ImportResult> {
  const network = callerNetwork(ctx.app, ctx.actor);
  const p = parsePackage(text);
  const strangers = p.lines.filter((l) => l.issuer !== network);
  if (strangers.length)
    throw new AppError(
      'invalid-request',
      `list: line for ${strangers[0].medium} ${strangers[0].id} is not of network ${network}`,
      'list',
    );
  if (!p.digestMatches)
    throw new AppError('list-signature-invalid', 'the sha256 of the entry lines does not match the trailer');
  const verdict = await verifyPeerSignature(
    db,
    network,
    Buffer.from(`${p.headerLine}\n${p.sha256}`, 'utf8'),
    p.signature,
  );
  if (verdict === null)
    throw new AppError('peer-certificate-missing', `no certificate is registered for network ${network}`);
  if (!verdict)
    throw new AppError(
      'list-signature-invalid',
      `the signature does not verify with the certificate of network ${network}`,
    );
  const h = p.header;
  return inTransaction(db, async (trx) => {
    const peer = await trx('status_list_peers').where({ network }).forUpdate().first();
    if (h.kind === 'delta' && (!peer || Number(peer.version) !== h.from)) {
      throw new AppError(
        'list-version-gap',
        peer
          ? `this delta starts at ${h.from} but version ${peer.version} was the last received: send the missing deltas or a full list`
          : 'send a full list first',
      );
    }
    if (h.kind === 'full' && peer && h.version <= Number(peer.version))
      throw new AppError(
        'list-version-stale',
        `version ${h.version} is not newer than ${peer.version}, the last received`,
      );
    const at = ctx.app.clock.now();
    const meta: Knex.Value[] = [at, actorLabel(ctx.actor), `${network} ${h.kind} v${h.version}`];
    let changes: number;
    if (h.kind === 'full') {
      // unsealed changes from the peer's earlier lists are overtaken by this one
      await trx('status_list_changes')
        .where({ source: 'interchange', issuer: network, state: 'pending' })
        .update({
          state: 'discarded',
          decided_at: at,
          decided_by: 'system',
          note: `superseded by ${network} full v${h.version}`,
        });
      changes = await replaceSet(trx, network, p.lines, meta);
    } else {
      changes = await applyDelta(trx, network, p.lines, meta);
    }
    await trx('status_list_peers')
      .insert({ network, version: h.version, kind: h.kind, entries: p.lines.length, received_at: at })
      .onConflict('network')
      .merge();
    await audit(trx, ctx, {
      action: 'status-list.import',
      entity: 'province',
      entityId: network,
      detail: { kind: h.kind, from: h.from, version: h.version, entries: p.lines.length, changes },
    });
    return { result: 1, network, kind: h.kind, version: h.version, entries: p.lines.length, changes };
  });
}

// Our own list for a peer: the same package as lanes get, restricted to this centre's ids.
export async function exportOwnList(ctx: RequestContext, since: number | undefined): Promise<RouteResult> {
  const { kind: _k, version: _v, ...rest } = await listResult(ctx.app, { since, issuer: ctx.app.config.network });
  return rest;
}

export async function registerPeer(
  db: Knex,
  ctx: RequestContext,
  network: string,
  pem: string,
): Promise<CertificateInfo & { network: string }> {
  if (network === ctx.app.config.network)
    throw new AppError('invalid-request', `network: ${network} is this centre`, 'network');
  return inTransaction(db, async (trx) => {
    let info: CertificateInfo;
    try {
      info = await registerPeerCertificate(trx, network, pem, ctx.app.clock.now(), actorLabel(ctx.actor));
    } catch (err) {
      if (err instanceof PkiError)
        throw new AppError('invalid-request', `certificatePem: ${err.message}`, 'certificatePem');
      throw err;
    }
    await audit(trx, ctx, {
      action: 'interchange.peer-certificate',
      entity: 'province',
      entityId: network,
      detail: { fingerprint: info.fingerprint, subject: info.subject, validTo: info.validTo },
    });
    return { network, ...info };
  });
}

export async function listPeers(db: Knex): Promise<
  Array<{
    network: string;
    certificate: CertificateInfo | null;
    list: { version: number; kind: string; entries: number; receivedAt: Date } | null;
  }>
> {
  const certs = await db('peer_certificates').select('network', 'certificate_pem');
  const lists = new Map((await db('status_list_peers').select('*')).map((r) => [r.network as string, r]));
  const networks = [...new Set([...certs.map((c) => c.network as string), ...lists.keys()])].sort();
  const pem = new Map(certs.map((c) => [c.network as string, c.certificate_pem as string]));
  return networks.map((network) => {
    const l = lists.get(network);
    const p = pem.get(network);
    return {
      network,
      certificate: p ? certificateInfo(p) : null,
      list: l ? { version: Number(l.version), kind: l.kind, entries: l.entries, receivedAt: l.received_at } : null,
    };
  });
}
