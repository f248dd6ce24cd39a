import assert from 'node:assert/strict';
import { addDays } from '../../src/platform/clock/clock.ts';

// The one calendar-date step every module uses (reports' ranges, clearing's next and previous day,
// a dispute resolution moved past a split day): across month, leap-day and year ends, both ways.
describe('calendar dates: addDays', () => {
  it('steps over month, leap-day and year ends, forwards and back', () => {
    const cases: Array<[string, number, string]> = [
      ['2026-01-31', 1, '2026-02-01'],
      ['2028-02-28', 1, '2028-02-29'],
      ['2026-02-28', 1, '2026-03-01'],
      ['2026-12-31', 1, '2027-01-01'],
      ['2027-01-01', -1, '2026-12-31'],
      ['2028-03-01', -1, '2028-02-29'],
      ['2026-12-07', 0, '2026-12-07'],
      ['2026-12-07', -366, '2025-12-06'],
    ];
    for (const [date, days, want] of cases) assert.equal(addDays(date, days), want, `${date} ${days}`);
  });
});
