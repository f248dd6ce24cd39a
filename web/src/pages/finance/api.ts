// The finance and audit screens' API shapes, inferred from the service's own response schemas, and
// the helpers they share: a file download under the bearer session, and who the signed-in user is
// as the service labels actors (four eyes compares these).
import type { z } from 'zod';
import type { getClearingDaysResponse, postClearingDaysRunResponse } from '@server/modules/clearing/responses.ts';
import type { getFinanceExceptionsResponse } from '@server/modules/finance/responses.ts';
import type {
  getInterchangeDisputesResponse,
  getInterchangeHeldConfirmationsResponse,
} from '@server/modules/interchange/responses.ts';
import type {
  getBankStatementsByStatementIdResponse,
  getBankStatementsResponse,
  getPayoutsResponse,
  getReconciliationResponse,
  getSettlementsResponse,
  postBankStatementsResponse,
} from '@server/modules/settlement/responses.ts';
import type { AuditEntryView } from '@server/modules/audit/query.ts';
import type { getChannelLoadsResponse } from '@server/modules/topup/responses.ts';
import type { getUsersResponse } from '@server/modules/access/responses.ts';
import type { bankSettlementsResponse } from '@server/modules/banks/responses.ts';
import type { slipsResponse, tillClosesResponse } from '@server/modules/treasury/responses.ts';
import type { batchDetailResponse, batchesResponse, refundsResponse } from '@server/modules/payments/responses.ts';
import type {
  clearingDayListResponse,
  reportListResponse,
  reportResponse,
  todayResponse,
} from '@server/modules/reports/responses.ts';
import type { Json } from '../../api/json.ts';
import { ApiError, session } from '../../api/client.ts';

export type ClearingDay = z.infer<typeof getClearingDaysResponse>['day'];
export type ClearingRun = z.infer<typeof postClearingDaysRunResponse>;
export type FinanceException = z.infer<typeof getFinanceExceptionsResponse>['exceptions'][number];
export type Dispute = z.infer<typeof getInterchangeDisputesResponse>['disputes'][number];
export type HeldConfirmations = z.infer<typeof getInterchangeHeldConfirmationsResponse>;
export type HeldConfirmation = HeldConfirmations['confirmations'][number];
export type Settlements = z.infer<typeof getSettlementsResponse>;
export type Settlement = Settlements['settlements'][number];
export type Payouts = z.infer<typeof getPayoutsResponse>;
export type Payout = Payouts['payouts'][number];
export type StatementImports = z.infer<typeof getBankStatementsResponse>;
export type StatementImport = StatementImports['imports'][number];
export type StatementDetail = z.infer<typeof getBankStatementsByStatementIdResponse>;
export type StatementImported = z.infer<typeof postBankStatementsResponse>;
export type ReconciliationItems = z.infer<typeof getReconciliationResponse>;
export type ReconciliationItem = ReconciliationItems['items'][number];
export type AuditEntry = Json<AuditEntryView>;
export type RefundOwed = z.infer<typeof refundsResponse>['refunds'][number];
export type RefundBatch = z.infer<typeof batchesResponse>['batches'][number];
export type RefundBatchDetail = z.infer<typeof batchDetailResponse>;
export type TillClose = z.infer<typeof tillClosesResponse>['tillCloses'][number];
export type DepositSlip = z.infer<typeof slipsResponse>['slips'][number];
export type BankSettlement = z.infer<typeof bankSettlementsResponse>['statements'][number];
export type StaffUser = z.infer<typeof getUsersResponse>['users'][number];
export type LoadEvidence = z.infer<typeof getChannelLoadsResponse>;
export type TodayFigures = z.infer<typeof todayResponse>;
export type TodayDay = TodayFigures['days'][number];
export type ReportTable = z.infer<typeof reportResponse>;
export type ReportList = z.infer<typeof reportListResponse>;
export type ClearingDayListItem = z.infer<typeof clearingDayListResponse>['days'][number];
export type AuditPage = { entries: AuditEntry[]; nextCursor: string | null };

// the signed-in user as the service writes actors ("user:<username>")
export const me = () => `user:${session.user()?.username ?? ''}`;
export const isFinance = () => session.user()?.role === 'finance';

// Files (CSV, XLSX) come from the API under the bearer session, which a plain link cannot carry: the
// file is fetched, then handed to the browser as a saved download under the service's file name.
export async function download(path: string, fallbackName: string): Promise<void> {
  const headers: Record<string, string> = {};
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { headers });
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined;
    throw new ApiError(res.status, body?.error?.code ?? `http-${res.status}`, body?.error?.message ?? res.statusText);
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = decodeURIComponent(name);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// yesterday as a local calendar day of the centre (the last day that can be cleared)
export const localDay = (offsetDays = 0) => {
  const d = new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000);
  return d.toISOString().slice(0, 10);
};
