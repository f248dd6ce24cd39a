// The service desk's endpoints: intake (staff and the national hotline), reading, the state machine,
// replies, callbacks, assignment, work orders, remedies, the calendar, units, root causes, reports.
import { z } from 'zod';
import type { Role } from '../../platform/http/context.ts';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import {
  cardNo,
  idBody,
  idParam,
  isoDate,
  isoInstant,
  limit,
  obuNo,
  offset,
  plainText,
  positiveFen,
  reason,
} from '../../platform/http/schemas.ts';
import { customerIdOfCard } from '../issuance/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import { w } from '../../platform/http/wire.ts';
import { calendarChangesOf, calendarOf, setCalendarDay } from './calendar.ts';
import { raiseTicketDispute } from './disputes.ts';
import { ISSUER_RESULT_CODES } from '../interchange/index.ts';
import { ticketDetail } from './detail.ts';
import { decideRemedy, listRemedies, proposeRemedy } from './remedies.ts';
import { reportRoutes } from './report-routes.ts';
import { listRootCauses, listUnits, saveRootCause, saveUnit, setUnitActive } from './organisation.ts';
import * as r from './responses.ts';
import { CATEGORIES, CHANNELS, intake, listTickets } from './tickets.ts';
import { assign, recordCallback, reply, transition } from './transitions.ts';
import { completeWorkOrder, openWorkOrder } from './work-orders.ts';

const HANDLERS: Role[] = ['clerk', 'supervisor', 'account-manager'];
const READERS: Role[] = ['clerk', 'supervisor', 'account-manager', 'auditor'];
const ticketParams = z.strictObject({ ticketId: idParam });
const text = (max: number) => z.string().trim().min(2).max(max);
const note = z.string().trim().min(1).max(500).optional();

const linksBody = z.strictObject({
  cardNo: cardNo.optional(),
  obuNo: obuNo.optional(),
  laneTransactionId: idBody.optional(),
  loadId: z.uuid().optional(),
  refundId: idBody.optional(),
  outlet: plainText(32).optional(),
  clerkUserId: idBody.optional(),
});
const caller = z.strictObject({
  name: plainText(100),
  contact: plainText(100).min(5).optional(),
});

const transitionBody = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('accept'), note }),
  z.strictObject({ action: z.literal('start'), note }),
  z.strictObject({
    action: z.literal('wait'),
    party: z.enum(['customer', 'bank', 'other-province', 'third-party']),
    reason,
  }),
  z.strictObject({ action: z.literal('resume'), note }),
  z.strictObject({
    action: z.literal('resolve'),
    rootCause: z.string().trim().max(32).default(''),
    verdict: z.enum(['justified', 'not-justified']),
    responsibleUnitId: idBody,
    responsibleUserId: idBody.optional(),
    note: text(2000),
  }),
  z.strictObject({ action: z.literal('close'), confirmedBy: z.enum(['customer', 'callback']), note }),
  z.strictObject({ action: z.literal('reopen'), reason }),
]);

export const servicedeskRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/servicedesk/tickets',
    tag: 'servicedesk',
    roles: HANDLERS,
    status: 201,
    summary:
      'Log a complaint (counter, phone, bank branch, web form): a customer or an unregistered caller, category, description and links (422 ticket-link-not-found). The acknowledgement with the ticket number and promised reply time is queued to the customer',
    body: z.strictObject({
      channel: z.enum(CHANNELS).exclude(['hotline']),
      customerId: idBody.optional(),
      caller: caller.optional(),
      category: z.enum(CATEGORIES),
      subcategory: plainText(50).optional(),
      description: text(2000),
      links: linksBody.optional(),
    }),
    response: r.intakeJson,
    handler: async (ctx, { body }) => {
      const { ticket, replyBy } = await intake(ctx.db, ctx, body);
      return ok({ ticket, replyBy }, 201);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/servicedesk/hotline/tickets',
    tag: 'servicedesk',
    roles: ['hotline'],
    status: 201,
    summary:
      "A complaint handed over by the national ETC hotline (signed, idempotent; the hotline's reference is the natural key: the same reference with other content is 409 hotline-ticket-conflict). Resolution within 4 natural days and a callback to the customer",
    body: z.strictObject({
      hotlineRef: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9-]{4,40}$/),
      receivedAt: isoInstant,
      caller,
      cardNo: cardNo.optional(),
      category: z.enum(CATEGORIES),
      subcategory: plainText(50).optional(),
      description: text(2000),
    }),
    response: r.hotlineIntakeJson,
    handler: async (ctx, { body }) => {
      const customerId = body.cardNo ? await customerIdOfCard(ctx.db, body.cardNo) : null;
      if (body.cardNo && customerId == null)
        throw new AppError('ticket-link-not-found', `no card ${body.cardNo}`, 'cardNo');
      const { ticket, replyBy, created } = await intake(ctx.db, ctx, {
        channel: 'hotline',
        hotlineRef: body.hotlineRef,
        receivedAt: new Date(body.receivedAt),
        customerId: customerId ?? undefined,
        caller: body.caller,
        category: body.category,
        subcategory: body.subcategory,
        description: body.description,
        links: body.cardNo ? { cardNo: body.cardNo } : {},
      });
      const detail = await ticketDetail(ctx.db, ticket.id, ctx.app.clock.now());
      const resolution = detail.clocks.find((c) => c.clock === 'resolution')!;
      return ok(
        {
          ticketNo: ticket.ticketNo,
          hotlineRef: body.hotlineRef,
          replyBy,
          resolutionDueAt: resolution.dueAt ?? resolution.startedAt,
        },
        created ? 201 : 200,
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/servicedesk/tickets',
    tag: 'servicedesk',
    roles: READERS,
    summary: 'Tickets, soonest deadline first: open ones, by status, by handler (mine) or by customer',
    query: z.strictObject({
      status: z.enum(['open', 'new', 'accepted', 'in-progress', 'waiting', 'resolved', 'closed']).optional(),
      assignee: z.enum(['me']).optional(),
      customerId: idParam.optional(),
      limit,
      offset,
    }),
    response: z.strictObject({ tickets: z.array(r.ticketListItemJson) }),
    handler: async (ctx, { query }) =>
      ok({
        tickets: await listTickets(ctx.db, {
          ...query,
          assigneeUserId: query.assignee === 'me' && ctx.actor.kind === 'user' ? ctx.actor.userId : undefined,
        }),
      }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/servicedesk/tickets/:ticketId',
    tag: 'servicedesk',
    roles: READERS,
    summary: 'A ticket with its event log, its SLA clocks read now, its remedies and work orders',
    params: ticketParams,
    response: r.ticketDetailJson,
    handler: async (ctx, { params }) => ok(await ticketDetail(ctx.db, params.ticketId, ctx.app.clock.now())),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/servicedesk/tickets/:ticketId/transitions',
    tag: 'servicedesk',
    roles: HANDLERS,
    summary:
      'Move a ticket: accept, start, wait (on the customer or a third party, with a reason), resume, resolve (root cause, verdict, responsible unit; 422 ticket-root-cause-required), close (409 ticket-confirmation-required without the customer or a confirming callback), reopen. 409 ticket-state-conflict from a state that does not allow it',
    params: ticketParams,
    body: transitionBody,
    response: z.strictObject({ ticket: r.ticketJson }),
    handler: async (ctx, { params, body }) => ok({ ticket: await transition(ctx.db, ctx, params.ticketId, body) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/servicedesk/tickets/:ticketId/replies',
    tag: 'servicedesk',
    roles: HANDLERS,
    summary:
      'Record a reply or progress update given to the customer (stops the first-reply clock, restarts the update clock)',
    params: ticketParams,
    body: z.strictObject({ message: text(2000) }),
    response: z.strictObject({ ticket: r.ticketJson }),
    handler: async (ctx, { params, body }) => ok({ ticket: await reply(ctx.db, ctx, params.ticketId, body.message) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/servicedesk/tickets/:ticketId/callbacks',
    tag: 'servicedesk',
    roles: HANDLERS,
    summary: 'Record a callback to the customer: reached or not, whether they confirm the resolution, satisfaction 1–5',
    params: ticketParams,
    body: z.strictObject({
      reached: z.boolean(),
      confirmed: z.boolean(),
      satisfaction: z.number().int().min(1).max(5).optional(),
      note,
    }),
    response: z.strictObject({ ticket: r.ticketJson }),
    handler: async (ctx, { params, body }) => ok({ ticket: await recordCallback(ctx.db, ctx, params.ticketId, body) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/servicedesk/tickets/:ticketId/assignment',
    tag: 'servicedesk',
    roles: ['supervisor', 'account-manager'],
    summary: "Assign or reassign a ticket to a handler (and the handler's unit unless another is named)",
    params: ticketParams,
    body: z.strictObject({ userId: idBody, unitId: idBody.optional(), reason: reason.optional() }),
    response: z.strictObject({ ticket: r.ticketJson }),
    handler: async (ctx, { params, body }) => ok({ ticket: await assign(ctx.db, ctx, params.ticketId, body) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/servicedesk/tickets/:ticketId/work-orders',
    tag: 'servicedesk',
    roles: HANDLERS,
    status: 201,
    summary: 'Open a work order for an internal step, assigned to a unit with its own time limit',
    params: ticketParams,
    body: z.strictObject({
      step: text(200),
      unitId: idBody,
      limitMinutes: z
        .number()
        .int()
        .min(1)
        .max(60 * 24 * 60),
      basis: z.enum(['natural', 'working']).default('working'),
    }),
    response: z.strictObject({ workOrder: r.workOrderJson }),
    handler: async (ctx, { params, body }) =>
      ok({ workOrder: await openWorkOrder(ctx.db, ctx, params.ticketId, body) }, 201),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/servicedesk/work-orders/:workOrderId/completion',
    tag: 'servicedesk',
    roles: HANDLERS,
    summary: 'Complete a work order with its outcome (409 work-order-state-conflict when done already)',
    params: z.strictObject({ workOrderId: idParam }),
    body: z.strictObject({ outcome: text(1000) }),
    response: z.strictObject({ workOrder: r.workOrderJson }),
    handler: async (ctx, { params, body }) =>
      ok({ workOrder: await completeWorkOrder(ctx.db, ctx, params.workOrderId, body.outcome) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/servicedesk/tickets/:ticketId/remedies',
    tag: 'servicedesk',
    roles: HANDLERS,
    status: 201,
    moneyMoving: true,
    summary:
      "Propose a remedy (toll refund or fee waiver) into the customer's account: at or below the threshold it posts at once, above it waits for a supervisor. 409 remedy-not-justified, remedy-exists; 422 amount-out-of-range",
    params: ticketParams,
    body: z.strictObject({ kind: z.enum(['toll-refund', 'fee-waiver']), amount: positiveFen, reason }),
    response: z.strictObject({ remedy: r.remedyJson }),
    handler: async (ctx, { params, body }) =>
      ok({ remedy: await proposeRemedy(ctx.db, ctx, params.ticketId, body) }, 201),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/servicedesk/tickets/:ticketId/interchange-dispute',
    tag: 'servicedesk',
    roles: HANDLERS,
    status: 201,
    // the purchase is taken back from the province's payable to the card: an Idempotency-Key is required
    moneyMoving: true,
    summary:
      "Raise an interchange dispute about the lane transaction the ticket links, when it is our card on another province's roads: listed as disputed (an issuer result code) in our confirmation of the province's package, while that confirmation has not gone out. 201 when raised, 200 when the same ticket asked the same before. 409 ticket-transaction-not-linked, ticket-state-conflict (closed), package-confirmed, dispute-exists, dispute-not-issuer (another province's card on our roads: that province disputes it in its confirmation), dispute-not-interchange; 404 dispute-transaction-not-found",
    params: ticketParams,
    body: z.strictObject({
      result: z
        .number()
        .int()
        .refine(
          (v) => (ISSUER_RESULT_CODES as readonly number[]).includes(v),
          'an issuer result code (ETC-REFERENCE §7)',
        ),
      note: text(500),
    }),
    response: z.strictObject({ dispute: r.ticketDisputeJson }),
    handler: async (ctx, { params, body }) => {
      const { dispute, created } = await raiseTicketDispute(ctx.db, ctx, params.ticketId, body);
      return ok({ dispute }, created ? 201 : 200);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/servicedesk/remedies',
    tag: 'servicedesk',
    roles: ['supervisor', 'finance', 'auditor', 'account-manager', 'clerk'],
    summary: 'Remedies (at most 200, oldest first), e.g. the proposed ones waiting for a supervisor',
    query: z.strictObject({
      status: z.enum(['proposed', 'posted', 'rejected']).optional(),
      ticketId: idParam.optional(),
    }),
    response: z.strictObject({ remedies: z.array(r.remedyJson) }),
    handler: async (ctx, { query }) => ok({ remedies: await listRemedies(ctx.db, query) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/servicedesk/remedies/:remedyId/approve',
    tag: 'servicedesk',
    roles: ['supervisor'],
    moneyMoving: true,
    summary:
      'Approve a proposed remedy: one journal entry (kind ticket-remedy) posts now, once. Not by its proposer (409 remedy-four-eyes-required); 409 remedy-state-conflict when decided already',
    params: z.strictObject({ remedyId: idParam }),
    body: z.strictObject({ reason: reason.optional() }),
    response: z.strictObject({ remedy: r.remedyJson }),
    handler: async (ctx, { params, body }) =>
      ok({ remedy: await decideRemedy(ctx.db, ctx, params.remedyId, 'approve', body.reason) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/servicedesk/remedies/:remedyId/reject',
    tag: 'servicedesk',
    roles: ['supervisor'],
    summary: 'Reject a proposed remedy with a reason; no money moves',
    params: z.strictObject({ remedyId: idParam }),
    body: z.strictObject({ reason }),
    response: z.strictObject({ remedy: r.remedyJson }),
    handler: async (ctx, { params, body }) =>
      ok({ remedy: await decideRemedy(ctx.db, ctx, params.remedyId, 'reject', body.reason) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/servicedesk/calendar',
    tag: 'servicedesk',
    roles: ['admin', 'supervisor', 'clerk', 'account-manager', 'auditor'],
    summary: "The working-time calendar's special days of a year: public holidays and make-up working days (调休)",
    query: z.strictObject({ year: z.coerce.number().int().min(2000).max(2100) }),
    response: z.strictObject({ days: z.array(r.calendarDayJson), changes: z.array(r.calendarChangeJson) }),
    handler: async (ctx, { query }) =>
      ok({ days: await calendarOf(ctx.db, query.year), changes: await calendarChangesOf(ctx.db, query.year) }),
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/servicedesk/calendar/:date',
    tag: 'servicedesk',
    roles: ['admin'],
    summary:
      'Set a day as a public holiday or a make-up working day (a weekend day only; 422 calendar-day-invalid), or back to the weekly rule (kind null), with a reason. Every open ticket’s clocks are recomputed by a queued job: the change is answered with recomputation "queued" and shows as done in the year’s changes once it has run',
    params: z.strictObject({ date: isoDate }),
    body: z.strictObject({
      kind: z.enum(['holiday', 'workday']).nullable(),
      name: plainText(50).optional(),
      reason,
    }),
    response: z.strictObject({
      day: w.date,
      working: z.boolean(),
      changeId: w.int,
      recomputation: z.literal('queued'),
    }),
    handler: async (ctx, { params, body }) => ok(await setCalendarDay(ctx.db, ctx, params.date, body)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/servicedesk/units',
    tag: 'servicedesk',
    roles: ['admin', 'supervisor', 'account-manager', 'clerk', 'auditor'],
    summary: 'Units that handle complaints, with their supervisor, manager and members',
    response: z.strictObject({ units: z.array(r.unitJson) }),
    handler: async (ctx) => ok({ units: await listUnits(ctx.db) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/servicedesk/units',
    tag: 'servicedesk',
    roles: ['admin'],
    summary: 'Create or change a unit by its code: name, supervisor and manager (the escalation chain), members',
    body: z.strictObject({
      code: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
      name: plainText(100),
      supervisorUserId: idBody.nullable().optional(),
      managerUserId: idBody.nullable().optional(),
      members: z.array(idBody).max(200).optional(),
    }),
    response: z.strictObject({ unit: r.unitJson }),
    handler: async (ctx, { body }) => ok({ unit: await saveUnit(ctx.db, ctx, body) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/servicedesk/units/:unitId/active',
    tag: 'servicedesk',
    roles: ['admin'],
    summary:
      'Deactivate a unit (no new assignment or work order may name it; its tickets keep it) or activate it again, with a reason',
    params: z.strictObject({ unitId: idParam }),
    body: z.strictObject({ active: z.boolean(), reason }),
    response: z.strictObject({ unit: r.unitJson }),
    handler: async (ctx, { params, body }) =>
      ok({ unit: await setUnitActive(ctx.db, ctx, params.unitId, body.active, body.reason) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/servicedesk/root-causes',
    tag: 'servicedesk',
    roles: READERS,
    summary: 'The maintained list of root causes',
    response: z.strictObject({ rootCauses: z.array(r.rootCauseJson) }),
    handler: async (ctx) => ok({ rootCauses: await listRootCauses(ctx.db) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/servicedesk/root-causes',
    tag: 'servicedesk',
    roles: ['admin', 'supervisor'],
    summary: 'Add or change a root cause (deactivate one no longer used: tickets keep theirs)',
    body: z.strictObject({
      code: z.string().regex(/^[A-Z0-9_-]{2,32}$/),
      name: plainText(100),
      category: z.enum(CATEGORIES).nullable().optional(),
      active: z.boolean().default(true),
    }),
    response: z.strictObject({ rootCause: r.rootCauseJson }),
    handler: async (ctx, { body }) => ok({ rootCause: await saveRootCause(ctx.db, ctx, body) }),
  }),
  ...reportRoutes,
];
