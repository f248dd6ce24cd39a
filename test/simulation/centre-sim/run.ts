// One seed's run: a fresh world, the seed's PRNG drawing every action and fault, and after every
// step the centre compared with the model — every ledger account to the fen and every stored-value
// card's purse as the centre knows it (two small queries). Every CHECK_EVERY steps and at the end the
// full ledger invariants and every module's registered invariants run on both centres (checkLedger:
// it scans the journal, so it is kept off the per-step path). A failure names the seed, the step and
// the action, and the command that replays it.
import { checkLedger } from '../../../src/modules/ledger/index.ts';
import { localDate } from '../../../src/platform/clock/clock.ts';
import { Rng } from '../../../lanes-sim/traffic/rng.ts';
import { pickAction } from './actors/index.ts';
import { endOfDay, finish } from './actors/clearing.ts';
import { setUpLanes } from './actors/lanes.ts';
import { Faults } from './faults.ts';
import { Model } from './model.ts';
import { Sim } from './sim.ts';
import { startWorld, type RedisServer, type World } from './world.ts';

export const CHECK_EVERY = 10;
const MIN = 60_000;

export type RunOptions = {
  seed: number;
  steps: number;
  redis: RedisServer;
  faultRate?: number;
  /** Test-only: something done to the world behind the simulation's back after a step's action
   *  (the tests prove with it that the comparison catches a centre that goes wrong). */
  sabotage?: { step: number; act: (world: World) => Promise<void> };
};
export type RunReport = {
  seed: number;
  steps: number;
  days: number;
  actions: Record<string, number>;
  faults: Record<string, number>;
  ms: number;
  /** time spent in the per-step comparison and in the full invariants */
  compareMs: number;
  invariantsMs: number;
  log: string[];
};

export class SimFailure extends Error {
  readonly seed: number;
  readonly step: number;
  readonly action: string;
  readonly recent: string[];
  constructor(seed: number, step: number, action: string, cause: unknown, recent: string[]) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      `seed=${seed} step=${step} action=${action}: ${why}\n  replay: npm run simulate -- --seed ${seed} --steps ${step}`,
    );
    this.name = 'SimFailure';
    this.seed = seed;
    this.step = step;
    this.action = action;
    this.recent = recent;
  }
}

async function compare(s: Sim): Promise<void> {
  const db = s.world.home.app.db;
  const rows = await db('ledger_accounts as a')
    .leftJoin('postings as p', 'p.account_id', 'a.id')
    .groupBy('a.code')
    .select('a.code', db.raw('coalesce(sum(p.amount), 0)::bigint as balance'));
  const actual = new Map<string, bigint>(rows.map((r) => [r.code as string, BigInt(r.balance)]));
  const codes = new Set([...actual.keys(), ...s.model.ledger.keys()]);
  const wrong = [...codes]
    .filter((c) => (actual.get(c) ?? 0n) !== (s.model.ledger.get(c) ?? 0n))
    .map((c) => `${c}: centre ${actual.get(c) ?? 0n}, model ${s.model.ledger.get(c) ?? 0n}`);
  if (wrong.length) throw new Error(`ledger differs from the model: ${wrong.join('; ')}`);
  const cards = await db('cards').where({ card_type: 22 }).select('card_no', 'last_balance');
  for (const r of cards) {
    const m = s.model.cards.get(r.card_no);
    // while a load is authorised the centre waits for its outcome: purchases older than it are
    // read from the load's own reading when it is confirmed (issuance/lane-purses.ts)
    if (!m || m.status === 'retired' || !m.known || m.inFlight) continue;
    if (BigInt(r.last_balance) !== m.known.balance)
      throw new Error(`card ${r.card_no}: the centre knows a purse of ${r.last_balance}, the model ${m.known.balance}`);
  }
}

async function invariants(s: Sim): Promise<void> {
  for (const side of [s.world.home, s.world.peer]) {
    const r = await checkLedger(side.app.db);
    if (r.failures.length) throw new Error(`${side.network}: invariants fail: ${JSON.stringify(r.failures)}`);
  }
}

export async function runSeed(o: RunOptions): Promise<RunReport> {
  const t0 = Date.now();
  const rng = new Rng(o.seed);
  const start = new Date('2027-03-01T07:00:00+08:00');
  const world = await startWorld(o.redis, start, `s${o.seed}`);
  const faults = new Faults(rng, o.faultRate ?? 0.25);
  const s = new Sim({ world, rng, faults, model: new Model(world.home.bank.id), seed: o.seed });
  s.date = localDate(start);
  const actions: Record<string, number> = {};
  const spent = { compare: 0, invariants: 0 };
  const timed = async (k: keyof typeof spent, f: () => Promise<void>) => {
    const t = Date.now();
    await f();
    spent[k] += Date.now() - t;
  };
  let days = 0;
  let action = 'set-up';
  try {
    await setUpLanes(s);
    let stepsToday = 0;
    let dayLength = rng.int(30, 70);
    for (s.step = 1; s.step <= o.steps; s.step++) {
      stepsToday++;
      const late = s.now().getTime() > new Date(`${s.date}T23:00:00+08:00`).getTime();
      if (stepsToday > dayLength || late) {
        action = 'end-of-day';
        s.note(await endOfDay(s));
        days++;
        stepsToday = 0;
        dayLength = rng.int(30, 70);
      } else {
        s.advance(rng.int(1, 15) * MIN);
        const a = pickAction(s);
        action = a.name;
        const did = await a.act(s);
        s.note(`${a.name}: ${did ?? 'nothing to do'}`);
      }
      actions[action] = (actions[action] ?? 0) + 1;
      if (o.sabotage?.step === s.step) await o.sabotage.act(world);
      await timed('compare', () => compare(s));
      if (s.step % CHECK_EVERY === 0) await timed('invariants', () => invariants(s));
    }
    s.step = o.steps + 1;
    action = 'finish';
    await finish(s);
    days++;
    await compare(s);
    await invariants(s);
  } catch (e) {
    throw new SimFailure(o.seed, s.step, action, e, process.env.SIM_VERBOSE ? s.log : s.log.slice(-15));
  } finally {
    await world.close();
  }
  return {
    seed: o.seed,
    steps: o.steps,
    days,
    actions,
    faults: faults.counts,
    ms: Date.now() - t0,
    compareMs: spent.compare,
    invariantsMs: spent.invariants,
    log: s.log,
  };
}
