// A bank's day file against the centre's loads of that day (ICD §1). Lines are matched by load id
// when the bank gives one, else by the bank's reference. Every line that does not match exactly
// becomes a finance exception (idempotent: sending the same file again raises nothing new).
import type { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { RequestContext } from '../../platform/http/context.ts';
import { raiseExceptions, type ExceptionKind } from '../finance/index.ts';
import { loadsOfBankDay, type BankDayLoad } from '../topup/index.ts';
import { draftBankSettlement } from './settlement-statements.ts';

export type BankLine = {
  bankReference: string;
  loadId?: string;
  cardNo: string;
  amount: bigint;
  status: 'confirmed' | 'reversed';
  time: string;
};
type Pair = { bank: BankLine; centre: BankDayLoad };

export type Comparison = {
  date: string;
  matched: number;
  centreOnly: BankDayLoad[];
  bankOnly: BankLine[];
  amountMismatch: Pair[];
  statusMismatch: Pair[];
  exceptions: number;
};

export function compare(date: string, centre: BankDayLoad[], lines: BankLine[]): Omit<Comparison, 'exceptions'> {
  const byId = new Map(centre.map((l) => [l.loadId, l]));
  const byRef = new Map(centre.filter((l) => l.bankReference).map((l) => [l.bankReference as string, l]));
  const used = new Set<string>();
  const out: Omit<Comparison, 'exceptions'> = {
    date,
    matched: 0,
    centreOnly: [],
    bankOnly: [],
    amountMismatch: [],
    statusMismatch: [],
  };
  for (const line of lines) {
    const c = (line.loadId ? byId.get(line.loadId) : undefined) ?? byRef.get(line.bankReference);
    if (!c || used.has(c.loadId)) {
      out.bankOnly.push(line);
      continue;
    }
    used.add(c.loadId);
    if (c.amount !== line.amount) out.amountMismatch.push({ bank: line, centre: c });
    else if (c.status !== line.status) out.statusMismatch.push({ bank: line, centre: c });
    else out.matched++;
  }
  out.centreOnly = centre.filter((l) => !used.has(l.loadId));
  return out;
}

export async function reconcileBankDay(
  db: Knex,
  ctx: RequestContext,
  date: string,
  lines: BankLine[],
  rawBody: Buffer,
): Promise<Comparison> {
  const clientId = ctx.actor.id;
  return inTransaction(db, async (trx) => {
    const centre = await loadsOfBankDay(trx, clientId, date);
    const result = compare(date, centre, lines);
    const now = ctx.app.clock.now();
    const ref = (r: string) => `${clientId}:${date}:${r}`;
    const item = (kind: ExceptionKind, reference: string, amount: bigint, detail: Record<string, unknown>) => ({
      kind,
      reference: ref(reference),
      source: `bank:${clientId}`,
      amount,
      detail: { date, ...detail },
    });
    const raised = await raiseExceptions(trx, now, [
      ...result.centreOnly.map((c) => item('reconciliation-centre-only', c.loadId, c.amount, { centre: c })),
      ...result.bankOnly.map((b) =>
        item('reconciliation-bank-only', b.loadId ?? b.bankReference, b.amount, { bank: b }),
      ),
      ...result.amountMismatch.map((p) =>
        item('reconciliation-amount-mismatch', p.centre.loadId, p.centre.amount, { bank: p.bank, centre: p.centre }),
      ),
      ...result.statusMismatch.map((p) =>
        item('reconciliation-status-mismatch', p.centre.loadId, p.centre.amount, { bank: p.bank, centre: p.centre }),
      ),
    ]);
    await trx('bank_reconciliations').insert({
      client_id: clientId,
      business_date: date,
      received_at: now,
      file_sha256: createHash('sha256').update(rawBody).digest(),
      lines: lines.length,
      matched: result.matched,
      centre_only: result.centreOnly.length,
      bank_only: result.bankOnly.length,
      mismatched: result.amountMismatch.length + result.statusMismatch.length,
    });
    // the day is compared: what the bank owes for it can be stated (once)
    await draftBankSettlement(trx, clientId, date, now);
    await audit(trx, ctx, {
      action: 'bank.reconcile',
      entity: 'bank_day',
      entityId: `${clientId}:${date}`,
      detail: { lines: lines.length, matched: result.matched, raised },
    });
    return { ...result, exceptions: raised };
  });
}
