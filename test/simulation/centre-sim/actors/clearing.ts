// The end of each simulated day and the infrastructure's faults. At the day's end the lanes send
// what they hold (a lane's batch may be held back and arrive after the clearing: it goes to the next
// day), both centres clear every day not yet cleared — finance's run over the API, documents
// delivered between them — and what each operator and the province get is compared with the model
// to the fen. Faults: the clearing and delivery jobs run twice, the peer down for a day (its
// documents wait and go the day after), Redis restarted.
import { publisherTick } from '../../../../src/modules/statuslist/index.ts';
import { localDate, localDayStart } from '../../../../src/platform/clock/clock.ts';
import { nextDate } from '../model.ts';
import { must, type Pending, type Sim, type SimLane } from '../sim.ts';
import { call } from '../wire.ts';
import type { Action } from './index.ts';
import { refreshTariffs, upload } from './lanes.ts';

const MIN = 60_000;
const finance = { kind: 'staff', role: 'finance' } as const;

async function setPeerReachable(s: Sim, up: boolean): Promise<void> {
  const { home, peer } = s.world;
  for (const [here, there] of [
    [home, peer],
    [peer, home],
  ] as const) {
    must(
      'peer endpoint',
      await call(here, { kind: 'staff', role: 'admin' }, 'PUT', `/api/v1/interchange/peers/${there.network}/endpoint`, {
        url: up ? there.base : 'http://127.0.0.1:9',
        clientId: here.network,
        secret: there.peerClient!.secret,
      }),
    );
  }
  s.peerDown = !up;
}

async function deliver(s: Sim): Promise<void> {
  for (const side of [s.world.home, s.world.peer]) {
    const r = must('deliveries', await call(side, finance, 'POST', '/api/v1/interchange/deliveries/run', {}));
    if (r.failed && !s.peerDown) throw new Error(`${side.network}: ${r.failed} document(s) not delivered`);
  }
}

/** Clears every day of both centres not cleared yet, until each waits for nothing or the peer is down. */
async function clearOpenDays(s: Sim, upTo: string): Promise<void> {
  const dates = [...new Set([...s.model.days.keys(), ...s.model.peerDays.keys()])].filter((d) => d <= upTo).sort();
  const open = dates.filter((d) => !s.model.day(d).complete);
  for (let pass = 0; pass < 4 && open.length; pass++) {
    let waiting = false;
    for (const date of open) {
      for (const side of [s.world.home, s.world.peer]) {
        const run = must(
          `clearing ${date} at ${side.network}`,
          await call(side, finance, 'POST', `/api/v1/clearing/days/${date}/run`, {}),
        );
        const peer = side === s.world.peer;
        if (run.done.includes('seal')) {
          if (peer) s.model.day(date, true).sealed = true;
          else s.model.sealDay(date);
        }
        if (run.pending) waiting = true;
        else if (!peer && !s.model.day(date).complete) {
          s.model.takePeerPackages(date);
          s.model.completeDay(date);
          await checkDay(s, date);
          if (s.faults.roll()) {
            // the daily job again: a day cleared changes nothing
            s.faults.count('job-run-twice');
            const again = must(
              'clearing again',
              await call(side, finance, 'POST', `/api/v1/clearing/days/${date}/run`, {}),
            );
            if (again.done.length || again.pending)
              throw new Error(`clearing ${date} again did ${JSON.stringify(again)}`);
          }
        }
      }
    }
    if (!waiting) break;
    await deliver(s);
    if (s.faults.roll(0.1)) {
      s.faults.count('job-run-twice');
      await deliver(s);
    }
    if (s.peerDown) break;
  }
}

/** What each operator gets for the day and the settlement with the peer, against the model. */
async function checkDay(s: Sim, date: string): Promise<void> {
  const db = s.world.home.app.db;
  const payouts = await db('operator_payouts').where({ clearing_date: date }).select('operator_id', 'amount');
  const got = new Map(payouts.filter((p) => p.amount !== 0n).map((p) => [p.operator_id as string, BigInt(p.amount)]));
  const want = s.model.payouts(date);
  if (!sameMap(got, want)) throw new Error(`payouts of ${date}: ${fmt(got)}, the model says ${fmt(want)}`);
  const sa = await db('settlements').where({ clearing_date: date, network: '3201' }).first();
  const sb = await s.world.peer.app.db('settlements').where({ clearing_date: date, network: '3401' }).first();
  const receivable = s.model.receivable(date);
  const payable = s.model.payable(date);
  const a = sa ? [BigInt(sa.receivable), BigInt(sa.payable)] : [0n, 0n];
  const b = sb ? [BigInt(sb.receivable), BigInt(sb.payable)] : [0n, 0n];
  if (a[0] !== receivable || a[1] !== payable)
    throw new Error(`settlement of ${date} with 3201: ${a}, the model says ${[receivable, payable]}`);
  if (b[0] !== payable || b[1] !== receivable)
    throw new Error(`3201's settlement of ${date} is no mirror: ${b} vs ${a}`);
}

const sameMap = (a: Map<string, bigint>, b: Map<string, bigint>) =>
  a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
const fmt = (m: Map<string, bigint>) => JSON.stringify(Object.fromEntries([...m].map(([k, v]) => [k, String(v)])));

/** The day is over: lanes send what they hold, the centres clear, late batches arrive, morning comes. */
export async function endOfDay(s: Sim): Promise<string> {
  const today = s.date;
  const held: Array<[SimLane, Pending[]]> = [];
  for (const lane of s.lanes) {
    if (!lane.outbox.length) continue;
    const items = lane.outbox.splice(0);
    if (s.faults.roll(0.1)) {
      s.faults.count('late-upload');
      held.push([lane, items]);
    } else await upload(s, lane, items);
  }
  const tomorrow = nextDate(today);
  s.setTime(new Date(localDayStart(tomorrow).getTime() + 40 * MIN));
  const wasDown = s.peerDown;
  if (!wasDown && s.faults.roll(0.15)) {
    s.faults.count('peer-down');
    await setPeerReachable(s, false);
  } else if (wasDown) await setPeerReachable(s, true);
  await clearOpenDays(s, today);
  for (const [lane, items] of held) await upload(s, lane, items);
  s.setTime(new Date(localDayStart(tomorrow).getTime() + 7 * 60 * MIN));
  s.date = localDate(s.now());
  await refreshTariffs(s);
  return `day ${today} over${s.peerDown ? ' (peer down)' : ''}`;
}

/** The last day: everything sent, the peer back, every day cleared to the end. */
export async function finish(s: Sim): Promise<void> {
  await endOfDay(s);
  if (s.peerDown) await setPeerReachable(s, true);
  s.setTime(new Date(s.now().getTime() + 60 * MIN));
  await clearOpenDays(s, lastDay(s));
  const open = [...s.model.days].filter(([d, m]) => d <= lastDay(s) && !m.complete).map(([d]) => d);
  if (open.length) throw new Error(`days still waiting at the end: ${open.join(', ')}`);
}

const lastDay = (s: Sim) => {
  const d = new Date(`${s.date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
};

export const infrastructureActions: Action[] = [
  {
    name: 'redis-restart',
    weight: (s) => (s.faults.rate > 0 ? 0.15 : 0),
    act: async (s) => {
      s.faults.count('redis-restarted');
      await s.world.redis.restart();
      // the queues find the new server by themselves: both centres' report healthy again
      for (const side of [s.world.home, s.world.peer])
        if (!(await side.app.queue.healthy())) throw new Error(`${side.network}: the queue did not come back`);
      return 'redis restarted';
    },
  },
  {
    name: 'publish-list',
    weight: () => 0.6,
    act: async (s) => {
      // the publisher's job, run directly; run twice, the second has nothing left to publish
      const first = await publisherTick(s.world.home.app);
      if (s.faults.roll()) {
        s.faults.count('job-run-twice');
        const again = await publisherTick(s.world.home.app);
        if (again) throw new Error(`the publisher run twice published version ${again.version} again`);
      }
      return first ? `list version ${first.version} published` : 'no list change';
    },
  },
];
