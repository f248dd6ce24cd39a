// SLA clock arithmetic, pure: how much time counts between two instants and when a target is reached,
// in natural time or in working time, skipping pauses. Working time counts whole local days (China
// Standard Time, UTC+8 all year) that the calendar says are working days: Monday to Friday unless a
// holiday, Saturday and Sunday only when a make-up working day (调休).
export type Basis = 'natural' | 'working';
export type Interval = { from: number; to: number | null }; // epoch ms; to null = still going on
export type CalendarDays = ReadonlyMap<string, 'holiday' | 'workday'>;

const MINUTE = 60_000;
const DAY = 86_400_000;
const OFFSET = 8 * 3_600_000; // UTC+8
// a clock that never reaches its target (a calendar with no working days) gives up after ten years
const MAX_DAYS = 3660;

export const localDayOf = (t: number): string => new Date(t + OFFSET).toISOString().slice(0, 10);
const nextMidnight = (t: number): number => Math.floor((t + OFFSET) / DAY) * DAY + DAY - OFFSET;

export function isWorkingDay(cal: CalendarDays, day: string): boolean {
  const special = cal.get(day);
  if (special) return special === 'workday';
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6;
}

// whether the local day holding instant t is a working day, memoised per calendar by day number (the
// walks below ask about the same few dozen days for every ticket)
const memo = new WeakMap<CalendarDays, Map<number, boolean>>();
function workingAt(cal: CalendarDays, t: number): boolean {
  let days = memo.get(cal);
  if (!days) memo.set(cal, (days = new Map()));
  const n = Math.floor((t + OFFSET) / DAY);
  let w = days.get(n);
  if (w === undefined) days.set(n, (w = isWorkingDay(cal, localDayOf(t))));
  return w;
}

type Walk = { t: number; pauses: Interval[]; i: number };

// The next stretch [t, end) that counts, starting at or after w.t; null when an open pause swallows
// the rest of time. Advances w past pauses and non-working days.
function nextCounting(w: Walk, basis: Basis, cal: CalendarDays, limit: number): { from: number; to: number } | null {
  for (let guard = 0; guard < MAX_DAYS * 4; guard++) {
    while (w.i < w.pauses.length && w.pauses[w.i].to !== null && w.pauses[w.i].to! <= w.t) w.i++;
    const p = w.pauses[w.i];
    if (p && p.from <= w.t) {
      if (p.to === null) return null;
      w.t = p.to;
      continue;
    }
    if (basis === 'working' && !workingAt(cal, w.t)) {
      w.t = nextMidnight(w.t);
      if (w.t > limit) return null;
      continue;
    }
    let end = basis === 'working' ? nextMidnight(w.t) : Number.POSITIVE_INFINITY;
    if (p && p.from < end) end = p.from;
    return { from: w.t, to: end };
  }
  return null;
}

const sorted = (pauses: Interval[]) => [...pauses].sort((a, b) => a.from - b.from);

/** The instant at which `minutes` of counting time have passed since start; null if never (paused). */
export function deadline(
  start: number,
  minutes: number,
  basis: Basis,
  pauses: Interval[],
  cal: CalendarDays,
): number | null {
  let remaining = minutes * MINUTE;
  const w: Walk = { t: start, pauses: sorted(pauses), i: 0 };
  const limit = start + MAX_DAYS * DAY;
  for (;;) {
    const seg = nextCounting(w, basis, cal, limit);
    if (!seg) return null;
    const len = seg.to - seg.from;
    if (remaining <= len) return seg.from + remaining;
    remaining -= len;
    w.t = seg.to;
  }
}

/** Counting minutes between start and end (natural or working, pauses excluded). */
export function elapsedMinutes(
  start: number,
  end: number,
  basis: Basis,
  pauses: Interval[],
  cal: CalendarDays,
): number {
  let total = 0;
  const w: Walk = { t: start, pauses: sorted(pauses), i: 0 };
  while (w.t < end) {
    const seg = nextCounting(w, basis, cal, end);
    if (!seg || seg.from >= end) break;
    total += Math.min(seg.to, end) - seg.from;
    w.t = seg.to;
  }
  return Math.floor(total / MINUTE);
}
