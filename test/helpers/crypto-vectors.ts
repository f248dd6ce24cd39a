// What the crypto unit tests share: the published vectors of ../shared/vectors/pboc.json by id, hex
// to bytes, and a deterministic PRNG (mulberry32) so that a failing random case can be replayed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

type Vector = Record<string, string>;
const vectorFile = new URL('../../../shared/vectors/pboc.json', import.meta.url);
export const vectors = (JSON.parse(readFileSync(vectorFile, 'utf8')) as { vectors: Vector[] }).vectors;

export const hex = (s: string): Buffer => Buffer.from(s, 'hex');

export function vector(id: string): Vector {
  const v = vectors.find((x) => x.id === id);
  assert.ok(v, `vector ${id} missing from pboc.json`);
  return v;
}

export function prng(seed: number): { bytes: (n: number) => Buffer; below: (n: number) => number } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return { bytes: (n) => Buffer.from(Array.from({ length: n }, () => next() & 0xff)), below: (n) => next() % n };
}
