// Bills, ageing, grades and write-offs of debit accounts (thin: validate → service → map).
import type { Knex } from 'knex';
import { z } from 'zod';
import type { RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { idParam, isoDate, positiveFen } from '../../platform/http/schemas.ts';
import { getCustomer } from '../customers/index.ts';
import { billCsv, billPdf } from './bill-docs.ts';
import { billLines, billsOfAccount, getBill } from './bills.ts';
import { decideUpgrade, gradeOf, proposeUpgrade } from './grades.ts';
import { decideWriteOff, proposeWriteOff } from './write-offs.ts';
import { ageingReport, gradeReviewList, writeOffList } from './review.ts';
import {
  ageingJson,
  ageingRowJson,
  billJson,
  gradeJson,
  gradeRowJson,
  lineJson,
  writeOffJson,
  writeOffRowJson,
} from './responses.ts';

const READ = ['clerk', 'supervisor', 'finance', 'auditor'] as const;
// account managers read the bills of their own portfolio's customers (portfolio decides, through a
// hook wired in src/modules/reactions.ts: portfolio imports credit, not the other way round)
const BILL_READ = [...READ, 'account-manager'] as const;
type BillScope = (db: Knex, ctx: RequestContext, customerId: bigint) => Promise<void>;
let billScope: BillScope = async (_db, ctx) => {
  if (ctx.actor.role === 'account-manager') throw new AppError('forbidden', 'no portfolio scope is wired');
};
export function scopeBillsBy(fn: BillScope): void {
  billScope = fn;
}
async function readableBill(ctx: RequestContext, billId: bigint) {
  const bill = await getBill(ctx.db, billId);
  await billScope(ctx.db, ctx, bill.customerId);
  return bill;
}
const accountParams = z.strictObject({ accountId: idParam });
const billParams = z.strictObject({ billId: idParam });
const writeOffParams = z.strictObject({ writeOffId: idParam });
const note = z.string().trim().min(5, 'a note of at least 5 characters is required').max(500);

export const creditRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/accounts/:accountId/bills',
    tag: 'credit',
    roles: READ,
    summary: "A debit account's monthly bills, newest first: period, due date, amount, paid, written off, outstanding",
    params: accountParams,
    response: z.object({ bills: z.array(billJson) }),
    handler: async (ctx, { params }) => ok({ bills: await billsOfAccount(ctx.db, params.accountId) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/bills/:billId',
    tag: 'credit',
    roles: BILL_READ,
    summary: "A bill with its lines by vehicle (plate, trips, amount); an account manager's own customers only",
    params: billParams,
    response: z.object({ bill: billJson, lines: z.array(lineJson) }),
    handler: async (ctx, { params }) =>
      ok({ bill: await readableBill(ctx, params.billId), lines: await billLines(ctx.db, params.billId) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/bills/:billId/document',
    tag: 'credit',
    roles: BILL_READ,
    summary: "A bill as a file: format=pdf (default) or csv; an account manager's own customers only",
    params: billParams,
    query: z.strictObject({ format: z.enum(['pdf', 'csv']).default('pdf') }),
    produces: ['application/pdf', 'text/csv'],
    handler: async (ctx, { params, query }) => {
      const bill = await readableBill(ctx, params.billId);
      const lines = await billLines(ctx.db, params.billId);
      const name = `bill-${bill.id}-${bill.periodStart.slice(0, 7)}`;
      if (query.format === 'csv')
        return {
          raw: billCsv(bill, lines),
          contentType: 'text/csv; charset=utf-8',
          headers: { 'Content-Disposition': `attachment; filename="${name}.csv"` },
        };
      const customer = await getCustomer(ctx.db, bill.customerId);
      return {
        raw: await billPdf(bill, lines, customer.name),
        contentType: 'application/pdf',
        headers: { 'Content-Disposition': `attachment; filename="${name}.pdf"` },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/credit/ageing',
    tag: 'credit',
    roles: ['finance', 'supervisor', 'auditor'],
    summary:
      "Overdue ageing of open bills at a date (default today): per customer account (with the customer's name) and in total, by bucket",
    query: z.strictObject({ at: isoDate.optional() }),
    response: z.object({ at: z.string(), rows: z.array(ageingRowJson), total: ageingJson }),
    handler: async (ctx, { query }) => {
      const at = query.at ? new Date(`${query.at}T23:59:59Z`) : ctx.app.clock.now();
      return ok({ at: at.toISOString().slice(0, 10), ...(await ageingReport(ctx.db, at)) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/credit/grades',
    tag: 'credit',
    roles: ['finance', 'supervisor', 'auditor'],
    summary:
      'Debit accounts to review: graded below A or with an upgrade awaiting approval (those first), with the customer',
    response: z.object({ accounts: z.array(gradeRowJson) }),
    handler: async (ctx) => ok({ accounts: await gradeReviewList(ctx.db) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/accounts/:accountId/credit-grade',
    tag: 'credit',
    roles: READ,
    summary: "A debit account's credit grade (A best … D) and its history: warnings, downgrades, upgrades",
    params: accountParams,
    response: gradeJson,
    handler: async (ctx, { params }) => ok(await gradeOf(ctx.db, params.accountId)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/accounts/:accountId/credit-grade/upgrade',
    tag: 'credit',
    roles: ['supervisor', 'finance'],
    summary: 'After a review, propose raising the grade by one (409 upgrade-not-allowed at A or with one pending)',
    params: accountParams,
    body: z.strictObject({ note }),
    response: gradeJson,
    handler: async (ctx, { params, body }) => ok(await proposeUpgrade(ctx.db, ctx, params.accountId, body.note)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/accounts/:accountId/credit-grade/upgrade/decision',
    tag: 'credit',
    roles: ['supervisor'],
    summary: 'Approve or reject the pending upgrade; not by its proposer (409 write-off-four-eyes)',
    params: accountParams,
    body: z.strictObject({ decision: z.enum(['approve', 'reject']), note }),
    response: gradeJson,
    handler: async (ctx, { params, body }) =>
      ok(await decideUpgrade(ctx.db, ctx, params.accountId, body.decision === 'approve', body.note)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/bills/:billId/write-offs',
    tag: 'credit',
    roles: ['finance'],
    summary: "Propose writing off (part of) an open bill's outstanding amount as bad debt, with a reason",
    params: billParams,
    body: z.strictObject({ amount: positiveFen, reason: note }),
    response: z.object({ writeOff: writeOffJson }),
    status: 201,
    handler: async (ctx, { params, body }) =>
      ok({ writeOff: await proposeWriteOff(ctx.db, ctx, params.billId, body) }, 201),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/credit/write-offs',
    tag: 'credit',
    roles: ['finance', 'supervisor', 'auditor'],
    summary: "Write-offs, newest first, optionally by state, with the bill's customer, period and outstanding amount",
    query: z.strictObject({ state: z.enum(['proposed', 'approved-once', 'posted', 'rejected']).optional() }),
    response: z.object({ writeOffs: z.array(writeOffRowJson) }),
    handler: async (ctx, { query }) => ok({ writeOffs: await writeOffList(ctx.db, query.state) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/credit/write-offs/:writeOffId/decision',
    tag: 'credit',
    roles: ['finance', 'supervisor'],
    moneyMoving: true,
    summary:
      'Approve or reject a write-off. Two approvals by two people other than the proposer (409 write-off-four-eyes); the second posts it to customer-bad-debt',
    params: writeOffParams,
    body: z.strictObject({ decision: z.enum(['approve', 'reject']) }),
    response: z.object({ writeOff: writeOffJson }),
    handler: async (ctx, { params, body }) =>
      ok({ writeOff: await decideWriteOff(ctx.db, ctx, params.writeOffId, body.decision) }),
  }),
];
