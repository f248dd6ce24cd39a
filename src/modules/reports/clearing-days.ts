// The clearing days of a range as finance follows them: each day's steps done, where it stands
// (open, running, waiting, cleared), what a waiting day waits for and the mirror check's result.
// What a day waits for is what its last run found, as the open clearing-day-waiting exception
// recorded it (asking the peers again for a whole list would be one call per province per day).
import type { Knex } from 'knex';
import { daysBetween, STEPS } from '../clearing/index.ts';
import { listExceptions } from '../finance/index.ts';

export async function clearingDayList(db: Knex, from: string, to: string) {
  const [days, waiting] = await Promise.all([
    daysBetween(db, from, to),
    listExceptions(db, { status: 'open', kind: 'clearing-day-waiting', limit: 1000, offset: 0 }),
  ]);
  return days.map((d) => {
    const done = new Set(d.steps.map((s) => s.step));
    const next = STEPS.find((s) => !done.has(s)) ?? null;
    const waits = waiting.find((e) => e.reference.startsWith(`${d.date}:`));
    const mirror = d.steps.find((s) => s.step === 'mirror-check');
    return {
      date: d.date,
      state: d.state,
      sealedAt: d.sealedAt,
      phase: !next ? 'cleared' : waits ? 'waiting' : d.state === 'sealed' ? 'running' : 'open',
      stepsDone: d.steps.length,
      stepsTotal: STEPS.length,
      nextStep: next,
      lastDoneAt: d.steps.length ? d.steps[d.steps.length - 1].doneAt : null,
      waitingFor: waits
        ? {
            step: String(waits.detail.step ?? next),
            reasons: Array.isArray(waits.detail.reasons) ? waits.detail.reasons.map(String) : [],
            since: waits.raisedAt,
          }
        : null,
      mirror: mirror
        ? {
            compared: Number(mirror.detail.compared ?? 0),
            mismatches: Number(mirror.detail.mismatches ?? 0),
            notAsked: Array.isArray(mirror.detail.notAsked) ? mirror.detail.notAsked.map(String) : [],
          }
        : null,
    };
  });
}
