// Signed small deltas kept in the database (status_list_delta_packages): the first pull of a delta
// V→W builds and signs it, and every later pull of it — by any process — is one read of its bytes
// by primary key: no query over the delta rows, no signature. The bytes are exactly what was built
// (a published delta never changes, and the signature is deterministic): what a lane receives is
// the same either way. Keyed by the signing certificate too, so a new key makes new packages.
import type { Knex } from 'knex';
import { createHash } from 'node:crypto';
import type { KeyService } from '../keys/index.ts';

let lastPem = '';
let lastSigner = '';

/** The signing certificate's SHA-256 (hex), remembered for the last certificate seen. */
export function signerOf(keys: KeyService): string {
  const pem = keys.statusListCertificatePem();
  if (pem !== lastPem) {
    lastSigner = createHash('sha256').update(pem).digest('hex');
    lastPem = pem;
  }
  return lastSigner;
}

export type DeltaKey = { from: number; to: number; issuer: string | undefined; signer: string };

const where = (k: DeltaKey) => ({
  to_version: k.to,
  from_version: k.from,
  issuer: k.issuer ?? '',
  signer: k.signer,
});

// read as text (the package is UTF-8): the client then skips decoding bytea's hex form, which
// doubles what travels and cost more than the rest of the read
export async function storedDelta(db: Knex, k: DeltaKey): Promise<Buffer | undefined> {
  const row = await db('status_list_delta_packages')
    .where(where(k))
    .first(db.raw(`convert_from(bytes, 'UTF8') as text`));
  return row ? Buffer.from(row.text, 'utf8') : undefined;
}

// Several lanes may build the same delta at once: the first stored wins, the others are the same bytes.
export async function storeDelta(db: Knex, k: DeltaKey, bytes: Buffer): Promise<void> {
  await db('status_list_delta_packages')
    .insert({ ...where(k), bytes })
    .onConflict(['to_version', 'from_version', 'issuer', 'signer'])
    .ignore();
}

/** Only deltas to the current version are asked for: the publisher drops the others. */
export async function dropDeltasBefore(trx: Knex.Transaction, version: number): Promise<void> {
  await trx('status_list_delta_packages').where('to_version', '<', version).delete();
}

/** Pruning drops the packages from versions whose delta rows are gone. */
export async function dropDeltasFrom(trx: Knex.Transaction, prunedThrough: number): Promise<void> {
  await trx('status_list_delta_packages').where('from_version', '<', prunedThrough).delete();
}
