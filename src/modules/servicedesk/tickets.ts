// Intake and reading of tickets. Every intake — counter, phone, bank branch, web form, the national
// hotline — writes the ticket, its first event, its clocks and the acknowledgement (ticket number and
// promised reply time) in one transaction.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { DAY_MS, localDate } from '../../platform/clock/clock.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError, invalid } from '../../platform/http/errors.ts';
import { getCustomer, mask } from '../customers/index.ts';
import { refreshTicketClocks, type ClockRow } from './clocks.ts';
import { checkLinks, type TicketLinks } from './links.ts';
import { localTime, send } from './notify.ts';
import { appendEvent, type TicketEvent, eventsOfTicket } from './events.ts';
import { unitOfUser } from './organisation.ts';

// how far back a hotline handover may say the complaint was received
const HOTLINE_HANDOVER_DAYS = 30;

export const CHANNELS = ['counter', 'phone', 'bank', 'web', 'hotline'] as const;
export const CATEGORIES = ['product', 'service', 'technical', 'payment'] as const;
export type Channel = (typeof CHANNELS)[number];
export type Category = (typeof CATEGORIES)[number];
export type TicketStatus = 'new' | 'accepted' | 'in-progress' | 'waiting' | 'resolved' | 'closed';

export type IntakeInput = {
  channel: Channel;
  customerId?: bigint;
  caller?: { name: string; contact?: string };
  category: Category;
  subcategory?: string;
  description: string;
  links?: TicketLinks;
  hotlineRef?: string;
  receivedAt?: Date;
};

export type TicketView = {
  id: bigint;
  ticketNo: string;
  channel: Channel;
  hotlineRef: string | null;
  customerId: bigint | null;
  callerName: string | null;
  callerContactMask: string | null;
  tier: 'important' | 'ordinary';
  category: Category;
  subcategory: string | null;
  description: string;
  links: {
    cardNo: string | null;
    obuNo: string | null;
    laneTransactionId: bigint | null;
    loadId: string | null;
    refundId: bigint | null;
    outlet: string | null;
    clerkUserId: bigint | null;
  };
  status: TicketStatus;
  waitingParty: string | null;
  assigneeUserId: bigint | null;
  unitId: bigint | null;
  rootCause: string | null;
  verdict: 'justified' | 'not-justified' | null;
  responsibleUnitId: bigint | null;
  responsibleUserId: bigint | null;
  resolutionNote: string | null;
  satisfaction: number | null;
  receivedAt: Date;
  replyPromisedAt: Date;
  firstRepliedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  cycle: number;
  createdBy: string;
};
type Row = Record<string, any>;
const big = (v: unknown) => (v == null ? null : BigInt(v as string));

export const toTicket = (r: Row): TicketView => ({
  id: BigInt(r.id),
  ticketNo: r.ticket_no,
  channel: r.channel,
  hotlineRef: r.hotline_ref,
  customerId: big(r.customer_id),
  callerName: r.caller_name,
  callerContactMask: r.caller_contact_mask,
  tier: r.tier,
  category: r.category,
  subcategory: r.subcategory,
  description: r.description,
  links: {
    cardNo: r.card_no,
    obuNo: r.obu_no,
    laneTransactionId: big(r.lane_transaction_id),
    loadId: r.load_id,
    refundId: big(r.refund_id),
    outlet: r.outlet,
    clerkUserId: big(r.clerk_user_id),
  },
  status: r.status,
  waitingParty: r.waiting_party,
  assigneeUserId: big(r.assignee_user_id),
  unitId: big(r.unit_id),
  rootCause: r.root_cause,
  verdict: r.verdict,
  responsibleUnitId: big(r.responsible_unit_id),
  responsibleUserId: big(r.responsible_user_id),
  resolutionNote: r.resolution_note,
  satisfaction: r.satisfaction,
  receivedAt: r.received_at,
  replyPromisedAt: r.reply_promised_at,
  firstRepliedAt: r.first_replied_at,
  resolvedAt: r.resolved_at,
  closedAt: r.closed_at,
  cycle: r.cycle,
  createdBy: r.created_by,
});

export async function lockTicket(trx: Knex.Transaction, id: bigint): Promise<Row> {
  const row = await trx('servicedesk_tickets').where({ id }).forUpdate().first();
  if (!row) throw new AppError('ticket-not-found', `no ticket ${id}`);
  return row;
}

export async function intake(
  db: Knex,
  ctx: RequestContext,
  input: IntakeInput,
): Promise<{ ticket: TicketView; replyBy: Date; created: boolean }> {
  if (input.customerId == null && !input.caller)
    throw new AppError('ticket-customer-required', 'a ticket names a customer or a caller', 'caller');
  return inTransaction(db, async (trx) => {
    if (input.hotlineRef) {
      // the national hotline's own number is the natural key: the same complaint handed over twice is one ticket
      const had = await trx('servicedesk_tickets').where({ hotline_ref: input.hotlineRef }).first();
      if (had) {
        if (had.description !== input.description)
          throw new AppError('hotline-ticket-conflict', `hotline ticket ${input.hotlineRef} exists with other content`);
        return { ticket: toTicket(had), replyBy: had.reply_promised_at, created: false };
      }
    }
    const customer = input.customerId != null ? await getCustomer(trx, input.customerId) : null;
    await checkLinks(trx, input.links ?? {});
    const now = ctx.app.clock.now();
    // the hotline's clock may run ahead of ours (a time after now is taken as now); a time far back
    // is a wrong field or clock, not a complaint whose clocks should start breached (year 0000 would
    // also give a ticket number of no date)
    if (input.receivedAt && now.getTime() - input.receivedAt.getTime() > HOTLINE_HANDOVER_DAYS * DAY_MS)
      throw invalid('receivedAt', `more than ${HOTLINE_HANDOVER_DAYS} days ago`);
    const receivedAt = input.receivedAt && input.receivedAt < now ? input.receivedAt : now;
    const actor = actorLabel(ctx.actor);
    const { rows } = await trx.raw(`select nextval('servicedesk_tickets_id_seq') as id`);
    const id = BigInt(rows[0].id);
    const ticketNo = `SD${localDate(receivedAt).replaceAll('-', '')}${String(id).padStart(6, '0')}`;
    // the ticket starts with the unit of whoever logged it, else the first unit (the default intake
    // unit), so that an unassigned ticket's breach still reaches a supervisor
    const unitId =
      (ctx.actor.kind === 'user' ? await unitOfUser(trx, ctx.actor.userId) : null) ??
      (await trx('servicedesk_units').orderBy('id').first('id'))?.id ??
      null;
    const contact = input.caller?.contact?.trim();
    const l = input.links ?? {};
    await trx('servicedesk_tickets').insert({
      id,
      ticket_no: ticketNo,
      channel: input.channel,
      hotline_ref: input.hotlineRef ?? null,
      customer_id: customer?.id ?? null,
      caller_name: input.caller?.name ?? null,
      caller_contact_sealed: contact ? ctx.app.keys.hsm.seal('pii', Buffer.from(contact, 'utf8')) : null,
      caller_contact_mask: contact ? mask(contact) : null,
      tier: customer?.tier ?? 'ordinary',
      category: input.category,
      subcategory: input.subcategory ?? null,
      description: input.description,
      card_no: l.cardNo ?? null,
      obu_no: l.obuNo ?? null,
      lane_transaction_id: l.laneTransactionId ?? null,
      load_id: l.loadId ?? null,
      refund_id: l.refundId ?? null,
      outlet: l.outlet ?? null,
      clerk_user_id:
        l.clerkUserId ?? (ctx.actor.kind === 'user' && input.channel === 'counter' ? ctx.actor.userId : null),
      status: 'new',
      unit_id: unitId,
      received_at: receivedAt,
      reply_promised_at: receivedAt, // replaced below by the first-reply clock's due time
      created_by: actor,
    });
    await appendEvent(trx, id, {
      at: receivedAt,
      actor,
      kind: 'created',
      toStatus: 'new',
      detail: { channel: input.channel },
    });
    const clocks = await refreshTicketClocks(trx, id, now);
    const replyBy = clocks.find((c) => c.clock === 'first-reply')!.due_at!;
    const [row] = await trx('servicedesk_tickets').where({ id }).update({ reply_promised_at: replyBy }).returning('*');
    const params = { ticketNo, replyBy: localTime(replyBy) };
    if (customer)
      await send(
        trx,
        now,
        'sms',
        { kind: 'customer', customerId: customer.id },
        'servicedesk.ack',
        params,
        `ticket-ack:${ticketNo}`,
      );
    else if (contact)
      await send(
        trx,
        now,
        contact.includes('@') ? 'email' : 'sms',
        { kind: 'address', address: contact },
        'servicedesk.ack',
        params,
        `ticket-ack:${ticketNo}`,
        ctx.app.keys,
      );
    await audit(trx, ctx, {
      action: 'ticket.create',
      entity: 'ticket',
      entityId: id,
      detail: { ticketNo, channel: input.channel },
    });
    return { ticket: toTicket(row), replyBy, created: true };
  });
}

export type ClockView = {
  clock: ClockRow['clock'];
  basis: ClockRow['basis'];
  targetMinutes: number;
  startedAt: Date;
  stoppedAt: Date | null;
  paused: boolean;
  warnAt: Date | null;
  dueAt: Date | null;
  managerAt: Date | null;
};
export const toClock = (c: Row): ClockView => ({
  clock: c.clock,
  basis: c.basis,
  targetMinutes: c.target_minutes,
  startedAt: c.started_at,
  stoppedAt: c.stopped_at,
  paused: c.paused,
  warnAt: c.warn_at,
  dueAt: c.due_at,
  managerAt: c.manager_at,
});

export async function getTicket(
  db: Knex,
  id: bigint,
): Promise<{ ticket: TicketView; events: TicketEvent[]; clocks: ClockView[] }> {
  const row = await db('servicedesk_tickets').where({ id }).first();
  if (!row) throw new AppError('ticket-not-found', `no ticket ${id}`);
  const clocks = await db('servicedesk_ticket_clocks').where({ ticket_id: id }).orderBy('clock');
  return { ticket: toTicket(row), events: await eventsOfTicket(db, id), clocks: clocks.map(toClock) };
}

export type TicketListItem = TicketView & {
  firstReplyDueAt: Date | null;
  resolutionDueAt: Date | null;
  updateDueAt: Date | null;
};

export async function listTickets(
  db: Knex,
  q: { status?: TicketStatus | 'open'; assigneeUserId?: bigint; customerId?: bigint; limit: number; offset: number },
): Promise<TicketListItem[]> {
  const query = db('servicedesk_tickets as t')
    .leftJoin('servicedesk_ticket_clocks as f', (j) => j.on('f.ticket_id', 't.id').andOnVal('f.clock', 'first-reply'))
    .leftJoin('servicedesk_ticket_clocks as r', (j) => j.on('r.ticket_id', 't.id').andOnVal('r.clock', 'resolution'))
    .leftJoin('servicedesk_ticket_clocks as u', (j) => j.on('u.ticket_id', 't.id').andOnVal('u.clock', 'update'))
    .select('t.*', 'f.due_at as f_due', 'r.due_at as r_due', 'u.due_at as u_due')
    .orderByRaw('least(f.due_at, r.due_at, u.due_at) nulls last, t.id')
    .limit(q.limit)
    .offset(q.offset);
  if (q.status === 'open') query.whereNot('t.status', 'closed');
  else if (q.status) query.where('t.status', q.status);
  if (q.assigneeUserId) query.where('t.assignee_user_id', String(q.assigneeUserId));
  if (q.customerId) query.where('t.customer_id', String(q.customerId));
  return (await query).map((r) => ({
    ...toTicket(r),
    firstReplyDueAt: r.f_due,
    resolutionDueAt: r.r_due,
    updateDueAt: r.u_due,
  }));
}
