// The section graph as a pure function, so ingest can derive paths from a cached tariff book and
// network.ts from the database with the same rule: fewest sections, ties by section id.
export type GraphSection = { id: string; fromStation: number; toStation: number };

/**
 * Section ids in travel order from one station to another over the undirected graph; [] for the
 * same known station; null when either station is unknown or they are not connected. Sections are
 * visited in id order, so among equally short paths the same one always wins.
 */
export function shortestPath(
  sections: readonly GraphSection[],
  fromStation: number,
  toStation: number,
): string[] | null {
  const adjacent = new Map<number, Array<{ section: string; next: number }>>();
  const link = (a: number, b: number, section: string) => {
    const list = adjacent.get(a) ?? [];
    list.push({ section, next: b });
    adjacent.set(a, list);
  };
  for (const s of [...sections].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    link(s.fromStation, s.toStation, s.id);
    link(s.toStation, s.fromStation, s.id);
  }
  if (!adjacent.has(fromStation) || !adjacent.has(toStation)) return null;
  if (fromStation === toStation) return [];
  // breadth-first search: the first time a station is reached is by the fewest sections
  const via = new Map<number, { section: string; prev: number }>();
  const seen = new Set<number>([fromStation]);
  const queue: number[] = [fromStation];
  for (let head = 0; head < queue.length && !seen.has(toStation); head++) {
    const station = queue[head];
    for (const { section, next } of adjacent.get(station) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      via.set(next, { section, prev: station });
      queue.push(next);
    }
  }
  if (!seen.has(toStation)) return null;
  const path: string[] = [];
  for (let at = toStation; at !== fromStation;) {
    const step = via.get(at)!;
    path.push(step.section);
    at = step.prev;
  }
  return path.reverse();
}
