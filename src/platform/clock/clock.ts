// An injectable clock so tests can move time (waiting periods, session expiry, replay windows)
// without sleeping.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class ManualClock implements Clock {
  private t: number;
  constructor(start: Date | string = new Date()) {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(at: Date | string): void {
    this.t = new Date(at).getTime();
  }
}

// The centre's calendar day (China Standard Time, no daylight saving) as YYYY-MM-DD.
// Business dates (card validity, fee schedules, clearing days) are local days, not UTC days.
const LOCAL_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
// China has kept UTC+8 all year since its last summer time ended in September 1991: from then on
// the local day is plain arithmetic (Intl formatting was a measurable part of lane ingest, which
// asks for a thousand per batch); earlier instants (a birth date) go through the time zone rules.
const CST_OFFSET_MS = 8 * 3_600_000;
const FIXED_OFFSET_FROM = Date.UTC(1991, 8, 17);
const FIXED_OFFSET_UNTIL = Date.UTC(9999, 0, 1);
const fixedOffset = (t: number) => t >= FIXED_OFFSET_FROM && t < FIXED_OFFSET_UNTIL;

/** 24 hours in milliseconds: a local day of the centre (China has kept one offset since 1991). */
export const DAY_MS = 86_400_000;

// The last local day asked for, as YYYY-MM-DD and YYYYMMDD: a lane batch's thousand times fall on
// a day or two, so each is formatted once, and the time of day is plain arithmetic.
let lastDay = NaN;
let lastIso = '';
let lastHost = '';
function fixedDay(local: number): void {
  const day = Math.floor(local / DAY_MS);
  if (day === lastDay) return;
  lastIso = new Date(day * DAY_MS).toISOString().slice(0, 10);
  lastHost = lastIso.slice(0, 4) + lastIso.slice(5, 7) + lastIso.slice(8, 10);
  lastDay = day;
}
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

export function localDate(at: Date): string {
  const t = at.getTime();
  if (!fixedOffset(t)) return LOCAL_DAY.format(at);
  fixedDay(t + CST_OFFSET_MS);
  return lastIso;
}

/** A calendar date (YYYY-MM-DD) some days later, or earlier for a negative count. */
export const addDays = (isoDate: string, days: number): string =>
  new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

export function addYears(isoDate: string, years: number): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  // 29 February rolls back to the 28th in a non-leap target year
  const last = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  return `${String(y + years).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

// Host date and time as the card protocol wants them (local time, YYYYMMDD and hhmmss).
const LOCAL_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
export function hostDateTime(at: Date): { hostDate: string; hostTime: string } {
  const t = at.getTime();
  if (fixedOffset(t)) {
    const local = t + CST_OFFSET_MS;
    fixedDay(local);
    const second = Math.floor((local - lastDay * DAY_MS) / 1000); // of the local day
    const minute = Math.floor(second / 60);
    return {
      hostDate: lastHost,
      hostTime: TWO_DIGITS[Math.floor(minute / 60)] + TWO_DIGITS[minute % 60] + TWO_DIGITS[second % 60],
    };
  }
  return { hostDate: localDate(at).replaceAll('-', ''), hostTime: LOCAL_TIME.format(at).replaceAll(':', '') };
}

// The instant a local calendar day starts (China Standard Time is UTC+8 all year).
export function localDayStart(isoDate: string): Date {
  return new Date(`${isoDate}T00:00:00+08:00`);
}
