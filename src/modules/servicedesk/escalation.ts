// The escalation sweep: every clock whose 75 % mark, due time or 150 % mark has passed is escalated
// once per run of the clock — a warning to the handler, then the handler's unit supervisor, then its
// manager — and every overdue work order to its unit's supervisor. Idempotent: the escalation's
// natural key (ticket, clock, level, cycle, the clock's start) is unique, so a repeated or concurrent
// sweep, or a recomputation after a calendar change, adds nothing. One
// set-based insert finds and records them all; the ticket events and messages follow from its rows.
import type { Knex } from 'knex';
import { inTransaction } from '../../platform/db/transaction.ts';
import { queueNotifications } from '../notifications/index.ts';
import { localTime } from './notify.ts';

type Row = Record<string, any>;

const LEVEL_WORDS: Record<string, string> = {
  warning: '即将到期',
  supervisor: '已超时（升级至主管）',
  manager: '严重超时（升级至经理）',
};
const CLOCK_WORDS: Record<string, string> = {
  'first-reply': '首次答复',
  update: '进展更新',
  resolution: '办结',
  'work-order': '工单步骤',
};

// tickets per statement: bounds the rows (and messages) one statement returns, so memory stays flat
const RANGE = 10_000;

export async function sweepEscalations(db: Knex, now: Date): Promise<{ escalated: number; notified: number }> {
  const span = await db('servicedesk_tickets')
    .whereNot('status', 'closed')
    .first(db.raw('min(id) as lo, max(id) as hi'));
  const total = { escalated: 0, notified: 0 };
  if (span?.lo == null) return total;
  for (let lo = BigInt(span.lo); lo <= BigInt(span.hi); lo += BigInt(RANGE)) {
    const r = await sweepRange(db, now, lo, lo + BigInt(RANGE) - 1n);
    total.escalated += r.escalated;
    total.notified += r.notified;
  }
  return total;
}

async function sweepRange(
  db: Knex,
  now: Date,
  lo: bigint,
  hi: bigint,
): Promise<{ escalated: number; notified: number }> {
  return inTransaction(db, async (trx) => {
    const { rows } = await trx.raw(
      `-- the unit of the handler first (its supervisor is theirs), else the unit of the ticket
       with handler_unit as (
         select t.id as ticket_id, t.ticket_no, t.cycle, t.assignee_user_id,
                coalesce(s.unit_id, t.unit_id) as unit_id
           from servicedesk_tickets t left join servicedesk_staff s on s.user_id = t.assignee_user_id
          where t.status <> 'closed' and t.id between :lo and :hi),
       due as (
         select h.ticket_id, h.ticket_no, c.clock, l.level, h.cycle, l.at as due_at,
                to_char(c.started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') as due_key,
                case l.level when 'warning' then h.assignee_user_id
                             when 'supervisor' then u.supervisor_user_id
                             else u.manager_user_id end as notify
           from servicedesk_ticket_clocks c
           join handler_unit h on h.ticket_id = c.ticket_id
           left join servicedesk_units u on u.id = h.unit_id
           cross join lateral (values ('warning', c.warn_at), ('supervisor', c.due_at), ('manager', c.manager_at)) l(level, at)
          where c.stopped_at is null and c.warn_at <= :now and l.at <= :now
         union all
         select w.ticket_id, t.ticket_no, 'work-order', 'supervisor', 0, w.due_at, 'wo:' || w.id, u.supervisor_user_id
           from servicedesk_work_orders w
           join servicedesk_tickets t on t.id = w.ticket_id
           join servicedesk_units u on u.id = w.unit_id
          where w.status = 'open' and w.due_at <= :now and w.ticket_id between :lo and :hi),
       ins as (
         insert into servicedesk_escalations (ticket_id, clock, level, cycle, due_key, at, notified_user_id)
         select ticket_id, clock, level, cycle, due_key, :now, notify
           from due
         on conflict do nothing
         returning id, ticket_id, clock, level, cycle, due_key, notified_user_id),
       ev as (
         insert into servicedesk_ticket_events (ticket_id, at, actor, kind, detail)
         select ticket_id, :now, 'system:escalation', 'escalated',
                jsonb_build_object('clock', clock, 'level', level, 'clockStartedAt', due_key, 'notifiedUserId', notified_user_id)
           from ins)
       select ins.*, d.ticket_no, d.due_at from ins
         join due d on d.ticket_id = ins.ticket_id and d.clock = ins.clock and d.level = ins.level
                  and d.due_key = ins.due_key and d.cycle = ins.cycle
       order by ins.id`,
      { now, lo: String(lo), hi: String(hi) },
    );
    const messages = rows
      .filter((r: Row) => r.notified_user_id != null)
      .map((r: Row) => ({
        channel: 'sms' as const,
        recipient: { kind: 'user' as const, userId: r.notified_user_id },
        template: 'servicedesk.escalation',
        params: {
          ticketNo: r.ticket_no,
          clock: CLOCK_WORDS[r.clock] ?? r.clock,
          level: LEVEL_WORDS[r.level],
          dueAt: localTime(r.due_at),
        },
        dedupeKey: `ticket-esc:${r.id}`,
      }));
    const notified = await queueNotifications(trx, now, messages);
    return { escalated: rows.length, notified };
  });
}
