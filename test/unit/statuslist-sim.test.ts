// The lane simulator's reading of a package: digest and signature checked over the exact bytes,
// whatever the chunking, and anything cut, added or altered is rejected.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { ListRejected, readPackage, type ListLine } from '../../lanes-sim/status-list/package.ts';
import { parseSecrets } from '../../lanes-sim/status-list/fleet.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });

function pkg(n: number): string {
  const header = JSON.stringify({ kind: 'full', from: 0, version: 42, publishedAt: null, count: n });
  const body = Array.from(
    { length: n },
    (_, i) =>
      JSON.stringify({
        medium: 'card',
        id: `3401${String(i).padStart(16, '0')}`,
        issuer: '3401',
        reason: 1,
        action: 'enter',
      }) + '\n',
  ).join('');
  const sha256 = createHash('sha256').update(body).digest('hex');
  return `${header}\n${body}${JSON.stringify({ sha256, signature: sign('sha256', Buffer.from(`${header}\n${sha256}`), privateKey).toString('base64') })}\n`;
}

async function* chunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const b = Buffer.from(text);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

describe('lanes-sim: reading a signed package', () => {
  it('verifies a package however it is chunked and hands over every entry', async () => {
    const text = pkg(500);
    for (const size of [1, 7, 4096, 1 << 20]) {
      const seen: ListLine[] = [];
      const r = await readPackage(chunks(text, size), publicKey, (l) => seen.push(l));
      assert.deepEqual([r.header.version, r.entries, seen.length], [42, 500, 500]);
    }
    assert.equal((await readPackage(chunks(pkg(0), 3), publicKey)).entries, 0);
  });

  it('rejects a package cut short, with data after the trailer, or altered', async () => {
    const text = pkg(20);
    const rejects = (t: string) => assert.rejects(readPackage(chunks(t, 64), publicKey), ListRejected);
    await rejects(text.slice(0, text.lastIndexOf('{"sha256"')));
    await rejects(text.slice(0, -1));
    await rejects(text + '{}\n');
    await rejects(text.replace('"reason":1', '"reason":3'));
    await rejects(text.replace('"version":42', '"version":43'));
    // a different first character of the signature (replacing it with a fixed one would change nothing 1 time in 64)
    await rejects(text.replace(/"signature":"(.)/, (_m, c: string) => `"signature":"${c === 'A' ? 'B' : 'A'}`));
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    await assert.rejects(readPackage(chunks(text, 64), other), ListRejected);
  });

  it('reads lane secrets as JSON or as lines', () => {
    assert.deepEqual(parseSecrets('[{"id":"L340101-01","secret":"ab"}]'), [{ id: 'L340101-01', secret: 'ab' }]);
    assert.deepEqual(parseSecrets('{"lanes":[{"id":"L1-01","secret":"x"}]}'), [{ id: 'L1-01', secret: 'x' }]);
    assert.deepEqual(parseSecrets('# lanes\nL340101-01 ab\n\nL340101-02  cd\n'), [
      { id: 'L340101-01', secret: 'ab' },
      { id: 'L340101-02', secret: 'cd' },
    ]);
  });
});
