// What other modules plug into corporate without corporate importing them (wired in
// src/modules/reactions.ts): the open-bill matcher (credit's bills), watchers of corporate credits
// (credit pays bills from them), and matchers of statement lines that are not corporate transfers
// (finance: a bank paying for branch loads, a refund coming back).
import type { Knex } from 'knex';

export type OpenBillMatch = { customerId: string; accountId: string; billId: string };
export type OpenBillMatcher = (trx: Knex.Transaction, amountFen: bigint) => Promise<OpenBillMatch[]>;

export type CorporateCredit = {
  accountId: string;
  customerId: string;
  amountFen: bigint;
  source: 'transfer' | 'suspense-assignment';
  reference: string;
  at: Date;
};
export type CorporateCreditWatcher = (trx: Knex.Transaction, c: CorporateCredit) => Promise<void>;

/** A statement line as a registered matcher sees it. `reference` (bank:serial) is unique and is the
 *  journal reference a matcher should post under. */
export type StatementLineView = {
  bank: string;
  serial: string;
  reference: string;
  bookedAt: Date;
  direction: 'credit' | 'debit';
  amountFen: bigint;
  businessReference: string;
  purpose: string;
  payerAccount: string;
  payerName: string;
};
/** Claims a line (and moves its money itself, in trx) by answering { note }; null leaves it. */
export type StatementMatcher = (trx: Knex.Transaction, line: StatementLineView) => Promise<{ note?: string } | null>;

let openBillMatcher: OpenBillMatcher | null = null;
const creditWatchers: CorporateCreditWatcher[] = [];
const statementMatchers = new Map<string, StatementMatcher>();

/** Sets the bill matcher; returns the one it replaces (a test puts it back). */
export function provideOpenBillMatcher(fn: OpenBillMatcher | null): OpenBillMatcher | null {
  const was = openBillMatcher;
  openBillMatcher = fn;
  return was;
}
export function watchCorporateCredits(fn: CorporateCreditWatcher): () => void {
  creditWatchers.push(fn);
  return () => {
    const i = creditWatchers.indexOf(fn);
    if (i >= 0) creditWatchers.splice(i, 1);
  };
}
export function registerStatementMatcher(name: string, fn: StatementMatcher): () => void {
  if (!/^[a-z][a-z0-9-]{1,31}$/.test(name)) throw new Error(`statement matcher name ${name}`);
  statementMatchers.set(name, fn);
  return () => {
    if (statementMatchers.get(name) === fn) statementMatchers.delete(name);
  };
}

export async function matchOpenBill(trx: Knex.Transaction, amountFen: bigint): Promise<OpenBillMatch[]> {
  return openBillMatcher ? openBillMatcher(trx, amountFen) : [];
}
export async function creditWatched(trx: Knex.Transaction, c: CorporateCredit): Promise<void> {
  for (const w of creditWatchers) await w(trx, c);
}
export const hasCreditWatchers = () => creditWatchers.length > 0;
export const registeredMatchers = (): Array<[string, StatementMatcher]> => [...statementMatchers];
