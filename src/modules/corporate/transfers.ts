// Importing a bank statement of the collection account and matching its lines, in one transaction:
// lines already stored (bank + serial) are skipped; each new line is offered to the registered
// matchers first, then (money in) matched by payment reference, by a payer account learned from an
// earlier assignment, by exact amount against one open corporate bill; what is left goes to suspense
// with a finance exception. A match credits the customer's account (clearing-bank → customer funds),
// suspense credits corporate-transfers-suspense, each line one balanced entry.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/http/errors.ts';
import { raiseExceptions } from '../finance/index.ts';
import { CLEARING_BANK, customerFundsCode, ensureAccounts, postEntries, type EntryInput } from '../ledger/index.ts';
import { getAccountOfCustomer, getCustomer } from '../customers/index.ts';
import { creditWatched, matchOpenBill, registeredMatchers, type StatementLineView } from './hooks.ts';
import { customersByReference, referencesIn } from './payment-references.ts';
import { parseStatement, type ParsedLine, type StatementFormat } from './statement-formats.ts';
import { insertLines, summaryOf, type Decided, type ImportSummary } from './statement-store.ts';

export { getImport, type ImportSummary, type LineStatus } from './statement-store.ts';

export const SUSPENSE = 'corporate-transfers-suspense';
export const SUSPENSE_ACCOUNT = {
  code: SUSPENSE,
  name: 'Corporate transfers received, not yet assigned to a customer',
  kind: 'liability' as const,
};
export const lineReference = (bank: string, serial: string) => `${bank}:${serial}`;

const viewOf = (l: ParsedLine): StatementLineView => ({
  bank: l.bank,
  serial: l.serial,
  reference: lineReference(l.bank, l.serial),
  bookedAt: l.bookedAt,
  direction: l.direction,
  amountFen: l.amount,
  businessReference: l.businessReference,
  purpose: l.purpose,
  payerAccount: l.payerAccount,
  payerName: l.payerName,
});

// Which customers may take money: an active corporate customer with an open account
async function creditable(trx: Knex, customerIds: bigint[]): Promise<Map<string, { accountId: bigint } | string>> {
  const out = new Map<string, { accountId: bigint } | string>();
  for (const id of new Set(customerIds.map(String))) {
    const c = await getCustomer(trx, BigInt(id));
    if (c.status !== 'active') {
      out.set(id, 'customer-closed');
      continue;
    }
    const a = await getAccountOfCustomer(trx, BigInt(id));
    if (a.status !== 'open') out.set(id, 'account-closed');
    else out.set(id, { accountId: a.id });
  }
  return out;
}

async function decide(trx: Knex.Transaction, fresh: ParsedLine[]): Promise<Decided[]> {
  const matchers = registeredMatchers();
  const out: Decided[] = [];
  const pending: Decided[] = [];
  for (const l of fresh) {
    const d: Decided = {
      ...l,
      status: 'suspense',
      matchedBy: null,
      customerId: null,
      accountId: null,
      billId: null,
      note: null,
    };
    out.push(d);
    let claimed = false;
    for (const [name, fn] of matchers) {
      const r = await fn(trx, viewOf(l));
      if (r) {
        Object.assign(d, { status: 'claimed', matchedBy: name, note: r.note ?? null });
        claimed = true;
        break;
      }
    }
    if (claimed) continue;
    if (l.direction === 'debit') d.status = 'outgoing';
    else pending.push(d);
  }
  // 1. payment reference in the purpose or business reference
  const refsOf = new Map<Decided, string[]>();
  for (const d of pending) refsOf.set(d, referencesIn(`${d.purpose} ${d.businessReference}`));
  const refs = await customersByReference(trx, [...new Set([...refsOf.values()].flat())]);
  // 2. payer accounts learned from assignments
  const payers = [...new Set(pending.map((d) => d.payerAccount).filter((p) => p !== ''))];
  const learned = new Map<string, bigint>();
  for (let i = 0; i < payers.length; i += 5000) {
    const rows = await trx('corporate_payer_accounts').whereIn('payer_account', payers.slice(i, i + 5000));
    for (const r of rows) learned.set(r.payer_account, BigInt(r.customer_id));
  }
  const candidates: bigint[] = [...[...refs.values()].map((r) => r.customerId), ...learned.values()];
  const ok = await creditable(trx, candidates);
  for (const d of pending) {
    const found = [
      ...new Set((refsOf.get(d) ?? []).map((r) => refs.get(r)?.customerId).filter((x) => x !== undefined)),
    ];
    let customerId: bigint | null = null;
    let how: string | null = null;
    if (found.length > 1) {
      d.note = 'ambiguous-reference';
      continue;
    }
    if (found.length === 1) [customerId, how] = [found[0] as bigint, 'reference'];
    else if (learned.has(d.payerAccount)) [customerId, how] = [learned.get(d.payerAccount) as bigint, 'learned-payer'];
    if (customerId !== null) {
      const state = ok.get(String(customerId));
      if (typeof state === 'string' || !state) {
        // the customer it names is kept on the line for finance, the money waits in suspense
        d.customerId = customerId;
        d.note = typeof state === 'string' ? state : 'account-closed';
        continue;
      }
      Object.assign(d, { status: 'matched', matchedBy: how, customerId, accountId: state.accountId });
      continue;
    }
    // 3. exactly one open corporate bill of this amount
    const bills = await matchOpenBill(trx, d.amount);
    if (bills.length === 1) {
      Object.assign(d, {
        status: 'matched',
        matchedBy: 'open-bill',
        customerId: BigInt(bills[0].customerId),
        accountId: BigInt(bills[0].accountId),
        billId: bills[0].billId,
      });
    } else d.note = bills.length > 1 ? 'ambiguous-bills' : 'no-match';
  }
  return out;
}

export async function importStatement(
  db: Knex,
  at: Date,
  actor: { label: string; ctx?: Parameters<typeof audit>[1] },
  file: { format: StatementFormat; fileName: string; content: Buffer },
): Promise<ImportSummary> {
  const lines = parseStatement(file.format, file.content);
  const banks = [...new Set(lines.map((l) => l.bank))];
  if (banks.length > 1)
    throw new AppError(
      'statement-malformed',
      `line ${lines[0].lineNo}: one bank per file (found ${banks.join(', ')})`,
      'file',
    );
  const bank = banks[0] ?? (file.format === 'cmb-xml' ? 'CMB' : file.format === 'icbc-fixed' ? 'ICBC' : 'CSV');
  const sha = createHash('sha256').update(file.content).digest();
  return inTransaction(db, async (trx) => {
    const [imp] = await trx('corporate_statement_imports')
      .insert({
        bank,
        format: file.format,
        file_name: file.fileName,
        file_sha256: sha,
        imported_at: at,
        imported_by: actor.label,
        line_count: lines.length,
        new_lines: 0,
      })
      .onConflict('file_sha256')
      .ignore()
      .returning('*');
    if (!imp) {
      const had = await trx('corporate_statement_imports').where({ file_sha256: sha }).first();
      return summaryOf(trx, had, true);
    }
    // lines stored by an earlier (overlapping) file are skipped
    const known = new Set<string>();
    for (let i = 0; i < lines.length; i += 5000) {
      const part = lines.slice(i, i + 5000);
      const { rows } = await trx.raw(
        `select serial from corporate_statement_lines where bank = ? and serial = any(?::text[])`,
        [bank, part.map((l) => l.serial)],
      );
      for (const r of rows) known.add(r.serial);
    }
    const decided = await decide(
      trx,
      lines.filter((l) => !known.has(l.serial)),
    );
    const ids = await insertLines(trx, imp.id, at, actor.label, decided);
    await trx('corporate_statement_imports').where({ id: imp.id }).update({ new_lines: decided.length });
    await ensureAccounts(trx, [SUSPENSE_ACCOUNT]);
    const entries: EntryInput[] = [];
    for (const d of decided) {
      if (d.status !== 'matched' && d.status !== 'suspense') continue;
      entries.push({
        kind: d.status === 'matched' ? 'corporate-transfer' : 'corporate-transfer-suspense',
        reference: lineReference(d.bank, d.serial),
        memo:
          d.status === 'matched'
            ? `transfer for customer ${d.customerId} (${d.matchedBy})`
            : `transfer to suspense: ${d.note}`,
        actor: actor.label,
        postings: [
          { account: CLEARING_BANK, amount: d.amount },
          { account: d.status === 'matched' ? customerFundsCode(d.accountId as bigint) : SUSPENSE, amount: -d.amount },
        ],
      });
    }
    await postEntries(trx, entries);
    // in parts: one statement per part stays within PostgreSQL's 65,535 parameters
    const unmatched = decided.filter((d) => d.status === 'suspense');
    for (let i = 0; i < unmatched.length; i += 5000)
      await raiseExceptions(
        trx,
        at,
        unmatched.slice(i, i + 5000).map((d) => ({
          kind: 'corporate-transfer-unmatched' as const,
          reference: lineReference(d.bank, d.serial),
          source: 'corporate',
          amount: d.amount,
          detail: { lineId: ids.get(d.serial), reason: d.note, payerName: d.payerName },
        })),
      );
    for (const d of decided)
      if (d.status === 'matched')
        await creditWatched(trx, {
          accountId: String(d.accountId),
          customerId: String(d.customerId),
          amountFen: d.amount,
          source: 'transfer',
          reference: lineReference(d.bank, d.serial),
          at,
        });
    if (actor.ctx)
      await audit(trx, actor.ctx, {
        action: 'corporate.statement-import',
        entity: 'corporate_statement_import',
        entityId: imp.id,
        detail: { fileName: file.fileName, lines: lines.length, new: decided.length },
      });
    return summaryOf(trx, { ...imp, new_lines: decided.length }, false);
  });
}
