// The service desk's API shapes, inferred from the service's own response schemas (type-only).
import type { z } from 'zod';
import type * as r from '@server/modules/servicedesk/responses.ts';

export type Ticket = z.infer<typeof r.ticketJson>;
export type TicketListItem = z.infer<typeof r.ticketListItemJson>;
export type TicketDetail = z.infer<typeof r.ticketDetailJson>;
export type Clock = z.infer<typeof r.clockJson>;
export type Remedy = z.infer<typeof r.remedyJson>;
export type WorkOrder = z.infer<typeof r.workOrderJson>;
export type Unit = z.infer<typeof r.unitJson>;
export type RootCause = z.infer<typeof r.rootCauseJson>;
export type CalendarDay = z.infer<typeof r.calendarDayJson>;
export type CalendarChange = z.infer<typeof r.calendarChangeJson>;
export type TicketDispute = z.infer<typeof r.ticketDisputeJson>;
export type OutletDay = z.infer<typeof r.outletDayJson>;
export type SlaRates = z.infer<typeof r.slaRatesJson>;
export type Breach = z.infer<typeof r.breachJson>;
export type CauseCount = z.infer<typeof r.causeCountJson>;

export const SD = '/api/v1/servicedesk';
export const CATEGORIES = ['technical', 'payment', 'service', 'product'] as const;
export const CHANNELS = ['counter', 'phone', 'bank', 'web'] as const;

// minutes as "1天 3小时" / "1d 3h"; negative = overdue
export function duration(minutes: number, t: (k: string, o?: Record<string, unknown>) => string): string {
  const m = Math.abs(minutes);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const mm = m % 60;
  const text = d ? t('sd.dh', { d, h }) : h ? t('sd.hm', { h, m: mm }) : t('sd.m', { m: mm });
  return minutes < 0 ? t('sd.overdueBy', { text }) : text;
}
