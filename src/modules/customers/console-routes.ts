// Console reads of the customers module: an account's statement (JSON for the console, CSV and PDF
// for the customer).
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import {
  dateOut,
  fenOut,
  idOut,
  idParam,
  instantOut,
  isoDate,
  limit,
  offset,
  pageOut,
} from '../../platform/http/schemas.ts';
import { accountStatement, statementCsv, statementPeriod } from './statement.ts';
import { statementPdf } from './statement-pdf.ts';

const HALL_READ = ['clerk', 'supervisor', 'auditor'] as const;

export const statementResponse = z.strictObject({
  account: z.strictObject({
    id: idOut,
    customerId: idOut,
    kind: z.enum(['prepaid', 'debit']),
    creditLimit: fenOut,
    status: z.enum(['open', 'closed']),
  }),
  customer: z.strictObject({
    id: idOut,
    kind: z.enum(['personal', 'corporate']),
    name: z.string(),
    idNumberMask: z.string().nullable(),
    phoneMask: z.string().nullable(),
  }),
  from: dateOut,
  to: dateOut,
  // customer's side: positive = money held for the customer, negative = owed (debit accounts)
  openingBalance: fenOut,
  closingBalance: fenOut,
  totalIn: fenOut,
  totalOut: fenOut,
  // movements in the whole period (the page holds some of them)
  count: z.number().int(),
  movements: z.array(
    z.strictObject({
      entryId: idOut,
      at: instantOut,
      kind: z.string(),
      reference: z.string(),
      memo: z.string().nullable(),
      actor: z.string(),
      amount: fenOut,
      balance: fenOut,
    }),
  ),
  page: pageOut,
});

const statementQuery = z
  .strictObject({
    from: isoDate.optional(),
    to: isoDate.optional(),
    format: z.enum(['json', 'csv', 'pdf']).default('json'),
    limit,
    offset,
  })
  .superRefine((q, c) => {
    if (q.from && q.to && q.from > q.to)
      c.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });

export const customerConsoleRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/accounts/:accountId/statement',
    tag: 'customers',
    roles: HALL_READ,
    summary:
      'An account statement for a period of local days (from, to inclusive; default this month): opening balance, movements with running balance, closing balance. format=csv or pdf gives the whole period as a file',
    params: z.strictObject({ accountId: idParam }),
    query: statementQuery,
    response: statementResponse,
    handler: async (ctx, { params, query }) => {
      const period = statementPeriod(ctx.app.clock.now(), query.from, query.to);
      if (query.format === 'json') {
        const s = await accountStatement(ctx.db, params.accountId, period, query);
        return ok({
          account: {
            id: s.account.id,
            customerId: s.account.customerId,
            kind: s.account.kind,
            creditLimit: s.account.creditLimit,
            status: s.account.status,
          },
          customer: {
            id: s.customer.id,
            kind: s.customer.kind,
            name: s.customer.name,
            idNumberMask: s.customer.idNumberMask,
            phoneMask: s.customer.phoneMask,
          },
          from: s.from,
          to: s.to,
          openingBalance: s.openingBalance,
          closingBalance: s.closingBalance,
          totalIn: s.totalIn,
          totalOut: s.totalOut,
          count: s.count,
          movements: s.movements,
          page: { limit: query.limit, offset: query.offset, hasMore: query.offset + s.movements.length < s.count },
        });
      }
      const s = await accountStatement(ctx.db, params.accountId, period, null);
      const name = `statement-${s.account.id}-${s.from}-${s.to}`;
      return query.format === 'csv'
        ? {
            raw: statementCsv(s),
            contentType: 'text/csv; charset=utf-8',
            headers: { 'Content-Disposition': `attachment; filename="${name}.csv"` },
          }
        : {
            raw: await statementPdf(s),
            contentType: 'application/pdf',
            headers: { 'Content-Disposition': `attachment; filename="${name}.pdf"` },
          };
    },
  }),
];
