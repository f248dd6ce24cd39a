// Report endpoints: JSON for the console's tables and chart, CSV or XLSX for download.
import { z } from 'zod';
import type { Role } from '../../platform/http/context.ts';
import { CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE } from '../../platform/http/csv.ts';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { isoDate } from '../../platform/http/schemas.ts';
import { breaches, openByOutlet, slaRates, topRootCauses } from './reports.ts';
import * as r from './responses.ts';
import { tableResult, type Table } from './sheet.ts';

const READERS: Role[] = ['supervisor', 'account-manager', 'auditor', 'admin'];
// a month the centre can have tickets in: 2000-01 … 2099-12
const month = z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM (2000–2099)');
const by = z.enum(['outlet', 'channel', 'category']).default('category');
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const reportRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/servicedesk/reports/daily',
    tag: 'servicedesk',
    roles: READERS,
    summary: "The end-of-day summary: per outlet, tickets received and closed that day and open at the day's end",
    query: z.strictObject({ date: isoDate }),
    response: z.strictObject({ date: z.string(), outlets: z.array(r.outletDayJson) }),
    handler: async (ctx, { query }) => ok({ date: query.date, outlets: await openByOutlet(ctx.db, query.date) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/servicedesk/reports/monthly',
    tag: 'servicedesk',
    roles: READERS,
    summary:
      'A month of tickets: on-time first reply and resolution counts, satisfaction from callbacks, the breaches and the top root causes (by outlet, channel or category)',
    query: z.strictObject({ month, by }),
    response: z.strictObject({
      rates: r.slaRatesJson,
      breaches: z.array(r.breachJson),
      rootCauses: z.array(r.causeCountJson),
    }),
    handler: async (ctx, { query }) => {
      const now = ctx.app.clock.now();
      return ok({
        rates: await slaRates(ctx.db, query.month, now),
        breaches: await breaches(ctx.db, query.month, now),
        rootCauses: await topRootCauses(ctx.db, query.month, query.by),
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/servicedesk/reports/export',
    tag: 'servicedesk',
    roles: READERS,
    summary:
      'A report as a file (?format=csv|xlsx): daily (?date=) open tickets per outlet, breaches (?month=), root-causes (?month=&by=)',
    query: z.strictObject({
      report: z.enum(['daily', 'breaches', 'root-causes']),
      date: isoDate.optional(),
      month: month.optional(),
      by,
      format: z.enum(['csv', 'xlsx']).default('csv'),
    }),
    produces: [CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE],
    handler: async (ctx, { query }) => {
      const now = ctx.app.clock.now();
      const thisMonth = now.toISOString().slice(0, 7);
      let t: Table;
      if (query.report === 'daily') {
        const date = query.date ?? now.toISOString().slice(0, 10);
        const rows = await openByOutlet(ctx.db, date);
        t = {
          name: `servicedesk-daily-${date}`,
          headers: ['outlet', 'received', 'closed', 'open_at_end'],
          rows: rows.map((x) => [x.outlet, x.received, x.closed, x.openAtEnd]),
        };
      } else if (query.report === 'breaches') {
        const m = query.month ?? thisMonth;
        const rows = await breaches(ctx.db, m, now);
        t = {
          name: `servicedesk-breaches-${m}`,
          headers: ['ticket_no', 'clock', 'due_at', 'stopped_at', 'outlet'],
          rows: rows.map((x) => [x.ticketNo, x.clock, iso(x.dueAt), iso(x.stoppedAt), x.outlet]),
        };
      } else {
        const m = query.month ?? thisMonth;
        const rows = await topRootCauses(ctx.db, m, query.by);
        t = {
          name: `servicedesk-root-causes-${m}`,
          headers: ['root_cause', 'name', query.by, 'tickets'],
          rows: rows.map((x) => [x.rootCause, x.name, x.group, x.tickets]),
        };
      }
      return tableResult(t, query.format);
    },
  }),
];
