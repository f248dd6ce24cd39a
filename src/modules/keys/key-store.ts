// Master keys per purpose and version, wrapped under the KEK in master_keys. The key ceremony
// (init / import / list) lives here; list shows purposes, versions and check values only.
import type { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { kcv } from '../../platform/crypto/pboc.ts';
import type { SoftwareHsm } from './software-hsm.ts';

export const KEY_PURPOSES = ['load', 'tac', 'purchase', 'maintenance', 'obu-maintenance', 'obu-vehicle'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

export type KeyListing = { purpose: KeyPurpose; version: number; kcv: string; createdAt: Date };

export class KeyImportError extends Error {}

function kcvHex(key: Buffer): string {
  return kcv(key).toString('hex').toUpperCase();
}

export async function listKeys(db: Knex): Promise<KeyListing[]> {
  const rows = await db('master_keys')
    .select('purpose', 'version', 'kcv', 'created_at')
    .orderBy(['purpose', 'version']);
  return rows.map((r) => ({ purpose: r.purpose, version: Number(r.version), kcv: r.kcv, createdAt: r.created_at }));
}

// Generates version 1 of every purpose that has no key yet. Returns what was created.
export async function initKeys(db: Knex, hsm: SoftwareHsm, version = 1): Promise<KeyListing[]> {
  const have = new Set((await listKeys(db)).map((k) => `${k.purpose}:${k.version}`));
  const rows: Array<{ purpose: KeyPurpose; version: number; wrapped: Buffer; kcv: string }> = [];
  for (const purpose of KEY_PURPOSES) {
    if (have.has(`${purpose}:${version}`)) continue;
    const key = randomBytes(16);
    rows.push({ purpose, version, wrapped: hsm.seal('master-key', key), kcv: kcvHex(key) });
    key.fill(0);
  }
  if (rows.length) await db('master_keys').insert(rows).onConflict(['purpose', 'version']).ignore();
  return (await listKeys(db)).filter((k) => rows.some((r) => r.purpose === k.purpose && r.version === k.version));
}

type ImportEntry = { purpose: string; version: number; value: string; kcv: string };

// Imports known keys ({"keys": [{purpose, version, value (32 hex), kcv (6 hex)}]}). Any bad
// entry or check-value mismatch refuses the whole file; an existing (purpose, version) must
// carry the same key (same KCV) or the file is refused too.
export async function importKeys(db: Knex, hsm: SoftwareHsm, doc: unknown): Promise<KeyListing[]> {
  const keys = (doc as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0)
    throw new KeyImportError('the file must be {"keys": [ ... ]} with at least one key');
  const existing = new Map((await listKeys(db)).map((k) => [`${k.purpose}:${k.version}`, k.kcv]));
  const rows: Array<{ purpose: string; version: number; wrapped: Buffer; kcv: string }> = [];
  keys.forEach((raw: ImportEntry, i: number) => {
    const where = `keys[${i}]`;
    if (!KEY_PURPOSES.includes(raw?.purpose as KeyPurpose))
      throw new KeyImportError(`${where}.purpose must be one of ${KEY_PURPOSES.join(', ')}`);
    if (!Number.isInteger(raw.version) || raw.version < 1 || raw.version > 255)
      throw new KeyImportError(`${where}.version must be 1..255`);
    if (typeof raw.value !== 'string' || !/^[0-9a-fA-F]{32}$/.test(raw.value))
      throw new KeyImportError(`${where}.value must be 32 hex characters`);
    if (typeof raw.kcv !== 'string' || !/^[0-9a-fA-F]{6}$/.test(raw.kcv))
      throw new KeyImportError(`${where}.kcv must be 6 hex characters`);
    const key = Buffer.from(raw.value, 'hex');
    const actual = kcvHex(key);
    if (actual !== raw.kcv.toUpperCase())
      throw new KeyImportError(`${where}: key check value mismatch for ${raw.purpose} v${raw.version}`);
    const id = `${raw.purpose}:${raw.version}`;
    const had = existing.get(id);
    if (had !== undefined && had !== actual)
      throw new KeyImportError(`${where}: ${raw.purpose} v${raw.version} already exists with a different key`);
    if (rows.some((r) => `${r.purpose}:${r.version}` === id)) throw new KeyImportError(`${where}: ${id} appears twice`);
    if (had === undefined)
      rows.push({ purpose: raw.purpose, version: raw.version, wrapped: hsm.seal('master-key', key), kcv: actual });
    key.fill(0);
  });
  if (rows.length) await db.transaction((trx) => trx('master_keys').insert(rows));
  return (await listKeys(db)).filter((k) => rows.some((r) => r.purpose === k.purpose && r.version === k.version));
}

// Reads and unwraps every master key for the key service. Only KeyService calls this.
export async function loadWrappedKeys(
  db: Knex,
): Promise<Array<{ purpose: KeyPurpose; version: number; wrapped: Buffer; kcv: string }>> {
  const rows = await db('master_keys').select('purpose', 'version', 'wrapped', 'kcv');
  return rows.map((r) => ({ purpose: r.purpose, version: Number(r.version), wrapped: r.wrapped, kcv: r.kcv }));
}
