// The stored-value balance chain (ETC-REFERENCE §3, result code 14). For consecutive offline
// sequences n, n+1 of a card, what the purse gained between the two purchases,
// preBalance(n+1) − postBalance(n), must be what was loaded onto it in between: the confirmed loads,
// or those plus the loads still in flight (a torn load the card did take). A link is checked when
// both ends are known — stored (accepted earlier) or in the same batch — whichever arrived first, so
// an upload out of order is judged the same as in order. Pure functions: the caller reads the
// stored neighbours and the loads.
import type { LoadWindow, LoadedInWindow } from '../topup/index.ts';

export type ChainTx = { key: number; cardNo: string; seq: number; time: Date; before: bigint; after: bigint };
export type ChainNeighbour = { cardNo: string; seq: number; time: Date; before: bigint | null; after: bigint | null };

const at = (cardNo: string, seq: number) => `${cardNo}|${seq}`;
const windowKey = (w: LoadWindow) => `${w.cardNo}|${w.after.getTime()}|${w.before.getTime()}`;

// One link a candidate is judged by: the purse after `from`, the purse before `to`, and the window of
// loads between them (its place in the plan's windows, once planned).
type Link = { fromAfter: bigint; toBefore: bigint; window: LoadWindow; at: number; inBatchPrev?: ChainTx };

/** The candidates in the order they are judged (per card, in sequence order), each with its links,
 *  and the load windows those links need, each once. Built once per batch: the windows are read from
 *  the database, then the same links are judged against them. */
export type ChainPlan = { judged: Array<{ c: ChainTx; links: Link[] }>; windows: LoadWindow[] };

function link(
  from: { cardNo: string; time: Date; after: bigint },
  to: { time: Date; before: bigint },
  inBatchPrev?: ChainTx,
): Link {
  const window = { cardNo: from.cardNo, after: from.time, before: to.time };
  return { fromAfter: from.after, toBefore: to.before, window, at: -1, inBatchPrev };
}

// The links a candidate may be judged by: stored predecessor → it, it → stored successor, and
// in-batch predecessor → it.
function linksOf(c: ChainTx, stored: Map<string, ChainNeighbour>, batch: Map<string, ChainTx>): Link[] {
  const out: Link[] = [];
  const prevKey = at(c.cardNo, c.seq - 1);
  const prevBatch = batch.get(prevKey);
  const prevStored = prevBatch ? undefined : stored.get(prevKey);
  if (prevBatch) out.push(link(prevBatch, c, prevBatch));
  else if (prevStored && prevStored.after !== null)
    out.push(link({ cardNo: c.cardNo, time: prevStored.time, after: prevStored.after }, c));
  const next = stored.get(at(c.cardNo, c.seq + 1));
  if (next && next.before !== null) out.push(link(c, { time: next.time, before: next.before }));
  return out;
}

export function planChain(cands: ChainTx[], stored: Map<string, ChainNeighbour>): ChainPlan {
  const batch = new Map(cands.map((c) => [at(c.cardNo, c.seq), c]));
  const windows: LoadWindow[] = [];
  const placed = new Map<string, number>(); // windowKey → place in `windows`
  const judged = [...cands]
    .sort((a, b) => (a.cardNo < b.cardNo ? -1 : a.cardNo > b.cardNo ? 1 : a.seq - b.seq))
    .map((c) => {
      const links = linksOf(c, stored, batch);
      for (const l of links) {
        const key = windowKey(l.window);
        let i = placed.get(key);
        if (i === undefined) placed.set(key, (i = windows.push(l.window) - 1));
        l.at = i;
      }
      return { c, links };
    });
  return { judged, windows };
}

/** The keys of the candidates whose chain breaks, `loaded[i]` holding what was loaded in the plan's
 *  window i. An in-batch predecessor counts only if it was itself kept. */
export function brokenChain(plan: ChainPlan, loaded: ReadonlyArray<LoadedInWindow>): Set<number> {
  // a window without its answer would judge its links as if nothing had been loaded
  if (loaded.length !== plan.windows.length) throw new Error('brokenChain: one answer per planned window');
  const broken = new Set<number>();
  for (const { c, links } of plan.judged) {
    const ok = links.every((l) => {
      if (l.inBatchPrev && broken.has(l.inBatchPrev.key)) return true; // a refused predecessor is no evidence
      const { confirmed, inFlight } = loaded[l.at];
      const jump = l.toBefore - l.fromAfter;
      return jump === confirmed || (inFlight > 0n && jump === confirmed + inFlight);
    });
    if (!ok) broken.add(c.key);
  }
  return broken;
}
