// Work orders: internal steps of a ticket ("check lane L3401-05's reading", "the bank confirms a
// load"), each assigned to a unit with its own time limit (natural or working time). Overdue open
// ones are escalated to the unit's supervisor by the sweep.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { deadline, type Basis } from './clock-math.ts';
import { loadCalendar } from './clocks.ts';
import { appendEvent } from './events.ts';
import { requireUnit } from './organisation.ts';
import { lockTicket } from './tickets.ts';

export type WorkOrderView = {
  id: bigint;
  ticketId: bigint;
  step: string;
  unitId: bigint;
  basis: Basis;
  limitMinutes: number;
  createdBy: string;
  createdAt: Date;
  dueAt: Date;
  status: 'open' | 'done';
  outcome: string | null;
  doneBy: string | null;
  doneAt: Date | null;
};
const toWorkOrder = (r: Record<string, any>): WorkOrderView => ({
  id: BigInt(r.id),
  ticketId: BigInt(r.ticket_id),
  step: r.step,
  unitId: BigInt(r.unit_id),
  basis: r.basis,
  limitMinutes: r.limit_minutes,
  createdBy: r.created_by,
  createdAt: r.created_at,
  dueAt: r.due_at,
  status: r.status,
  outcome: r.outcome,
  doneBy: r.done_by,
  doneAt: r.done_at,
});

export async function workOrdersOf(db: Knex, ticketId: bigint): Promise<WorkOrderView[]> {
  return (await db('servicedesk_work_orders').where({ ticket_id: ticketId }).orderBy('id')).map(toWorkOrder);
}

export async function openWorkOrder(
  db: Knex,
  ctx: RequestContext,
  ticketId: bigint,
  w: { step: string; unitId: bigint; limitMinutes: number; basis: Basis },
): Promise<WorkOrderView> {
  return inTransaction(db, async (trx) => {
    const t = await lockTicket(trx, ticketId);
    if (t.status === 'closed' || t.status === 'resolved')
      throw new AppError('ticket-state-conflict', `a ${t.status} ticket takes no new work order`);
    await requireUnit(trx, w.unitId);
    const now = ctx.app.clock.now();
    const due = deadline(now.getTime(), w.limitMinutes, w.basis, [], await loadCalendar(trx))!;
    const actor = actorLabel(ctx.actor);
    const [row] = await trx('servicedesk_work_orders')
      .insert({
        ticket_id: ticketId,
        step: w.step,
        unit_id: w.unitId,
        basis: w.basis,
        limit_minutes: w.limitMinutes,
        created_by: actor,
        created_at: now,
        due_at: new Date(due),
        status: 'open',
      })
      .returning('*');
    await appendEvent(trx, ticketId, {
      at: now,
      actor,
      kind: 'work-order-opened',
      detail: { workOrderId: row.id, step: w.step, unitId: w.unitId },
    });
    await audit(trx, ctx, {
      action: 'ticket.work-order-open',
      entity: 'ticket',
      entityId: ticketId,
      detail: { workOrderId: row.id },
    });
    return toWorkOrder(row);
  });
}

export async function completeWorkOrder(
  db: Knex,
  ctx: RequestContext,
  workOrderId: bigint,
  outcome: string,
): Promise<WorkOrderView> {
  return inTransaction(db, async (trx) => {
    const found = await trx('servicedesk_work_orders').where({ id: workOrderId }).first('ticket_id');
    if (!found) throw new AppError('work-order-not-found', `no work order ${workOrderId}`);
    await lockTicket(trx, BigInt(found.ticket_id)); // ticket first, then its work order
    const w = await trx('servicedesk_work_orders').where({ id: workOrderId }).forUpdate().first();
    if (w.status !== 'open')
      throw new AppError('work-order-state-conflict', `work order ${workOrderId} is done already`);
    const now = ctx.app.clock.now();
    const actor = actorLabel(ctx.actor);
    const [row] = await trx('servicedesk_work_orders')
      .where({ id: workOrderId })
      .update({ status: 'done', outcome, done_by: actor, done_at: now })
      .returning('*');
    await appendEvent(trx, BigInt(w.ticket_id), {
      at: now,
      actor,
      kind: 'work-order-done',
      detail: { workOrderId, outcome },
    });
    await audit(trx, ctx, {
      action: 'ticket.work-order-done',
      entity: 'ticket',
      entityId: String(w.ticket_id),
      detail: { workOrderId },
    });
    return toWorkOrder(row);
  });
}
