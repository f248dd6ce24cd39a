// Uploading a lane's transactions in batches, with the duplicate and reorder faults, and checking
// each answer against what every transaction should get: its own expectation the first time the
// centre sees it, "duplicate" (code 2) every time after.
import { isDeepStrictEqual } from 'node:util';
import { largestRemainder } from '../../src/modules/clearing/index.ts';
import type { Centre } from './centre.ts';
import type { WireTransaction } from './lane.ts';
import type { Rng } from './rng.ts';

export type Expect = { disposition: 'accepted' | 'duplicate' | 'rejected'; code?: number };
export type Item = {
  tx: WireTransaction;
  fault: string;
  expect: Expect;
  own: boolean;
  charge?: Map<string, number>;
  late: boolean;
};
export type Outbox = Map<string, Item[]>;
export type Got = { disposition: string; code?: number };
export type ResultRecord = {
  ok: boolean;
  fault: string;
  item: Item;
  got: Got;
  first: boolean;
  mismatch?: { laneId: string; terminalId: string; terminalSeq: number; fault: string; expected: Expect; got: unknown };
};
export type Sent = {
  keys: Set<string>;
  results: ResultRecord[];
  uploads: number;
  replays: number;
  copies: number;
  resent: number;
  received: number;
  counts: { accepted: number; duplicate: number; rejected: number };
};

let serial = 0;

function check(laneId: string, body: Item[], reply: { status: number; body: any }, sent: Sent): void {
  if (reply.status !== 200) throw new Error(`upload from ${laneId}: ${reply.status} ${JSON.stringify(reply.body)}`);
  const results: Array<{ terminalId: string; terminalSeq: number; disposition: string; code?: number }> =
    reply.body.results;
  if (results.length !== body.length)
    throw new Error(`upload from ${laneId}: ${results.length} results for ${body.length} transactions`);
  sent.uploads++;
  sent.received += body.length;
  body.forEach((item, i) => {
    const r = results[i];
    const key = `${item.tx.terminalId}|${item.tx.terminalSeq}`;
    const first = !sent.keys.has(key);
    sent.keys.add(key);
    const expected: Expect = first ? item.expect : { disposition: 'duplicate', code: 2 };
    const got: Got = { disposition: r.disposition, ...(r.code !== undefined ? { code: r.code } : {}) };
    const ok =
      r.terminalId === item.tx.terminalId &&
      r.terminalSeq === item.tx.terminalSeq &&
      got.disposition === expected.disposition &&
      got.code === expected.code;
    if (r.disposition in sent.counts) sent.counts[r.disposition as keyof Sent['counts']]++;
    sent.results.push({
      ok,
      fault: first ? item.fault : 'duplicate',
      item,
      got,
      first,
      ...(ok
        ? {}
        : {
            mismatch: {
              laneId,
              terminalId: item.tx.terminalId,
              terminalSeq: item.tx.terminalSeq,
              fault: item.fault,
              expected,
              got,
            },
          }),
    });
  });
}

export async function sendBatches(
  centre: Centre,
  rng: Rng,
  laneId: string,
  items: Item[],
  o: { size: number; reorder: boolean; duplicate: boolean },
  sent: Sent,
  runId: string,
): Promise<void> {
  const batches: Item[][] = [];
  for (let i = 0; i < items.length; i += o.size) batches.push(items.slice(i, i + o.size));
  if (o.reorder) {
    for (const b of batches) rng.shuffle(b);
    rng.shuffle(batches);
  }
  for (const b of batches) {
    let body = b;
    // each duplicate fault happens at the first chance, then now and again
    if (o.duplicate && b.length > 1 && b.length < o.size && (sent.copies === 0 || rng.chance(0.2))) {
      sent.copies++;
      // the same transaction twice in one batch: the second copy is a duplicate
      const at = rng.int(1, b.length);
      body = [...b.slice(0, at), b[rng.int(0, at - 1)], ...b.slice(at)];
    }
    const key = `SIM-${runId}-${laneId}-${++serial}`;
    const payload = { transactions: body.map((i) => i.tx) };
    const reply = await centre.lane(laneId, `/api/v1/lanes/${laneId}/transactions`, payload, key);
    check(laneId, body, reply, sent);
    if (o.duplicate && (sent.replays === 0 || rng.chance(0.2))) {
      // a replay under the same Idempotency-Key gets the first answer again, and is no new upload
      const again = await centre.lane(laneId, `/api/v1/lanes/${laneId}/transactions`, payload, key);
      if (again.status !== reply.status || !isDeepStrictEqual(again.body, reply.body))
        throw new Error(`replay of ${key} answered differently`);
      sent.replays++;
    }
    if (o.duplicate && (sent.resent === 0 || rng.chance(0.25))) {
      sent.resent++;
      // the lane lost the answer and sends the batch again under a new key: every one a duplicate
      const resend = o.reorder ? rng.shuffle([...b]) : b;
      const r2 = await centre.lane(
        laneId,
        `/api/v1/lanes/${laneId}/transactions`,
        { transactions: resend.map((i) => i.tx) },
        `SIM-${runId}-${laneId}-${++serial}`,
      );
      check(laneId, resend, r2, sent);
    }
  }
}

/** What each operator should get from the day's accepted own-card transactions, by the reference split. */
export function expectedSplit(results: ResultRecord[]): Record<string, number> {
  const totals: Record<string, bigint> = {};
  for (const r of results) {
    if (
      !r.first ||
      !r.ok ||
      r.got.disposition !== 'accepted' ||
      !r.item.own ||
      r.item.late ||
      !r.item.charge ||
      r.item.tx.amount === 0
    )
      continue;
    const parts = largestRemainder(
      BigInt(r.item.tx.amount),
      [...r.item.charge].map(([key, weight]) => ({ key, weight: BigInt(weight) })),
    );
    for (const [op, amount] of parts) totals[op] = (totals[op] ?? 0n) + amount;
  }
  return Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, Number(v)]));
}
