// Interchange documents (ICD §3): JSON with a header and the sending centre's RSA signature over
// the canonical JSON of the document without its `signature` member (keys sorted at every level,
// no spaces). Documents are verified as received — before any parsing that would change a value —
// and then read with strict schemas: a header that does not parse is result 2, a body that does not
// parse is result 3.
import type { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { NETWORK_ID } from '../../platform/http/fast-check.ts';
import { isoDate, isoInstant, network } from '../../platform/http/schemas.ts';
import { verifyPeerSignature } from '../keys/index.ts';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object')
    return JSON.stringify(typeof value === 'bigint' ? Number(value) : value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The document's fingerprint as signed (canonical JSON without the signature), kept with the
 *  package so that finance can tell which exact document was sent or accepted. */
export const documentSha256 = (doc: Record<string, unknown>) =>
  createHash('sha256').update(signedBytes(doc)).digest('hex');

function signedBytes(doc: Record<string, unknown>): Buffer {
  const { signature: _s, ...rest } = doc;
  return Buffer.from(canonicalJson(rest), 'utf8');
}

export type SignedDocument = Record<string, unknown> & { signature: string };

export async function signDocument(app: AppContext, doc: Record<string, unknown>): Promise<SignedDocument> {
  await app.keys.ensurePki(app.db, { network: app.config.network, now: app.clock.now() });
  return { ...doc, signature: app.keys.signDocument(signedBytes(doc)) };
}

/** Refuses (422) a document whose signature is not the sender's; the sender is the client's network. */
export async function assertSignedBy(db: Knex, network: string, doc: Record<string, unknown>): Promise<void> {
  const signature = typeof doc.signature === 'string' ? doc.signature : '';
  const verdict = await verifyPeerSignature(db, network, signedBytes(doc), signature);
  if (verdict === null)
    throw new AppError('peer-certificate-missing', `no certificate is registered for network ${network}`);
  if (!verdict)
    throw new AppError(
      'document-signature-invalid',
      `the document's signature does not verify with the certificate of network ${network}`,
    );
}

/** The calling province: a province client is named by its 4-digit network id, and is never this
 *  centre (documents and lists travel between centres). */
export function callerNetwork(app: AppContext, actor: { kind: string; id: string }): string {
  if (actor.kind !== 'client' || !NETWORK_ID.test(actor.id))
    throw new AppError('forbidden', 'a province client is named by its 4-digit network id');
  if (actor.id === app.config.network) throw new AppError('forbidden', 'this centre exchanges nothing with itself');
  return actor.id;
}

/** The first problem of a failed parse, as `path: message` (the package answers name it). */
export const firstIssue = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`)[0];

// Package result codes (ETC-REFERENCE §7)
export const RESULT = {
  ok: 1,
  header: 2,
  schema: 3,
  content: 4,
  duplicate: 5,
  notAccepted: 6,
  version: 7,
  statistics: 8,
} as const;
export type PackageResult = (typeof RESULT)[keyof typeof RESULT];
export type Answer = { result: PackageResult; message?: string };

/**
 * What every incoming document is checked for first, in this order: signed by the calling province
 * (else 422 `document-signature-invalid`), a header that parses, sent by that province to this
 * centre (else result 2). Returns the caller's network and the header, or the answer to give.
 */
export async function incomingHeader<H extends { sender: string; receiver: string }>(
  app: AppContext,
  db: Knex,
  actor: { kind: string; id: string },
  doc: Record<string, unknown>,
  schema: z.ZodType<H>,
): Promise<{ sender: string; header: H; refusal?: undefined } | { refusal: Answer }> {
  const sender = callerNetwork(app, actor);
  await assertSignedBy(db, sender, doc);
  const h = schema.safeParse(doc.header);
  if (!h.success) return { refusal: { result: RESULT.header, message: `header.${firstIssue(h.error)}` } };
  const header = h.data;
  if (header.sender !== sender)
    return {
      refusal: {
        result: RESULT.header,
        message: `header.sender ${header.sender} is not the calling province ${sender}`,
      },
    };
  if (header.receiver !== app.config.network)
    return {
      refusal: {
        result: RESULT.header,
        message: `header.receiver ${header.receiver} is not this centre (${app.config.network})`,
      },
    };
  return { sender, header };
}

export const messageId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, - or _');
const count = z.number().int().min(0).max(10_000_000);
const fen = z
  .number()
  .int()
  .min(0)
  .max(Number.MAX_SAFE_INTEGER)
  .transform((v) => BigInt(v));
export const transId = z.string().regex(/^[0-9A-Za-z]{1,40}$/, 'must be 1–40 letters or digits');

export const packageHeader = z.strictObject({
  messageId,
  sender: network,
  receiver: network,
  clearTargetDate: isoDate,
  count,
  amount: fen,
});
export const confirmationHeader = z.strictObject({
  messageId,
  originalMessageId: messageId,
  sender: network,
  receiver: network,
  processedAt: isoInstant,
  count,
  amount: fen,
  disputedCount: count,
});
export const resolutionHeader = z.strictObject({
  messageId,
  sender: network,
  receiver: network,
  clearTargetDate: isoDate,
  count,
});
export const disputedItem = z.strictObject({ transId, result: z.number().int().min(1).max(100) });
export const resolutionItem = z.strictObject({ transId, result: z.union([z.literal(0), z.literal(1)]) });

/** The envelopes the document routes accept: values stay as sent until the signature is checked. */
const header = z.record(z.string(), z.unknown());
const signature = z.string().min(1).max(2048);
const items = z.array(z.unknown()).max(100_000);
export const packageEnvelope = z.strictObject({ header, transactions: items, signature });
export const confirmationEnvelope = z.strictObject({ header, disputed: items, signature });
export const resolutionEnvelope = z.strictObject({ header, items, signature });

/** A transaction's id in packages and confirmations: its terminal key (PSAM id ‖ sequence, hex). */
export const transIdOf = (terminalId: string, terminalSeq: number | bigint) =>
  `${terminalId}${Number(terminalSeq).toString(16).toUpperCase().padStart(8, '0')}`;
