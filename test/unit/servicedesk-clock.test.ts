// SLA clock arithmetic: natural and working time, across the 2026 National Day holiday and its
// make-up working days, with pauses.
import assert from 'node:assert/strict';
import { deadline, elapsedMinutes, isWorkingDay, type CalendarDays } from '../../src/modules/servicedesk/clock-math.ts';
import { computeClocks, pausesOf, targetFor, type Target } from '../../src/modules/servicedesk/clocks.ts';

const local = (s: string) => new Date(`${s}+08:00`).getTime();
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
// the State Council's 2026 National Day arrangement: 1–7 October off, Sunday 20 September and
// Saturday 10 October worked
const cal: CalendarDays = new Map<string, 'holiday' | 'workday'>([
  ...['01', '02', '03', '04', '05', '06', '07'].map((d) => [`2026-10-${d}`, 'holiday'] as [string, 'holiday']),
  ['2026-09-20', 'workday'],
  ['2026-10-10', 'workday'],
]);

describe('service desk clock arithmetic', () => {
  it('knows weekends, holidays and make-up working days', () => {
    assert.equal(isWorkingDay(cal, '2026-10-05'), false, 'a Monday in the holiday');
    assert.equal(isWorkingDay(cal, '2026-10-10'), true, 'a Saturday worked');
    assert.equal(isWorkingDay(cal, '2026-10-11'), false, 'an ordinary Sunday');
    assert.equal(isWorkingDay(cal, '2026-10-08'), true, 'the Thursday after');
  });

  it('a working-day target skips the holiday week', () => {
    // 14 hours count on 30 September, nothing from 1 to 7 October, the other 10 on the 8th
    const due = deadline(local('2026-09-30T10:00:00'), 1440, 'working', [], cal);
    assert.equal(iso(due), iso(local('2026-10-08T10:00:00')));
    assert.equal(elapsedMinutes(local('2026-09-30T10:00:00'), local('2026-10-08T10:00:00'), 'working', [], cal), 1440);
    // natural time does not care
    assert.equal(
      iso(deadline(local('2026-09-30T10:00:00'), 1440, 'natural', [], cal)),
      iso(local('2026-10-01T10:00:00')),
    );
  });

  it('a make-up Saturday counts, an ordinary one does not', () => {
    assert.equal(
      iso(deadline(local('2026-10-09T12:00:00'), 1440, 'working', [], cal)),
      iso(local('2026-10-10T12:00:00')),
    );
    const plain: CalendarDays = new Map();
    assert.equal(
      iso(deadline(local('2026-10-09T12:00:00'), 1440, 'working', [], plain)),
      iso(local('2026-10-12T12:00:00')),
    );
  });

  it('a pause moves the deadline by its length; an open pause has no deadline', () => {
    const start = local('2026-11-02T00:00:00');
    const pause = { from: local('2026-11-02T06:00:00'), to: local('2026-11-02T10:00:00') };
    assert.equal(iso(deadline(start, 1440, 'natural', [pause], cal)), iso(local('2026-11-03T04:00:00')));
    assert.equal(deadline(start, 1440, 'natural', [{ from: pause.from, to: null }], cal), null);
    assert.equal(elapsedMinutes(start, local('2026-11-02T12:00:00'), 'natural', [pause], cal), 8 * 60);
  });

  it('clocks from an event log: waiting on the customer pauses the resolution clock, a bank does not', () => {
    const target: Target = {
      category: null,
      channel: null,
      tier: null,
      firstReplyMinutes: 60,
      updateMinutes: 120,
      resolutionMinutes: 600,
      basis: 'natural',
    };
    const at = (h: number) => new Date(local('2026-11-02T00:00:00') + h * 3_600_000);
    const events = [
      { at: at(0), kind: 'created', toStatus: 'new' },
      { at: at(1), kind: 'accept', toStatus: 'accepted' },
      { at: at(2), kind: 'wait', toStatus: 'waiting', party: 'customer' },
      { at: at(5), kind: 'resume', toStatus: 'in-progress' },
      { at: at(6), kind: 'wait', toStatus: 'waiting', party: 'bank' },
    ];
    assert.deepEqual(pausesOf(events), [{ from: at(2).getTime(), to: at(5).getTime() }]);
    const rows = computeClocks(
      { id: 1n, receivedAt: at(0), channel: 'phone', category: 'payment', tier: 'ordinary', events },
      target,
      cal,
      at(7),
    );
    const res = rows.find((r) => r.clock === 'resolution')!;
    assert.equal(res.due_at?.toISOString(), at(13).toISOString(), '10 hours plus the 3 waiting on the customer');
    assert.equal(res.warn_at?.toISOString(), at(10.5).toISOString());
    assert.equal(res.manager_at?.toISOString(), at(18).toISOString());
    const fr = rows.find((r) => r.clock === 'first-reply')!;
    assert.equal(fr.stopped_at, null);
    assert.equal(fr.due_at?.toISOString(), at(1).toISOString());
    // resolved: the resolution clock stops and keeps what it ran against
    const resolved = computeClocks(
      {
        id: 1n,
        receivedAt: at(0),
        channel: 'phone',
        category: 'payment',
        tier: 'ordinary',
        events: [...events, { at: at(8), kind: 'resolve', toStatus: 'resolved' }],
      },
      target,
      cal,
      at(9),
    ).find((r) => r.clock === 'resolution')!;
    assert.equal(resolved.stopped_at?.toISOString(), at(8).toISOString());
    assert.equal(resolved.due_at?.toISOString(), at(13).toISOString());
    assert.equal(resolved.paused, false);
  });

  it('the most specific SLA target applies', () => {
    const t = (over: Partial<Target>): Target => ({
      category: null,
      channel: null,
      tier: null,
      firstReplyMinutes: 1,
      updateMinutes: 1,
      resolutionMinutes: 1,
      basis: 'natural',
      ...over,
    });
    const targets = [
      t({ resolutionMinutes: 1 }),
      t({ channel: 'hotline', resolutionMinutes: 2 }),
      t({ tier: 'important', resolutionMinutes: 3 }),
    ];
    assert.equal(
      targetFor(targets, { category: 'payment', channel: 'hotline', tier: 'important' }).resolutionMinutes,
      2,
    );
    assert.equal(
      targetFor(targets, { category: 'payment', channel: 'counter', tier: 'important' }).resolutionMinutes,
      3,
    );
    assert.equal(
      targetFor(targets, { category: 'payment', channel: 'counter', tier: 'ordinary' }).resolutionMinutes,
      1,
    );
  });
});
