// A corporate customer's payment reference: QY + the customer id in 10 digits + 2 check digits
// (ISO 7064 mod 97-10, as IBANs), so a mistyped reference in a purpose field matches nobody rather than
// somebody else. Printed on the contract and statements; found in a transfer's purpose or business
// reference field.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { getAccountOfCustomer, getCustomer } from '../customers/index.ts';

export type PaymentReference = { customerId: bigint; accountId: bigint; reference: string; createdAt: Date };

const checkDigits = (digits: string) => String(98n - ((BigInt(digits) * 100n) % 97n)).padStart(2, '0');
export const referenceFor = (customerId: bigint) => {
  const d = customerId.toString().padStart(10, '0');
  return `QY${d}${checkDigits(d)}`;
};
const TOKEN = /QY(\d{10})(\d{2})/g;

/** The valid references written in a text (upper-cased first; spaces inside are not tolerated). */
export function referencesIn(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.toUpperCase().matchAll(TOKEN)) if (checkDigits(m[1]) === m[2]) out.add(m[0]);
  return [...out];
}

const toRef = (r: Record<string, any>): PaymentReference => ({
  customerId: BigInt(r.customer_id),
  accountId: BigInt(r.account_id),
  reference: r.reference,
  createdAt: r.created_at,
});

export async function corporateCustomer(db: Knex, customerId: bigint) {
  const customer = await getCustomer(db, customerId);
  if (customer.kind !== 'corporate')
    throw new AppError('not-a-corporate-customer', `customer ${customerId} is not a corporate customer`);
  return customer;
}

/** Gives the customer its payment reference (once; asking again answers the same one). */
export async function assignPaymentReference(
  db: Knex,
  ctx: RequestContext,
  customerId: bigint,
): Promise<PaymentReference> {
  return inTransaction(db, async (trx) => {
    await corporateCustomer(trx, customerId);
    const account = await getAccountOfCustomer(trx, customerId);
    const inserted = await trx('corporate_payment_references')
      .insert({
        customer_id: customerId,
        account_id: account.id,
        reference: referenceFor(customerId),
        created_at: ctx.app.clock.now(),
        created_by: actorLabel(ctx.actor),
      })
      .onConflict('customer_id')
      .ignore()
      .returning('*');
    if (inserted.length)
      await audit(trx, ctx, {
        action: 'corporate.payment-reference',
        entity: 'customer',
        entityId: customerId,
        detail: { reference: inserted[0].reference },
      });
    return toRef(inserted[0] ?? (await trx('corporate_payment_references').where({ customer_id: customerId }).first()));
  });
}

export async function paymentReferenceOf(db: Knex, customerId: bigint): Promise<PaymentReference> {
  const r = await db('corporate_payment_references').where({ customer_id: customerId }).first();
  if (!r) throw new AppError('payment-reference-not-found', `customer ${customerId} has no payment reference yet`);
  return toRef(r);
}

export async function customersByReference(db: Knex, refs: string[]): Promise<Map<string, PaymentReference>> {
  if (refs.length === 0) return new Map();
  const rows = await db('corporate_payment_references').whereIn('reference', refs);
  return new Map(rows.map((r) => [r.reference as string, toRef(r)]));
}
