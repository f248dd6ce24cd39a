// Reading a list package another province sent (ICD §2 lines): strict about every line, and
// checking the digest over the exact bytes of the entry lines. The signature is checked by the
// caller against the sender's certificate over header line + "\n" + digest.
import { createHash } from 'node:crypto';
import { invalid } from '../../platform/http/errors.ts';
import { NETWORK_ID } from '../../platform/http/fast-check.ts';
import { MEDIUM_ID, type ListAction, type Medium } from './reasons.ts';

export type PackageHeader = {
  kind: 'full' | 'delta';
  from: number;
  version: number;
  publishedAt: string | null;
  count: number;
};
export type PackageLine = { medium: Medium; id: string; issuer: string; reason: number; action: ListAction };
export type ParsedPackage = {
  header: PackageHeader;
  headerLine: string;
  lines: PackageLine[];
  sha256: string;
  signature: string;
  digestMatches: boolean;
};

const FIELD = 'list';
const isInt = (v: unknown, min: number, max: number) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;

function json(text: string, where: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  } catch {
    // reported below with the line named
  }
  throw invalid(FIELD, `${where} is not a JSON object`);
}

function exactKeys(o: Record<string, unknown>, keys: string[], where: string): void {
  const extra = Object.keys(o).filter((k) => !keys.includes(k));
  const missing = keys.filter((k) => !(k in o));
  if (extra.length || missing.length)
    throw invalid(FIELD, `${where}: ${missing.length ? `missing ${missing.join(', ')}` : `unknown field ${extra[0]}`}`);
}

function header(o: Record<string, unknown>): PackageHeader {
  exactKeys(o, ['kind', 'from', 'version', 'publishedAt', 'count'], 'header');
  if (o.kind !== 'full' && o.kind !== 'delta') throw invalid(FIELD, 'header.kind must be full or delta');
  if (!isInt(o.version, 1, Number.MAX_SAFE_INTEGER)) throw invalid(FIELD, 'header.version must be a positive integer');
  if (
    !isInt(o.from, 0, Number.MAX_SAFE_INTEGER) ||
    (o.kind === 'delta' ? (o.from as number) >= (o.version as number) : o.from !== 0)
  )
    throw invalid(FIELD, 'header.from must be 0 for a full list and below version for a delta');
  if (!isInt(o.count, 0, 10_000_000)) throw invalid(FIELD, 'header.count must be a non-negative integer');
  if (o.publishedAt !== null && (typeof o.publishedAt !== 'string' || Number.isNaN(Date.parse(o.publishedAt))))
    throw invalid(FIELD, 'header.publishedAt must be a time');
  return o as PackageHeader;
}

function entry(o: Record<string, unknown>, where: string, kind: 'full' | 'delta'): PackageLine {
  exactKeys(o, ['medium', 'id', 'issuer', 'reason', 'action'], where);
  if (o.medium !== 'card' && o.medium !== 'obu') throw invalid(FIELD, `${where}.medium must be card or obu`);
  if (typeof o.id !== 'string' || !MEDIUM_ID[o.medium].test(o.id))
    throw invalid(FIELD, `${where}.id is not a ${o.medium} number`);
  if (typeof o.issuer !== 'string' || !NETWORK_ID.test(o.issuer) || !o.id.startsWith(o.issuer))
    throw invalid(FIELD, `${where}.issuer must be the network id the number begins with`);
  if (!isInt(o.reason, 1, 999)) throw invalid(FIELD, `${where}.reason must be 1..999`);
  if (o.action !== 'enter' && (o.action !== 'leave' || kind === 'full'))
    throw invalid(FIELD, `${where}.action must be enter${kind === 'delta' ? ' or leave' : ' in a full list'}`);
  return o as PackageLine;
}

export function parsePackage(text: string): ParsedPackage {
  if (!text.endsWith('\n')) throw invalid(FIELD, 'every line, the last included, ends with \\n');
  const firstEnd = text.indexOf('\n');
  const lastStart = text.lastIndexOf('\n', text.length - 2) + 1;
  if (lastStart <= firstEnd) throw invalid(FIELD, 'a package has a header line, entry lines and a trailer line');
  const headerLine = text.slice(0, firstEnd);
  const h = header(json(headerLine, 'header'));
  const body = text.slice(firstEnd + 1, lastStart);
  const rows = body === '' ? [] : body.slice(0, -1).split('\n');
  if (rows.length !== h.count) throw invalid(FIELD, `header.count is ${h.count} but ${rows.length} entry lines follow`);
  const seen = new Set<string>();
  const lines = rows.map((r, i) => {
    const e = entry(json(r, `line ${i + 2}`), `line ${i + 2}`, h.kind);
    const key = `${e.medium}:${e.id}`;
    if (seen.has(key)) throw invalid(FIELD, `line ${i + 2}: ${key} appears twice`);
    seen.add(key);
    return e;
  });
  const t = json(text.slice(lastStart, -1), 'trailer');
  exactKeys(t, ['sha256', 'signature'], 'trailer');
  if (typeof t.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(t.sha256))
    throw invalid(FIELD, 'trailer.sha256 must be 64 lower-case hex characters');
  if (typeof t.signature !== 'string' || t.signature.length === 0)
    throw invalid(FIELD, 'trailer.signature must be base64');
  const digest = createHash('sha256').update(Buffer.from(body, 'utf8')).digest('hex');
  return { header: h, headerLine, lines, sha256: t.sha256, signature: t.signature, digestMatches: digest === t.sha256 };
}
