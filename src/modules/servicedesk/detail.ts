// A ticket as the console shows it: the ticket, its events, its clocks read at this moment (elapsed
// and remaining counting minutes), its remedies, its work orders and the interchange disputes of
// the lane transaction it links.
import type { Knex } from 'knex';
import { clockReading, loadCalendar, type ClockRow } from './clocks.ts';
import { disputesOfTicket, ticketDisputeEligibility } from './disputes.ts';
import { listRemedies } from './remedies.ts';
import { getTicket, type ClockView } from './tickets.ts';
import { workOrdersOf } from './work-orders.ts';

export async function ticketDetail(db: Knex, ticketId: bigint, now: Date) {
  const { ticket, events, clocks } = await getTicket(db, ticketId);
  const cal = await loadCalendar(db);
  const evs = events.map((e) => ({
    at: e.at,
    kind: e.kind,
    toStatus: e.toStatus,
    party: (e.detail.party as string) ?? null,
  }));
  const read = (c: ClockView) => {
    const row = {
      clock: c.clock,
      basis: c.basis,
      target_minutes: c.targetMinutes,
      started_at: c.startedAt,
      stopped_at: c.stoppedAt,
    } as ClockRow;
    return { ...c, ...clockReading(row, evs, cal, now) };
  };
  return {
    ticket,
    events,
    clocks: clocks.map(read),
    remedies: await listRemedies(db, { ticketId }),
    workOrders: await workOrdersOf(db, ticketId),
    disputes: await disputesOfTicket(db, ticket.links.laneTransactionId),
    disputeEligibility: await ticketDisputeEligibility(db, ticket.status, ticket.links.laneTransactionId, now),
  };
}
