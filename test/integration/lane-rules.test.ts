// The pure rules of lane ingest: the own-card discount and its rounding, pricing a trip against a
// tariff book, and the stored-value balance chain.
import assert from 'node:assert/strict';
import { discountFen, ownCardAmount } from '../../src/modules/lanes/discount.ts';
import { priceTrip, type TariffBook } from '../../src/modules/lanes/pricing.ts';
import {
  brokenChain,
  planChain,
  type ChainNeighbour,
  type ChainPlan,
  type ChainTx,
} from '../../src/modules/lanes/chain.ts';

describe('lane rules', () => {
  it('discounts own cards by round-half-up(fee × percent / 100)', () => {
    assert.equal(ownCardAmount(4500n, '5.00'), 4275n);
    assert.equal(ownCardAmount(4510n, '5'), 4284n); // 225.5 → 226
    assert.equal(ownCardAmount(4490n, '5'), 4265n); // 224.5 → 225
    assert.equal(ownCardAmount(4489n, '5'), 4265n); // 224.45 → 224
    assert.equal(discountFen(10n, '5'), 1n); // 0.5 → 1
    assert.equal(discountFen(9n, '5'), 0n); // 0.45 → 0
    assert.equal(ownCardAmount(0n, '5'), 0n);
    assert.equal(ownCardAmount(12345n, '0'), 12345n);
    assert.equal(ownCardAmount(12345n, '100'), 0n);
    assert.equal(ownCardAmount(3333n, '4.75'), 3175n); // 158.3175 → 158
  });

  const book: TariffBook = {
    date: '2026-11-22',
    operatorOf: new Map([
      ['G40-01', 'OP-AHGS'],
      ['G40-02', 'OP-AHGS'],
      ['G40-03', 'OP-HFCE'],
    ]),
    graph: [
      { id: 'G40-01', fromStation: 1, toStation: 2 },
      { id: 'G40-02', fromStation: 2, toStation: 3 },
      { id: 'G40-03', fromStation: 3, toStation: 4 },
    ],
    tolls: new Map([
      ['G40-01|1', 1000n],
      ['G40-02|1', 2000n],
      ['G40-03|1', 1500n],
    ]),
    ownCardPercent: '5.00',
    paths: new Map(),
    fares: new Map(),
  };
  const pt = (o: Partial<Parameters<typeof priceTrip>[1]>, own = true) =>
    priceTrip(
      book,
      {
        vehicleClass: 1,
        fee: 4500n,
        amount: 4275n,
        entry: { network: '3401', station: 1 },
        exit: { network: '3401', station: 4 },
        ...o,
      },
      own,
      '3401',
    );

  it('prices a trip: the path given or derived, the fee, the discounted amount and the operators’ weights', () => {
    assert.deepEqual(pt({}), {
      ok: true,
      sections: ['G40-01', 'G40-02', 'G40-03'],
      derived: true,
      operators: ['OP-AHGS', 'OP-HFCE'],
      weights: [3000n, 1500n],
    });
    assert.deepEqual(pt({ sections: ['G40-02', 'G40-03'], fee: 3500n, amount: 3325n }), {
      ok: true,
      sections: ['G40-02', 'G40-03'],
      derived: false,
      operators: ['OP-AHGS', 'OP-HFCE'],
      weights: [2000n, 1500n],
    });
    assert.equal(pt({ amount: 4500n }, false).ok, true, 'other cards pay the full fee');
    assert.equal(pt({ exit: undefined, fee: 0n, amount: 0n }).ok, true, 'an entry charges nothing');
    const code = (p: ReturnType<typeof pt>) => (p.ok ? null : p.code);
    assert.equal(code(pt({ exit: undefined })), 6, 'an entry with money');
    assert.equal(code(pt({ fee: 4505n })), 6);
    assert.equal(code(pt({ amount: 4276n })), 7);
    assert.equal(code(pt({ amount: 4274n })), 6);
    assert.equal(code(pt({ sections: ['G40-09'] })), 6);
    assert.equal(
      code(pt({ entry: { network: '3201', station: 1 } })),
      6,
      'a trip from another network must send its sections',
    );
    assert.equal(code(pt({ entry: { network: '3401', station: 99 } })), 6);
    assert.equal(code(pt({ vehicleClass: 2 })), 6, 'no toll for the class');
  });

  it('keeps the fares it priced, the same answer from the kept fare, and never more than 2,048 of them; derived paths only when found', () => {
    const fresh: TariffBook = { ...book, paths: new Map(), fares: new Map() };
    const priced = (sections: string[], fee: bigint, amount: bigint, own = true) =>
      priceTrip(fresh, { vehicleClass: 1, fee, amount, sections, exit: { network: '3401', station: 4 } }, own, '3401');
    const first = priced(['G40-01', 'G40-03'], 2500n, 2375n);
    assert.deepEqual(first, priced(['G40-01', 'G40-03'], 2500n, 2375n));
    assert.equal(
      priced(['G40-01', 'G40-03'], 2500n, 2500n, false).ok,
      true,
      'the kept fare prices other cards in full',
    );
    assert.equal(fresh.fares.size, 1);
    assert.equal(priced(['G40-09'], 1000n, 950n).ok, false);
    assert.equal(fresh.fares.size, 1, 'a path that cannot be priced is not kept');
    // 2,100 distinct paths (a section n times): the book starts again empty once it holds 2,048
    for (let n = 1; n <= 2100; n++) {
      const r = priced(Array<string>(n).fill('G40-01'), 1000n * BigInt(n), 950n * BigInt(n));
      assert.equal(r.ok, true, `path of ${n}`);
      assert.ok(fresh.fares.size <= 2048);
    }
    assert.equal(fresh.fares.size, 2100 + 1 - 2048);
    const derived = (from: number) =>
      priceTrip(
        fresh,
        {
          vehicleClass: 1,
          fee: 4500n,
          amount: 4275n,
          entry: { network: '3401', station: from },
          exit: { network: '3401', station: 4 },
        },
        true,
        '3401',
      );
    assert.equal(derived(1).ok, true);
    assert.deepEqual([...fresh.paths.keys()], ['1-4']);
    // stations with no path between them (any number a lane sends) leave the derived paths as they were
    for (let station = 1000; station < 3100; station++) assert.equal(derived(station).ok, false);
    assert.deepEqual([...fresh.paths.keys()], ['1-4']);
  });

  it('checks the balance chain against the loads between two purchases, from either end', () => {
    const t = (h: number) => new Date(Date.UTC(2026, 10, 22, h));
    const tx = (key: number, seq: number, before: number, after: number, h: number): ChainTx => ({
      key,
      cardNo: 'C',
      seq,
      time: t(h),
      before: BigInt(before),
      after: BigInt(after),
    });
    const stored = new Map<string, ChainNeighbour>([
      ['C|4', { cardNo: 'C', seq: 4, time: t(1), before: 1000n, after: 800n }],
    ]);
    const cands = [tx(1, 5, 1300, 1000, 3), tx(2, 6, 1000, 900, 4), tx(3, 8, 500, 400, 6)];
    const plan = planChain(cands, stored);
    assert.deepEqual(
      plan.windows.map((w) => [w.after.getUTCHours(), w.before.getUTCHours()]),
      [
        [1, 3],
        [3, 4],
      ],
    );
    // what each window held, in the plan's order (what loadsInWindows answers)
    const loads = (confirmed: number, inFlight = 0) =>
      plan.windows.map((w) => ({
        confirmed: w.after.getUTCHours() === 1 ? BigInt(confirmed) : 0n,
        inFlight: w.after.getUTCHours() === 1 ? BigInt(inFlight) : 0n,
      }));
    assert.deepEqual([...brokenChain(plan, loads(500))], [], 'a load of 500 explains 800 → 1300');
    assert.deepEqual([...brokenChain(plan, loads(0, 500))], [], 'so does a load still in flight (torn)');
    assert.deepEqual([...brokenChain(plan, loads(400))], [1], 'nothing explains 100 fen');
    assert.throws(() => brokenChain(plan, loads(500).slice(1)), /one answer per planned window/);
    assert.deepEqual([...brokenChain(plan, loads(400, 50))], [1], 'nor does a load in flight that is not all of it');
    // candidates handed over in any order are judged per card in sequence order, with the same windows
    const reversed = planChain([...cands].reverse(), stored);
    assert.deepEqual(
      reversed.judged.map(({ c }) => c.seq),
      [5, 6, 8],
    );
    assert.deepEqual(reversed.windows, plan.windows);
    // a refused predecessor is no evidence: seq 6 is not judged by its link to the refused seq 5, so a
    // 6 that does not follow from 5 is kept; judged alone against a kept 5, it breaks
    const after5 = [tx(1, 5, 1300, 1000, 3), tx(2, 6, 1200, 900, 4)];
    const plan5 = planChain(after5, stored);
    const held = (first: number) =>
      plan5.windows.map((w, i) => ({ confirmed: i === 0 ? BigInt(first) : 0n, inFlight: 0n }));
    assert.deepEqual([...brokenChain(plan5, held(400))], [1]);
    assert.deepEqual([...brokenChain(plan5, held(500))], [2]);
    // from the other end: the later purchase stored first
    const later = new Map<string, ChainNeighbour>([
      ['C|6', { cardNo: 'C', seq: 6, time: t(4), before: 1000n, after: 900n }],
    ]);
    const nothingLoaded = (p: ChainPlan) => p.windows.map(() => ({ confirmed: 0n, inFlight: 0n }));
    const kept = planChain([tx(1, 5, 1300, 1000, 3)], later);
    assert.deepEqual(
      kept.windows.map((w) => [w.after.getUTCHours(), w.before.getUTCHours()]),
      [[3, 4]],
    );
    assert.deepEqual([...brokenChain(kept, nothingLoaded(kept))], []);
    const off = planChain([tx(1, 5, 1300, 1001, 3)], later);
    assert.deepEqual([...brokenChain(off, nothingLoaded(off))], [1]);
  });
});
