// The ledger's chart of accounts. System accounts are created at bootstrap; per-customer and
// per-bank accounts are created on demand by the modules that own those parties.
import type { Knex } from 'knex';

export type AccountKind = 'asset' | 'liability' | 'revenue' | 'expense' | 'equity';

export const SYSTEM_ACCOUNTS: ReadonlyArray<{ code: string; name: string; kind: AccountKind }> = [
  { code: 'counter-cash', name: 'Service-hall counter cash', kind: 'asset' },
  { code: 'counter-pos', name: 'Service-hall card terminal receipts', kind: 'asset' },
  { code: 'purse-float', name: 'Money on stored-value card purses', kind: 'liability' },
  { code: 'loads-in-flight', name: 'Online loads authorised, not yet confirmed or reversed', kind: 'liability' },
  { code: 'balance-carry', name: 'Purse balances carried to successor cards, not yet loaded', kind: 'liability' },
  { code: 'refunds-payable', name: 'Refunds approved, to be paid by bank transfer', kind: 'liability' },
  { code: 'fee-revenue', name: 'Card and OBU fees (list price)', kind: 'revenue' },
  { code: 'discounts', name: 'Discounts granted on fees', kind: 'expense' },
  // tolls of accepted lane transactions, held until the clearing day moves them to operator payables
  // (operator-payable:<operator id>, created per operator by clearing with ensureAccounts)
  { code: 'toll-revenue-clearing', name: 'Tolls collected, not yet split to road operators', kind: 'liability' },
  // the centre's clearing bank account: provinces' net settlements in and out, road operators' payouts out
  { code: 'clearing-bank', name: 'Clearing bank account (province settlements, operator payouts)', kind: 'asset' },
  // disputed interchange transactions this centre, as issuer, decided to pay without a card account to charge
  { code: 'interchange-dispute-cost', name: 'Disputed interchange transactions paid by the centre', kind: 'expense' },
  // debit-account bills written off as uncollectable (credit), with two approvals
  { code: 'customer-bad-debt', name: 'Customer bills written off as bad debt', kind: 'expense' },
];

export const customerFundsCode = (accountId: bigint | string) => `customer-funds:${accountId}`;
export const bankSettlementCode = (bank: string) => `bank-settlement:${bank}`;
// clearing: what a road operator is owed, and what another province owes us / we owe it
export const operatorPayableCode = (operatorId: string) => `operator-payable:${operatorId}`;
export const provinceReceivableCode = (network: string) => `province-receivable:${network}`;
export const provincePayableCode = (network: string) => `province-payable:${network}`;
export const CLEARING_BANK = 'clearing-bank';

// The counterpart accounts as ensureAccounts takes them: one name for each, wherever it is created.
export type AccountSpec = { code: string; name: string; kind: AccountKind };
export const operatorPayableAccount = (operatorId: string): AccountSpec => ({
  code: operatorPayableCode(operatorId),
  name: `Payable to road operator ${operatorId}`,
  kind: 'liability',
});
export const provinceReceivableAccount = (network: string): AccountSpec => ({
  code: provinceReceivableCode(network),
  name: `Receivable from province ${network}`,
  kind: 'asset',
});
export const provincePayableAccount = (network: string): AccountSpec => ({
  code: provincePayableCode(network),
  name: `Payable to province ${network}`,
  kind: 'liability',
});

export async function ensureAccounts(
  db: Knex,
  accounts: ReadonlyArray<{ code: string; name: string; kind: AccountKind }>,
): Promise<void> {
  if (accounts.length === 0) return;
  await db('ledger_accounts')
    .insert(accounts.map((a) => ({ code: a.code, name: a.name, kind: a.kind })))
    .onConflict('code')
    .ignore();
}

export async function ensureSystemAccounts(db: Knex): Promise<void> {
  await ensureAccounts(db, SYSTEM_ACCOUNTS);
}

export async function accountIdsByCode(db: Knex, codes: string[]): Promise<Map<string, bigint>> {
  const rows = await db('ledger_accounts')
    .whereIn('code', [...new Set(codes)])
    .select('id', 'code');
  return new Map(rows.map((r) => [r.code as string, r.id as bigint]));
}

// Balance = Σ postings (debit positive), read from the running balance the database keeps with
// every posting (ledger_balances, a few stripes per account: migration 0180); the invariant check
// proves it equals the sum of the postings.
export async function balanceOf(db: Knex, code: string): Promise<bigint> {
  return (await balancesOf(db, [code])).get(code) ?? 0n;
}

// Balances of many accounts in one statement (lane ingest checks every debit account a batch
// charged); an unknown code is absent, an account without postings is 0.
export async function balancesOf(db: Knex, codes: string[]): Promise<Map<string, bigint>> {
  if (codes.length === 0) return new Map();
  const { rows } = await db.raw(
    `select a.code, coalesce((select sum(b.balance) from ledger_balances b where b.account_id = a.id), 0)::bigint as balance
       from ledger_accounts a where a.code = any(?::text[])`,
    [[...new Set(codes)]],
  );
  return new Map(rows.map((r: { code: string; balance: bigint }) => [r.code, BigInt(r.balance)]));
}

export async function balancesByPrefix(db: Knex, prefix: string): Promise<Array<{ code: string; balance: bigint }>> {
  const rows = await db('ledger_accounts as a')
    .leftJoin('ledger_balances as b', 'b.account_id', 'a.id')
    .where('a.code', 'like', `${prefix.replace(/[%_]/g, '\\$&')}%`)
    .groupBy('a.code')
    .select('a.code', db.raw('coalesce(sum(b.balance), 0)::bigint as balance'))
    .orderBy('a.code');
  return rows.map((r: { code: string; balance: bigint }) => ({ code: r.code, balance: BigInt(r.balance) }));
}
