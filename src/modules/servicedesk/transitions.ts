// The ticket's state machine. new → accepted → in-progress ⇄ waiting (on the customer or a third
// party, with a reason) → resolved (root cause, verdict, responsible unit; awaiting the customer's
// confirmation) → closed (only with the customer's confirmation or a confirming callback recorded
// since the resolution); resolved or closed → reopened (in-progress, a new cycle). Every change
// appends to the event log and recomputes the ticket's clocks in the same transaction.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { refreshTicketClocks } from './clocks.ts';
import { appendEvent } from './events.ts';
import { send } from './notify.ts';
import { lockTicket, toTicket, type TicketStatus, type TicketView } from './tickets.ts';
import { requireUnit, requireUser, unitOfUser } from './organisation.ts';

export type Transition =
  | { action: 'accept'; note?: string }
  | { action: 'start'; note?: string }
  | { action: 'wait'; party: 'customer' | 'bank' | 'other-province' | 'third-party'; reason: string }
  | { action: 'resume'; note?: string }
  | {
      action: 'resolve';
      rootCause: string;
      verdict: 'justified' | 'not-justified';
      responsibleUnitId: bigint;
      responsibleUserId?: bigint;
      note: string;
    }
  | { action: 'close'; confirmedBy: 'customer' | 'callback'; note?: string }
  | { action: 'reopen'; reason: string };

const FROM: Record<Transition['action'], TicketStatus[]> = {
  accept: ['new'],
  start: ['accepted'],
  wait: ['accepted', 'in-progress'],
  resume: ['waiting'],
  resolve: ['accepted', 'in-progress', 'waiting'],
  close: ['resolved'],
  reopen: ['resolved', 'closed'],
};
const TO: Record<Transition['action'], TicketStatus> = {
  accept: 'accepted',
  start: 'in-progress',
  wait: 'waiting',
  resume: 'in-progress',
  resolve: 'resolved',
  close: 'closed',
  reopen: 'in-progress',
};

type Row = Record<string, any>;

async function confirmingCallbackSince(trx: Knex, ticketId: bigint, since: Date): Promise<boolean> {
  const r = await trx('servicedesk_ticket_events')
    .where({ ticket_id: ticketId, kind: 'callback' })
    .andWhere('at', '>=', since)
    .whereRaw(`(detail->>'confirmed')::boolean`)
    .first('id');
  return !!r;
}

export async function transition(db: Knex, ctx: RequestContext, ticketId: bigint, t: Transition): Promise<TicketView> {
  return inTransaction(db, async (trx) => {
    const row = await lockTicket(trx, ticketId);
    const from = row.status as TicketStatus;
    if (!FROM[t.action].includes(from))
      throw new AppError('ticket-state-conflict', `a ${from} ticket cannot be ${t.action}ed`);
    const now = ctx.app.clock.now();
    const actor = actorLabel(ctx.actor);
    const to = TO[t.action];
    const patch: Row = { status: to, waiting_party: null };
    const detail: Row = {};
    switch (t.action) {
      case 'wait':
        patch.waiting_party = t.party;
        Object.assign(detail, { party: t.party, reason: t.reason });
        break;
      case 'resolve': {
        if (!t.rootCause)
          throw new AppError('ticket-root-cause-required', 'a resolution names its root cause', 'rootCause');
        const cause = await trx('servicedesk_root_causes').where({ code: t.rootCause, active: true }).first();
        if (!cause) throw new AppError('root-cause-not-found', `no active root cause ${t.rootCause}`, 'rootCause');
        await requireUnit(trx, t.responsibleUnitId);
        if (t.responsibleUserId) await requireUser(trx, t.responsibleUserId);
        Object.assign(patch, {
          root_cause: t.rootCause,
          verdict: t.verdict,
          responsible_unit_id: t.responsibleUnitId,
          responsible_user_id: t.responsibleUserId ?? null,
          resolution_note: t.note,
          resolved_at: now,
        });
        Object.assign(detail, {
          rootCause: t.rootCause,
          verdict: t.verdict,
          responsibleUnitId: t.responsibleUnitId,
          note: t.note,
        });
        break;
      }
      case 'close': {
        // the customer's word: in person (the clerk records it) or on a callback since the resolution
        if (t.confirmedBy === 'callback' && !(await confirmingCallbackSince(trx, ticketId, row.resolved_at)))
          throw new AppError(
            'ticket-confirmation-required',
            'closing on a callback needs a callback where the customer confirmed, recorded after the resolution',
          );
        // a hotline complaint is closed on a callback to the customer, as the hotline requires
        if (t.confirmedBy === 'customer' && row.channel === 'hotline')
          throw new AppError('ticket-confirmation-required', 'a hotline ticket is closed on a confirming callback');
        if (t.confirmedBy === 'customer' && ctx.actor.kind !== 'user')
          throw new AppError('ticket-confirmation-required', 'a customer confirmation is recorded by staff');
        patch.closed_at = now;
        Object.assign(detail, { confirmedBy: t.confirmedBy, note: t.note ?? null });
        break;
      }
      case 'reopen':
        patch.cycle = row.cycle + 1;
        patch.closed_at = null;
        patch.resolved_at = null;
        detail.reason = t.reason;
        break;
      default:
        if (t.note) detail.note = t.note;
    }
    if (t.action === 'accept' && !row.assignee_user_id && ctx.actor.kind === 'user') {
      // whoever accepts a ticket handles it until it is reassigned
      patch.assignee_user_id = ctx.actor.userId;
      patch.unit_id = (await unitOfUser(trx, ctx.actor.userId)) ?? row.unit_id;
    }
    const [updated] = await trx('servicedesk_tickets').where({ id: ticketId }).update(patch).returning('*');
    await appendEvent(trx, ticketId, {
      at: now,
      actor,
      kind: t.action === 'reopen' ? 'reopened' : t.action,
      fromStatus: from,
      toStatus: to,
      detail,
    });
    await refreshTicketClocks(trx, ticketId, now);
    if (t.action === 'resolve' && updated.customer_id)
      await send(
        trx,
        now,
        'sms',
        { kind: 'customer', customerId: updated.customer_id },
        'servicedesk.resolved',
        { ticketNo: updated.ticket_no },
        `ticket-resolved:${updated.ticket_no}:${updated.cycle}`,
      );
    await audit(trx, ctx, { action: `ticket.${t.action}`, entity: 'ticket', entityId: ticketId, detail: { from, to } });
    return toTicket(updated);
  });
}

/** A reply or update to the customer: stops the first-reply clock, restarts the update clock. */
export async function reply(db: Knex, ctx: RequestContext, ticketId: bigint, message: string): Promise<TicketView> {
  return inTransaction(db, async (trx) => {
    const row = await lockTicket(trx, ticketId);
    if (row.status === 'closed' || row.status === 'new')
      throw new AppError('ticket-state-conflict', `a ${row.status} ticket takes no reply (accept it first)`);
    const now = ctx.app.clock.now();
    const [updated] = await trx('servicedesk_tickets')
      .where({ id: ticketId })
      .update({ first_replied_at: row.first_replied_at ?? now })
      .returning('*');
    await appendEvent(trx, ticketId, { at: now, actor: actorLabel(ctx.actor), kind: 'replied', detail: { message } });
    await refreshTicketClocks(trx, ticketId, now);
    await audit(trx, ctx, { action: 'ticket.reply', entity: 'ticket', entityId: ticketId });
    return toTicket(updated);
  });
}

/** A callback to the customer: whether they were reached, confirmed the resolution, how satisfied. */
export async function recordCallback(
  db: Knex,
  ctx: RequestContext,
  ticketId: bigint,
  c: { reached: boolean; confirmed: boolean; satisfaction?: number; note?: string },
): Promise<TicketView> {
  return inTransaction(db, async (trx) => {
    const row = await lockTicket(trx, ticketId);
    if (row.status === 'new')
      throw new AppError('ticket-state-conflict', 'a new ticket has nothing to call back about');
    const confirmed = c.reached && c.confirmed && row.status === 'resolved';
    const now = ctx.app.clock.now();
    const [updated] = await trx('servicedesk_tickets')
      .where({ id: ticketId })
      .update({ satisfaction: c.reached && c.satisfaction ? c.satisfaction : row.satisfaction })
      .returning('*');
    await appendEvent(trx, ticketId, {
      at: now,
      actor: actorLabel(ctx.actor),
      kind: 'callback',
      detail: { reached: c.reached, confirmed, satisfaction: c.satisfaction ?? null, note: c.note ?? null },
    });
    await audit(trx, ctx, {
      action: 'ticket.callback',
      entity: 'ticket',
      entityId: ticketId,
      detail: { reached: c.reached, confirmed },
    });
    return toTicket(updated);
  });
}

/** (Re)assigns a ticket to a handler (and their unit); a supervisor's reassignment after an escalation. */
export async function assign(
  db: Knex,
  ctx: RequestContext,
  ticketId: bigint,
  a: { userId: bigint; unitId?: bigint; reason?: string },
): Promise<TicketView> {
  return inTransaction(db, async (trx) => {
    const row = await lockTicket(trx, ticketId);
    if (row.status === 'closed') throw new AppError('ticket-state-conflict', 'a closed ticket is not assigned');
    await requireUser(trx, a.userId);
    const unitId = a.unitId ?? (await unitOfUser(trx, a.userId)) ?? (row.unit_id == null ? null : BigInt(row.unit_id));
    if (unitId) await requireUnit(trx, unitId);
    const [updated] = await trx('servicedesk_tickets')
      .where({ id: ticketId })
      .update({ assignee_user_id: a.userId, unit_id: unitId })
      .returning('*');
    await appendEvent(trx, ticketId, {
      at: ctx.app.clock.now(),
      actor: actorLabel(ctx.actor),
      kind: row.assignee_user_id ? 'reassigned' : 'assigned',
      detail: { from: row.assignee_user_id, to: a.userId, unitId, reason: a.reason ?? null },
    });
    await audit(trx, ctx, {
      action: 'ticket.assign',
      entity: 'ticket',
      entityId: ticketId,
      detail: { userId: a.userId },
    });
    return toTicket(updated);
  });
}
