// Reading a status-list package (ICD §2) as a lane does: header line, `count` entry lines, trailer.
// The digest is taken over the exact bytes of the entry lines as they arrive and the signature is
// checked at the end; nothing read is to be applied before readPackage resolves.
import { createHash, verify, type KeyObject } from 'node:crypto';

export type ListHeader = {
  kind: 'full' | 'delta';
  from: number;
  version: number;
  publishedAt: string | null;
  count: number;
};
export type ListLine = {
  medium: 'card' | 'obu';
  id: string;
  issuer: string;
  reason: number;
  action: 'enter' | 'leave';
};
export type ReadResult = { header: ListHeader; entries: number; sha256: string };

export class ListRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListRejected';
  }
}

function parse<T>(line: Buffer, what: string): T {
  try {
    return JSON.parse(line.toString('utf8')) as T;
  } catch {
    throw new ListRejected(`${what} is not JSON`);
  }
}

function checkHeader(h: ListHeader): ListHeader {
  const int = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if ((h.kind !== 'full' && h.kind !== 'delta') || !int(h.from) || !int(h.version) || !int(h.count))
    throw new ListRejected('malformed header');
  return h;
}

function checkLine(l: ListLine, kind: ListHeader['kind']): ListLine {
  const idOk = (l.medium === 'card' && /^\d{20}$/.test(l.id)) || (l.medium === 'obu' && /^\d{16}$/.test(l.id));
  if (
    !idOk ||
    typeof l.reason !== 'number' ||
    (l.action !== 'enter' && l.action !== 'leave') ||
    (kind === 'full' && l.action !== 'enter')
  )
    throw new ListRejected(`malformed entry ${JSON.stringify(l)}`);
  return l;
}

// onEntry gets each entry as it is read (for a lane: into a staging set, applied after success).
export async function readPackage(
  body: AsyncIterable<Uint8Array>,
  key: KeyObject,
  onEntry?: (l: ListLine) => void,
): Promise<ReadResult> {
  const digest = createHash('sha256');
  let header: ListHeader | undefined;
  let headerLine: Buffer | undefined;
  let trailer: Buffer | undefined;
  let remaining = 0;
  let entries = 0;
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of body) {
    const buf = carry.length
      ? Buffer.concat([carry, chunk])
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let pos = 0;
    let run = -1; // start of the entry lines of this buffer not yet digested: hashed in one piece
    for (;;) {
      const nl = buf.indexOf(0x0a, pos);
      if (nl < 0) break;
      if (trailer) throw new ListRejected('data after the trailer');
      const line = buf.subarray(pos, nl);
      if (!header) {
        headerLine = Buffer.from(line);
        header = checkHeader(parse<ListHeader>(line, 'header'));
        remaining = header.count;
      } else if (remaining > 0) {
        if (onEntry) onEntry(checkLine(parse<ListLine>(line, 'entry'), header.kind));
        if (run < 0) run = pos;
        remaining--;
        entries++;
        if (remaining === 0) {
          digest.update(buf.subarray(run, nl + 1));
          run = -1;
        }
      } else {
        trailer = Buffer.from(line);
      }
      pos = nl + 1;
    }
    if (run >= 0) digest.update(buf.subarray(run, pos));
    carry = Buffer.from(buf.subarray(pos));
  }
  if (carry.length) throw new ListRejected('the package ends inside a line');
  if (!header || !headerLine || !trailer) throw new ListRejected('the package was cut short');
  const t = parse<{ sha256?: unknown; signature?: unknown }>(trailer, 'trailer');
  const sha256 = digest.digest('hex');
  if (t.sha256 !== sha256) throw new ListRejected('the entry lines do not match the sha256 of the trailer');
  const signed = Buffer.concat([headerLine, Buffer.from(`\n${sha256}`, 'utf8')]);
  if (typeof t.signature !== 'string' || !verify('sha256', signed, key, Buffer.from(t.signature, 'base64')))
    throw new ListRejected('the signature does not verify with the centre certificate');
  return { header, entries, sha256 };
}
