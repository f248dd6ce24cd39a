// Service desk reports, each one set-based query: tickets open at the end of a day per outlet (the
// end-of-day summary), on-time rates of the first reply and the resolution per month, the breach
// list, the top root causes per month by outlet, channel or category, and satisfaction from callbacks.
import type { Knex } from 'knex';
import { DAY_MS, localDayStart } from '../../platform/clock/clock.ts';

const nextDay = (day: string) => new Date(localDayStart(day).getTime() + DAY_MS);
const monthRange = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  const year = (n: number) => String(n).padStart(4, '0');
  const next = m === 12 ? `${year(y! + 1)}-01` : `${year(y!)}-${String(m! + 1).padStart(2, '0')}`;
  return [localDayStart(`${month}-01`), localDayStart(`${next}-01`)] as const;
};

export type OutletDay = { outlet: string; received: number; closed: number; openAtEnd: number };

export async function openByOutlet(db: Knex, day: string): Promise<OutletDay[]> {
  const [start, end] = [localDayStart(day), nextDay(day)];
  const { rows } = await db.raw(
    `select coalesce(outlet, '-') as outlet,
            count(*) filter (where received_at >= :start and received_at < :end)::int as received,
            count(*) filter (where closed_at >= :start and closed_at < :end)::int as closed,
            count(*) filter (where received_at < :end and (closed_at is null or closed_at >= :end))::int as open_at_end
       from servicedesk_tickets
      where received_at < :end and (closed_at is null or closed_at >= :start)
      group by 1 order by 1`,
    { start, end },
  );
  return rows.map((r: any) => ({ outlet: r.outlet, received: r.received, closed: r.closed, openAtEnd: r.open_at_end }));
}

export type SlaRates = {
  month: string;
  tickets: number;
  firstReplyOnTime: number;
  firstReplyLate: number;
  resolvedOnTime: number;
  resolvedLate: number;
  averageSatisfaction: number | null;
  callbacks: number;
};

export async function slaRates(db: Knex, month: string, now: Date): Promise<SlaRates> {
  const [start, end] = monthRange(month);
  const { rows } = await db.raw(
    `with t as (select * from servicedesk_tickets where received_at >= :start and received_at < :end)
     select (select count(*) from t)::int as tickets,
            count(*) filter (where c.clock = 'first-reply' and c.stopped_at <= c.due_at)::int as fr_ok,
            count(*) filter (where c.clock = 'first-reply' and coalesce(c.stopped_at, :now) > c.due_at)::int as fr_late,
            count(*) filter (where c.clock = 'resolution' and c.stopped_at <= c.due_at)::int as res_ok,
            count(*) filter (where c.clock = 'resolution' and coalesce(c.stopped_at, :now) > c.due_at)::int as res_late,
            (select round(avg(satisfaction), 2)::text from t where satisfaction is not null) as sat,
            (select count(*) from servicedesk_ticket_events e join t on t.id = e.ticket_id where e.kind = 'callback')::int as callbacks
       from t join servicedesk_ticket_clocks c on c.ticket_id = t.id`,
    { start, end, now },
  );
  const r = rows[0];
  return {
    month,
    tickets: r.tickets,
    firstReplyOnTime: r.fr_ok,
    firstReplyLate: r.fr_late,
    resolvedOnTime: r.res_ok,
    resolvedLate: r.res_late,
    averageSatisfaction: r.sat == null ? null : Number(r.sat),
    callbacks: r.callbacks,
  };
}

export type Breach = {
  ticketId: bigint;
  ticketNo: string;
  clock: string;
  dueAt: Date;
  stoppedAt: Date | null;
  outlet: string | null;
  assigneeUserId: bigint | null;
};

export async function breaches(db: Knex, month: string, now: Date): Promise<Breach[]> {
  const [start, end] = monthRange(month);
  const rows = await db('servicedesk_ticket_clocks as c')
    .join('servicedesk_tickets as t', 't.id', 'c.ticket_id')
    .where('t.received_at', '>=', start)
    .andWhere('t.received_at', '<', end)
    .whereRaw('coalesce(c.stopped_at, ?) > c.due_at', [now])
    .orderBy(['c.due_at', 't.id'])
    .limit(1000)
    .select('t.id', 't.ticket_no', 'c.clock', 'c.due_at', 'c.stopped_at', 't.outlet', 't.assignee_user_id');
  return rows.map((r) => ({
    ticketId: BigInt(r.id),
    ticketNo: r.ticket_no,
    clock: r.clock,
    dueAt: r.due_at,
    stoppedAt: r.stopped_at,
    outlet: r.outlet,
    assigneeUserId: r.assignee_user_id == null ? null : BigInt(r.assignee_user_id),
  }));
}

export type CauseCount = { rootCause: string; name: string; group: string; tickets: number };

export async function topRootCauses(
  db: Knex,
  month: string,
  by: 'outlet' | 'channel' | 'category',
): Promise<CauseCount[]> {
  const [start, end] = monthRange(month);
  const col = { outlet: 't.outlet', channel: 't.channel', category: 't.category' }[by];
  const { rows } = await db.raw(
    `select t.root_cause, rc.name, coalesce(${col}, '-') as grp, count(*)::int as n
       from servicedesk_tickets t join servicedesk_root_causes rc on rc.code = t.root_cause
      where t.resolved_at >= :start and t.resolved_at < :end
      group by 1, 2, 3 order by n desc, 1, 3 limit 100`,
    { start, end },
  );
  return rows.map((r: any) => ({ rootCause: r.root_cause, name: r.name, group: r.grp, tickets: r.n }));
}
