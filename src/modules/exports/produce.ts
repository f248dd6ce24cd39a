// Producing an approved export as CSV, a page of rows at a time, so that a list of every customer
// is streamed with one page in memory. What can fail (the account or its customer gone) is looked
// up before the first byte, so a failure is an ordinary error answer.
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { CSV_CONTENT_TYPE, csvLine } from '../../platform/http/csv.ts';
import type { RouteResult } from '../../platform/http/route.ts';
import type { SoftwareHsm } from '../keys/index.ts';
import {
  CUSTOMER_EXPORT_COLUMNS,
  customerExportPage,
  getAccount,
  getCustomer,
  STATEMENT_EXPORT_COLUMNS,
  statementExportPage,
  type CustomerListFilter,
  type ExportRow,
} from '../customers/index.ts';
import type { ExportRequest } from './requests.ts';

const PAGE = 1000;

async function* csv(headers: readonly string[], page: (after: bigint) => Promise<ExportRow[]>) {
  yield csvLine([...headers]);
  let after = 0n;
  for (;;) {
    const rows = await page(after);
    for (const r of rows) yield csvLine(r.cells);
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1].key;
  }
}

export async function exportResult(db: Knex, hsm: SoftwareHsm, req: ExportRequest): Promise<RouteResult> {
  let lines: AsyncGenerator<string>;
  if (req.kind === 'customers') {
    const filter = req.parameters as CustomerListFilter;
    const full = req.pii === 'full';
    lines = csv(CUSTOMER_EXPORT_COLUMNS, (after) => customerExportPage(db, hsm, filter, full, after, PAGE));
  } else {
    const account = await getAccount(db, BigInt(req.parameters.accountId as string));
    const customer = await getCustomer(db, account.customerId);
    lines = csv(STATEMENT_EXPORT_COLUMNS, (after) => statementExportPage(db, account, customer.name, after, PAGE));
  }
  return {
    stream: Readable.from(lines),
    contentType: CSV_CONTENT_TYPE,
    headers: {
      'Content-Disposition': `attachment; filename="export-${req.id}-${req.kind}.csv"`,
      'Cache-Control': 'no-store',
    },
  };
}
