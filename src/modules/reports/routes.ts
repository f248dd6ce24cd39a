// Finance's read model over HTTP: the Today figures, the reports (JSON, CSV, XLSX; a file leaving
// the centre is audited), and the clearing days of a range. Read only: no route here changes data
// other than its own audit row.
import { z } from 'zod';
import { audit } from '../../platform/audit/audit.ts';
import { addDays, localDate } from '../../platform/clock/clock.ts';
import type { Role } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { isoDate } from '../../platform/http/schemas.ts';
import { CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE } from '../../platform/http/csv.ts';
import { sheetResult } from '../settlement/index.ts';
import { isReport, REPORT_NAMES, REPORTS, totalsOf, type ReportName } from './catalogue.ts';
import { clearingDayList } from './clearing-days.ts';
import { MAX_RANGE_DAYS, rangeDays } from './days.ts';
import { clearingDayListResponse, reportListResponse, reportResponse, todayResponse } from './responses.ts';
import { todayFigures } from './today.ts';

const READERS: Role[] = ['finance', 'auditor', 'supervisor'];

const range = {
  from: isoDate,
  to: isoDate,
};
function checkRange(q: { from: string; to: string }, ctx: z.RefinementCtx) {
  if (q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  else if (rangeDays(q.from, q.to) > MAX_RANGE_DAYS)
    ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_RANGE_DAYS} days from from` });
}
const rangeQuery = z.strictObject(range).superRefine(checkRange);
const exportQuery = z.strictObject({ ...range, format: z.enum(['csv', 'xlsx']) }).superRefine(checkRange);
const reportParams = z.strictObject({ report: z.string().max(60) });

function reportOf(name: string): ReportName {
  if (!isReport(name))
    throw new AppError('report-not-found', `no report ${name}; reports: ${REPORT_NAMES.join(', ')}`, 'report');
  return name;
}

export const reportsRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/reports',
    tag: 'reports',
    roles: READERS,
    summary: 'The reports there are, with their columns',
    response: reportListResponse,
    handler: async () => ok({ reports: REPORT_NAMES.map((report) => ({ report, columns: REPORTS[report].columns })) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/reports/today',
    tag: 'reports',
    roles: READERS,
    summary:
      "A day's and the day before's figures (default: yesterday): money in by channel, lane revenue by operator and source, traffic, the float, provinces' receivables and payables at the day's end; open exceptions by kind and age; 30 days of revenue per operator and per source",
    query: z.strictObject({ date: isoDate.optional() }),
    response: todayResponse,
    handler: async (ctx, { query }) => {
      const now = ctx.app.clock.now();
      return ok(await todayFigures(ctx.db, query.date ?? addDays(localDate(now), -1), now));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/reports/:report',
    tag: 'reports',
    roles: READERS,
    summary: `A report over local days [from, to] (at most ${MAX_RANGE_DAYS}): daily-operations, monthly-revenue, province-settlements, customers-cards (as at the end of to), bank-channel; its columns, rows and totals`,
    params: reportParams,
    query: rangeQuery,
    response: reportResponse,
    handler: async (ctx, { params, query }) => {
      const def = REPORTS[reportOf(params.report)];
      const rows = await def.rows(ctx.db, query.from, query.to);
      return ok({ report: params.report, ...query, columns: def.columns, rows, totals: totalsOf(def.columns, rows) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/reports/:report/export',
    tag: 'reports',
    roles: READERS,
    summary:
      'A report as a file (?format=csv|xlsx): a header line of column keys (amounts in integer fen, "_fen"), the rows, a total line; the download is audited',
    params: reportParams,
    query: exportQuery,
    produces: [CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE],
    handler: async (ctx, { params, query }) => {
      const name = reportOf(params.report);
      const def = REPORTS[name];
      const rows = await def.rows(ctx.db, query.from, query.to);
      const totals = totalsOf(def.columns, rows);
      await audit(ctx.db, ctx, {
        action: 'report.export',
        entity: 'report',
        entityId: name,
        detail: { from: query.from, to: query.to, format: query.format, rows: rows.length },
      });
      const fileName = `${name}-${query.from}-${query.to}`;
      return sheetResult(
        {
          name: name.slice(0, 31),
          fileName,
          headers: def.columns.map((c) => (c.kind === 'money' ? `${c.key}_fen` : c.key)),
          rows: [
            ...rows.map((r) => def.columns.map((c) => r[c.key] ?? null)),
            def.columns.map((c, i) => (i === 0 ? 'total' : (totals[c.key] ?? null))),
          ],
        },
        query.format,
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/clearing/days',
    tag: 'clearing',
    roles: ['finance', 'supervisor', 'admin', 'auditor'],
    summary: `The clearing days of [from, to] (at most ${MAX_RANGE_DAYS} days), newest first: steps done, open/running/waiting/cleared, what a waiting day waits for (as its last run found), the mirror check's result`,
    query: rangeQuery,
    response: clearingDayListResponse,
    handler: async (ctx, { query }) => ok({ days: await clearingDayList(ctx.db, query.from, query.to) }),
  }),
];
