// Small pieces both adapters share: Beijing-time stamps for native messages and day files, and the
// idempotency key of a reconciliation post (a day file has no serial of its own).
import { createHash } from 'node:crypto';

const BEIJING_OFFSET_MS = 8 * 3_600_000; // China Standard Time, no daylight saving

/** YYYYMMDD and hhmmss in Beijing time. */
export function beijingStamp(ms: number): { date: string; time: string } {
  const iso = new Date(ms + BEIJING_OFFSET_MS).toISOString(); // shifted: read the UTC fields as local
  return { date: iso.slice(0, 10).replace(/-/g, ''), time: iso.slice(11, 19).replace(/:/g, '') };
}

/** ISO 8601 with offset, as the channel API wants times, from a Beijing YYYYMMDD + hhmmss. */
export function beijingIso(date8: string, time6: string): string {
  return `${date8.slice(0, 4)}-${date8.slice(4, 6)}-${date8.slice(6, 8)}T${time6.slice(0, 2)}:${time6.slice(2, 4)}:${time6.slice(4, 6)}+08:00`;
}

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

// Same file for the same day → same key → the centre answers the first comparison again; a
// corrected file is a new key and a new comparison.
export function reconKey(bank: string, date: string, file: Buffer): string {
  return `${bank}-RECON-${date}-${createHash('sha256').update(file).digest('hex').slice(0, 32)}`;
}

export type ReconFailure = { status: number; code: string; message: string };
