// Bills written off = the customer-bad-debt expense account: every write-off posts exactly once.
import { balanceOf, registerInvariant } from '../ledger/index.ts';

export function registerCreditInvariants(): void {
  registerInvariant({
    name: 'credit.written-off-equals-bad-debt',
    run: async (db) => {
      const row = await db('credit_bills').sum({ s: 'written_off' }).first();
      const billed = row?.s == null ? 0n : BigInt(row.s as string | bigint);
      const ledger = await balanceOf(db, 'customer-bad-debt');
      return billed === ledger ? [] : [`bills written off ${billed} fen, customer-bad-debt ${ledger} fen`];
    },
  });
}
