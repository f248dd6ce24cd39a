// Success bodies of the service desk's routes as they travel (JSON).
import { z } from 'zod';
import { w } from '../../platform/http/wire.ts';

const id = w.int;
const time = w.dateTime;
export const ticketJson = z.strictObject({
  id,
  ticketNo: z.string(),
  channel: z.string(),
  hotlineRef: z.string().nullable(),
  customerId: id.nullable(),
  callerName: z.string().nullable(),
  callerContactMask: z.string().nullable(),
  tier: z.string(),
  category: z.string(),
  subcategory: z.string().nullable(),
  description: z.string(),
  links: z.strictObject({
    cardNo: z.string().nullable(),
    obuNo: z.string().nullable(),
    laneTransactionId: id.nullable(),
    loadId: z.string().nullable(),
    refundId: id.nullable(),
    outlet: z.string().nullable(),
    clerkUserId: id.nullable(),
  }),
  status: z.enum(['new', 'accepted', 'in-progress', 'waiting', 'resolved', 'closed']),
  waitingParty: z.string().nullable(),
  assigneeUserId: id.nullable(),
  unitId: id.nullable(),
  rootCause: z.string().nullable(),
  verdict: z.enum(['justified', 'not-justified']).nullable(),
  responsibleUnitId: id.nullable(),
  responsibleUserId: id.nullable(),
  resolutionNote: z.string().nullable(),
  satisfaction: w.int.nullable(),
  receivedAt: time,
  replyPromisedAt: time,
  firstRepliedAt: time.nullable(),
  resolvedAt: time.nullable(),
  closedAt: time.nullable(),
  cycle: w.int,
  createdBy: z.string(),
});
export const ticketListItemJson = ticketJson.extend({
  firstReplyDueAt: time.nullable(),
  resolutionDueAt: time.nullable(),
  updateDueAt: time.nullable(),
});
export const clockJson = z.strictObject({
  clock: z.enum(['first-reply', 'update', 'resolution']),
  basis: z.enum(['natural', 'working']),
  targetMinutes: w.int,
  startedAt: time,
  stoppedAt: time.nullable(),
  paused: z.boolean(),
  warnAt: time.nullable(),
  dueAt: time.nullable(),
  managerAt: time.nullable(),
  elapsedMinutes: w.int,
  remainingMinutes: w.int,
});
export const eventJson = z.strictObject({
  id,
  at: time,
  actor: z.string(),
  kind: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export const remedyJson = z.strictObject({
  id,
  ticketId: id,
  kind: z.enum(['toll-refund', 'fee-waiver']),
  amount: w.int,
  accountId: id,
  reason: z.string(),
  status: z.enum(['proposed', 'posted', 'rejected']),
  proposedBy: z.string(),
  proposedAt: time,
  decidedBy: z.string().nullable(),
  decidedAt: time.nullable(),
  decisionReason: z.string().nullable(),
  entryId: id.nullable(),
});
export const workOrderJson = z.strictObject({
  id,
  ticketId: id,
  step: z.string(),
  unitId: id,
  basis: z.enum(['natural', 'working']),
  limitMinutes: w.int,
  createdBy: z.string(),
  createdAt: time,
  dueAt: time,
  status: z.enum(['open', 'done']),
  outcome: z.string().nullable(),
  doneBy: z.string().nullable(),
  doneAt: time.nullable(),
});
// an interchange dispute of the linked transaction (interchange's Dispute as it travels)
export const ticketDisputeJson = z.strictObject({
  id,
  side: z.enum(['provider', 'issuer']),
  network: z.string(),
  packageMessageId: z.string(),
  date: w.date,
  transId: z.string(),
  cardNo: z.string(),
  amount: w.int,
  result: w.int,
  resolution: w.int.nullable(),
  resolvedOn: w.date.nullable(),
  resolvedBy: z.string().nullable(),
  transactionId: id.nullable(),
  requestedBy: z.string().nullable(),
  requestReference: z.string().nullable(),
});
export const ticketDetailJson = z.strictObject({
  ticket: ticketJson,
  events: z.array(eventJson),
  clocks: z.array(clockJson),
  remedies: z.array(remedyJson),
  workOrders: z.array(workOrderJson),
  disputes: z.array(ticketDisputeJson),
  // null when the ticket links no lane transaction; otherwise whether a dispute may be raised now,
  // or the refusal's code and message
  disputeEligibility: z
    .union([
      z.strictObject({
        eligible: z.literal(true),
        network: z.string(),
        packageMessageId: z.string(),
        // the end of our confirmation's hold (disputes possible until then); null: no hold, it may go any moment
        until: time.nullable(),
      }),
      z.strictObject({ eligible: z.literal(false), code: z.string(), message: z.string() }),
    ])
    .nullable(),
});
export const intakeJson = z.strictObject({ ticket: ticketJson, replyBy: time });
export const hotlineIntakeJson = z.strictObject({
  ticketNo: z.string(),
  hotlineRef: z.string(),
  replyBy: time,
  resolutionDueAt: time,
});
export const unitJson = z.strictObject({
  id,
  code: z.string(),
  name: z.string(),
  supervisorUserId: id.nullable(),
  managerUserId: id.nullable(),
  members: z.array(id),
  active: z.boolean(),
});
export const rootCauseJson = z.strictObject({
  code: z.string(),
  name: z.string(),
  category: z.string().nullable(),
  active: z.boolean(),
});
export const calendarDayJson = z.strictObject({
  day: w.date,
  kind: z.enum(['holiday', 'workday']),
  name: z.string(),
  // official, provisional (statutory days only, until the year's arrangement is entered) or admin
  source: z.string(),
});
export const calendarChangeJson = z.strictObject({
  id,
  day: w.date,
  fromKind: z.string().nullable(),
  toKind: z.string().nullable(),
  name: z.string().nullable(),
  reason: z.string().nullable(),
  changedBy: z.string(),
  changedAt: time,
  // null while the recomputation of open tickets' clocks it queued has not run
  recomputedAt: time.nullable(),
});
export const outletDayJson = z.strictObject({ outlet: z.string(), received: w.int, closed: w.int, openAtEnd: w.int });
export const slaRatesJson = z.strictObject({
  month: z.string(),
  tickets: w.int,
  firstReplyOnTime: w.int,
  firstReplyLate: w.int,
  resolvedOnTime: w.int,
  resolvedLate: w.int,
  averageSatisfaction: z.number().nullable(),
  callbacks: w.int,
});
export const breachJson = z.strictObject({
  ticketId: id,
  ticketNo: z.string(),
  clock: z.string(),
  dueAt: time,
  stoppedAt: time.nullable(),
  outlet: z.string().nullable(),
  assigneeUserId: id.nullable(),
});
export const causeCountJson = z.strictObject({
  rootCause: z.string(),
  name: z.string(),
  group: z.string(),
  tickets: w.int,
});
