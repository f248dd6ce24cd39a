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
export const windowKey = (w: LoadWindow) => `${w.cardNo}|${w.after.getTime()}|${w.before.getTime()}`;

type Link = { from: { cardNo: string; time: Date; after: bigint | null }; to: { time: Date; before: bigint | null } };

function windowOf(l: Link): LoadWindow {
  return { cardNo: l.from.cardNo, after: l.from.time, before: l.to.time };
}

// The links each candidate may be judged by: stored predecessor → it, it → stored successor, and
// in-batch predecessor → it.
function linksOf(
  c: ChainTx,
  stored: Map<string, ChainNeighbour>,
  batch: Map<string, ChainTx>,
): Array<{ link: Link; inBatchPrev?: ChainTx }> {
  const out: Array<{ link: Link; inBatchPrev?: ChainTx }> = [];
  const prevBatch = batch.get(at(c.cardNo, c.seq - 1));
  const prevStored = stored.get(at(c.cardNo, c.seq - 1));
  if (prevBatch) out.push({ link: { from: prevBatch, to: c }, inBatchPrev: prevBatch });
  else if (prevStored && prevStored.after !== null) out.push({ link: { from: prevStored, to: c } });
  const next = stored.get(at(c.cardNo, c.seq + 1));
  if (next && next.before !== null) out.push({ link: { from: c, to: next } });
  return out;
}

/** The load windows the candidates' links need, each once. */
export function chainWindows(cands: ChainTx[], stored: Map<string, ChainNeighbour>): LoadWindow[] {
  const batch = new Map(cands.map((c) => [at(c.cardNo, c.seq), c]));
  const windows = new Map<string, LoadWindow>();
  for (const c of cands) {
    for (const { link } of linksOf(c, stored, batch)) {
      const w = windowOf(link);
      windows.set(windowKey(w), w);
    }
  }
  return [...windows.values()];
}

/** The keys of the candidates whose chain breaks. Candidates are judged per card in sequence order;
 *  an in-batch predecessor counts only if it was itself kept. */
export function brokenChain(
  cands: ChainTx[],
  stored: Map<string, ChainNeighbour>,
  loads: Map<string, LoadedInWindow>,
): Set<number> {
  const batch = new Map(cands.map((c) => [at(c.cardNo, c.seq), c]));
  const broken = new Set<number>();
  const ordered = [...cands].sort((a, b) => (a.cardNo < b.cardNo ? -1 : a.cardNo > b.cardNo ? 1 : a.seq - b.seq));
  for (const c of ordered) {
    const ok = linksOf(c, stored, batch).every(({ link, inBatchPrev }) => {
      if (inBatchPrev && broken.has(inBatchPrev.key)) return true; // a refused predecessor is no evidence
      const loaded = loads.get(windowKey(windowOf(link))) ?? { confirmed: 0n, inFlight: 0n };
      const jump = link.to.before! - link.from.after!;
      return jump === loaded.confirmed || (loaded.inFlight > 0n && jump === loaded.confirmed + loaded.inFlight);
    });
    if (!ok) broken.add(c.key);
  }
  return broken;
}
