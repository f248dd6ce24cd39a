// A bank's loads of one local business day, for reconciliation.
import type { Knex } from 'knex';
import { DAY_MS, localDayStart } from '../../platform/clock/clock.ts';

export type BankDayLoad = {
  loadId: string;
  bankReference: string | null;
  cardNo: string;
  amount: bigint;
  status: string;
  time: Date;
};

export async function loadsOfBankDay(db: Knex, clientId: string, isoDate: string): Promise<BankDayLoad[]> {
  const from = localDayStart(isoDate);
  const to = new Date(from.getTime() + DAY_MS);
  const rows = await db('loads')
    .where({ client_id: clientId })
    .andWhere('created_at', '>=', from)
    .andWhere('created_at', '<', to)
    .orderBy('created_at')
    .select('id', 'payment_reference', 'card_no', 'amount', 'status', 'created_at');
  return rows.map((r) => ({
    loadId: r.id,
    bankReference: r.payment_reference,
    cardNo: r.card_no,
    amount: r.amount,
    status: r.status,
    time: r.created_at,
  }));
}
