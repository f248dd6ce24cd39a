// Rows for the approved personal-data exports (the exports module asks for them a page at a time,
// after the four-eyes approval): the customer list, masked or with ID numbers and phones opened,
// and an account's statement with its customer. Nothing here checks approval: callers do.
import type { Knex } from 'knex';
import type { SoftwareHsm } from '../keys/index.ts';
import { accountPostings, customerFundsCode } from '../ledger/index.ts';
import { openPii } from './pii.ts';

export type CustomerListFilter = { kind?: 'personal' | 'corporate'; namePrefix?: string; status?: 'active' | 'closed' };

export const CUSTOMER_EXPORT_COLUMNS = [
  'customer_id',
  'kind',
  'name',
  'id_type',
  'id_number',
  'phone',
  'registration_number',
  'contact_person',
  'address',
  'tier',
  'status',
  'created_at',
] as const;

export type ExportRow = { key: bigint; cells: Array<string | number | bigint | null> };

/** Customers in id order after `afterId`; `full` opens ID numbers and phones, otherwise masks. */
export async function customerExportPage(
  db: Knex,
  hsm: SoftwareHsm,
  filter: CustomerListFilter,
  full: boolean,
  afterId: bigint,
  limit: number,
): Promise<ExportRow[]> {
  const q = db('customers').where('id', '>', String(afterId));
  if (filter.kind) q.where({ kind: filter.kind });
  if (filter.status) q.where({ status: filter.status });
  if (filter.namePrefix)
    q.whereRaw(`lower(name) like ? escape '\\'`, [filter.namePrefix.toLowerCase().replace(/[\\%_]/g, '\\$&') + '%']);
  const rows = await q.orderBy('id').limit(limit);
  return rows.map((r: Record<string, any>) => ({
    key: BigInt(r.id),
    cells: [
      r.id,
      r.kind,
      r.name,
      r.id_type,
      full ? openPii(hsm, r.id_number_sealed) : r.id_number_mask,
      full ? openPii(hsm, r.phone_sealed) : r.phone_mask,
      r.registration_number,
      r.contact_person,
      r.address,
      r.tier,
      r.status,
      (r.created_at as Date).toISOString(),
    ],
  }));
}

export const STATEMENT_EXPORT_COLUMNS = [
  'account_id',
  'customer_id',
  'customer_name',
  'posting_id',
  'at',
  'entry_kind',
  'reference',
  'memo',
  'amount_fen',
  'balance_fen',
] as const;

/** An account's statement from its ledger postings, from the customer's side (positive = money
 *  held for the customer), each line with the balance after it. */
export async function statementExportPage(
  db: Knex,
  account: { id: bigint; customerId: bigint },
  customerName: string,
  afterPostingId: bigint,
  limit: number,
): Promise<ExportRow[]> {
  const postings = await accountPostings(db, customerFundsCode(account.id), afterPostingId, limit);
  return postings.map((p) => ({
    key: p.postingId,
    cells: [
      account.id,
      account.customerId,
      customerName,
      p.postingId,
      p.at.toISOString(),
      p.kind,
      p.reference,
      p.memo,
      -p.amount,
      -p.balance,
    ],
  }));
}
