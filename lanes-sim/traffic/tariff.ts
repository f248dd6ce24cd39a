// The tariff a lane charges by: sections with their tolls per vehicle class on the day, the path
// between two stations (fewest sections, ties by section id — the rule both sides share), and the
// own-card discount: amount = fee − round-half-up(fee × percent / 100).
import { ownCardAmount, shortestPath, type GraphSection } from '../../src/modules/lanes/index.ts';

export type NetworkDoc = {
  date: string;
  sections: Array<{
    id: string;
    fromStation: number;
    toStation: number;
    operator: { id: string };
    tolls: Array<{ vehicleClass: number; toll: number }>;
  }>;
  lanes: Array<{ id: string; stationId: number; laneNo: number; direction: 'entry' | 'exit'; etcEnabled: boolean }>;
};
export type DiscountDoc = { discounts: Array<{ kind: string; effectiveFrom: string; percent: string }> };

export type Charge = { sections: string[]; fee: number; amount: number; operators: Map<string, number> };

export class LaneTariff {
  readonly date: string;
  readonly #graph: GraphSection[];
  readonly #tolls = new Map<string, number>();
  readonly #operator = new Map<string, string>();
  readonly #percent: string;

  constructor(network: NetworkDoc, discounts: DiscountDoc) {
    this.date = network.date;
    this.#graph = network.sections.map((s) => ({ id: s.id, fromStation: s.fromStation, toStation: s.toStation }));
    for (const s of network.sections) {
      this.#operator.set(s.id, s.operator.id);
      for (const t of s.tolls) this.#tolls.set(`${s.id}|${t.vehicleClass}`, t.toll);
    }
    const inForce = discounts.discounts
      .filter((d) => d.kind === 'own-card' && d.effectiveFrom <= network.date)
      .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1));
    this.#percent = inForce[0]?.percent ?? '0';
  }

  path(from: number, to: number): string[] {
    const p = shortestPath(this.#graph, from, to);
    if (!p) throw new Error(`no path from ${from} to ${to}`);
    return p;
  }

  /** What a trip costs: own cards get the own-card discount. Also each operator's tolls (the split weights). */
  charge(from: number, to: number, vehicleClass: number, ownCard: boolean): Charge {
    const sections = this.path(from, to);
    const operators = new Map<string, number>();
    let fee = 0;
    for (const s of sections) {
      const toll = this.#tolls.get(`${s}|${vehicleClass}`);
      if (toll === undefined) throw new Error(`no toll for class ${vehicleClass} on ${s}`);
      fee += toll;
      operators.set(this.#operator.get(s)!, (operators.get(this.#operator.get(s)!) ?? 0) + toll);
    }
    const amount = ownCard ? Number(ownCardAmount(BigInt(fee), this.#percent)) : fee;
    return { sections, fee, amount, operators };
  }
}
