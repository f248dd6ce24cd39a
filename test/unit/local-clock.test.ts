import assert from 'node:assert/strict';
import { hostDateTime, localDate } from '../../src/platform/clock/clock.ts';

// localDate and hostDateTime compute the centre's local day and time by arithmetic (China has kept
// UTC+8 since September 1991) and keep the last day formatted; the time zone rules must agree.
const ZONE_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const ZONE_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const byZone = (at: Date) => ({
  date: ZONE_DAY.format(at),
  hostDate: ZONE_DAY.format(at).replaceAll('-', ''),
  hostTime: ZONE_TIME.format(at).replaceAll(':', ''),
});

function agree(at: Date): void {
  const want = byZone(at);
  assert.equal(localDate(at), want.date, at.toISOString());
  assert.deepEqual(hostDateTime(at), { hostDate: want.hostDate, hostTime: want.hostTime }, at.toISOString());
}

describe('local day and time of the centre', () => {
  it('agrees with the time zone rules around local midnight, month and year ends and leap days', () => {
    const midnights = [
      '1991-09-18',
      '1999-12-31',
      '2000-02-29',
      '2024-02-29',
      '2026-12-31',
      '2100-02-28',
      '2100-03-01',
    ];
    for (const d of midnights) {
      const start = Date.parse(`${d}T00:00:00+08:00`);
      for (const offset of [-86_400_000, -1000, -1, 0, 1, 999, 1000, 59_999, 3_599_999, 43_200_000, 86_399_999])
        agree(new Date(start + offset));
    }
  });

  it('agrees at random instants from 1992 to 2200, asked in random order so the kept day changes', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const from = Date.UTC(1992, 0, 1);
    const until = Date.UTC(2200, 0, 1);
    for (let i = 0; i < 20_000; i++) {
      const t = from + Math.floor(next() * (until - from));
      agree(new Date(t));
      agree(new Date(t + Math.floor(next() * 1000))); // the same day, most often: the kept day answers
    }
  });

  it('goes by the time zone rules before 1991, when China kept summer time', () => {
    // 1988-07-01 12:00 in Shanghai was summer time (UTC+9): 03:00 UTC
    const summer = new Date('1988-07-01T03:00:00Z');
    assert.deepEqual(hostDateTime(summer), { hostDate: '19880701', hostTime: '120000' });
    agree(summer);
    agree(new Date('1975-05-20T16:30:00Z'));
  });
});
