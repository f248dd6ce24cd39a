// Our packages: the accepted transactions of other issuers' cards on our roads for one clearing
// date, cut per issuer into packages of at most `size` by transaction id (one INSERT … SELECT over
// the sealed day), each sent to its issuer and answered there with a confirmation. A package is an
// id range of one issuer's rows of one day, so nothing per transaction is written to package it.
import type { Knex } from 'knex';
import type { AppContext } from '../../platform/http/context.ts';
import { signDocument, transIdOf, type SignedDocument } from './documents.ts';

export const PACKAGE_SIZE = 1000;

// The rows packaged to an issuer for a day (clearing may split them once confirmed).
export const FOREIGN_ROWS = `select * from lane_transactions
   where disposition = 'accepted' and not own_card and upload_id is not null`;

/** Builds the day's packages (none twice: the message id is made from issuer, date and number). */
export async function buildPackages(
  trx: Knex.Transaction,
  date: string,
  sender: string,
  at: Date,
  size = PACKAGE_SIZE,
): Promise<{ packages: number; transactions: bigint; amount: bigint }> {
  const compact = date.replaceAll('-', '');
  await trx.raw(
    `insert into interchange_packages (direction, message_id, sender, receiver, clear_target_date, count, amount, first_transaction_id, last_transaction_id, state, created_at)
     select 'outbound', ?::text || g.issuer || ?::text || lpad((g.n + 1)::text, 5, '0'), ?, g.issuer, ?::date, count(*), sum(g.amount), min(g.id), max(g.id), 'built', ?
       from (select t.issuer, t.id, t.amount, (row_number() over (partition by t.issuer order by t.id) - 1) / ? as n
               from (${FOREIGN_ROWS}) t where t.clearing_date = ?::date) g
      group by g.issuer, g.n
     on conflict (sender, message_id) do nothing`,
    [sender, compact, sender, date, at, size, date],
  );
  const totals = await trx('interchange_packages')
    .where({ direction: 'outbound', clear_target_date: date })
    .select(
      trx.raw(
        'count(*)::int as packages, coalesce(sum(count), 0)::bigint as transactions, coalesce(sum(amount), 0)::bigint as amount',
      ),
    )
    .first();
  return { packages: totals.packages, transactions: BigInt(totals.transactions), amount: BigInt(totals.amount) };
}

export type OutboundPackage = {
  id: bigint;
  messageId: string;
  receiver: string;
  date: string;
  count: number;
  amount: bigint;
  firstId: bigint;
  lastId: bigint;
  state: string;
};

export const toOutbound = (r: Record<string, any>): OutboundPackage => ({
  id: BigInt(r.id),
  messageId: r.message_id,
  receiver: r.receiver,
  date: r.clear_target_date,
  count: r.count,
  amount: BigInt(r.amount),
  firstId: BigInt(r.first_transaction_id),
  lastId: BigInt(r.last_transaction_id),
  state: r.state,
});

/** The rows of an outbound package, in id order. */
export async function packageRows(db: Knex, p: OutboundPackage): Promise<Array<Record<string, any>>> {
  const { rows } = await db.raw(
    `select * from (${FOREIGN_ROWS}) t where t.clearing_date = ?::date and t.issuer = ? and t.id between ? and ? order by t.id`,
    [p.date, p.receiver, String(p.firstId), String(p.lastId)],
  );
  return rows;
}

const iso8 = (d: Date | null) => (d ? toCst(d) : undefined);
// Times go out as the lanes wrote them: local China time with its offset.
function toCst(d: Date): string {
  const t = new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19);
  return `${t}+08:00`;
}
const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));

/** One stored lane transaction in the ICD §2 form, with its transId. */
export function transactionJson(t: Record<string, any>): Record<string, unknown> {
  const point = (p: 'entry' | 'exit') =>
    t[`${p}_network`]
      ? { network: t[`${p}_network`], station: t[`${p}_station`], lane: t[`${p}_lane`], time: iso8(t[`${p}_time`]) }
      : undefined;
  return {
    transId: transIdOf(t.terminal_id, t.terminal_seq),
    terminalId: t.terminal_id,
    terminalSeq: Number(t.terminal_seq),
    transType: t.trans_type,
    time: iso8(t.tx_time),
    cardNo: t.card_no,
    cardType: t.card_type,
    obuId: t.obu_id ?? undefined,
    plate: t.plate ?? undefined,
    plateColor: t.plate_color ?? undefined,
    vehicleClass: t.vehicle_class,
    entry: point('entry'),
    exit: point('exit'),
    sections: t.sections?.length ? t.sections : undefined,
    fee: Number(t.fee),
    amount: Number(t.amount),
    balanceBefore: num(t.balance_before),
    balanceAfter: num(t.balance_after),
    offlineSeq: t.offline_seq,
    tac: t.tac,
  };
}

export async function packageDocument(app: AppContext, db: Knex, p: OutboundPackage): Promise<SignedDocument> {
  const rows = await packageRows(db, p);
  if (rows.length !== p.count) throw new Error(`package ${p.messageId}: ${rows.length} rows for a count of ${p.count}`);
  // JSON.parse(JSON.stringify()) drops the undefined members, as the peer will see the document
  const transactions = JSON.parse(JSON.stringify(rows.map(transactionJson)));
  return await signDocument(app, {
    header: {
      messageId: p.messageId,
      sender: app.config.network,
      receiver: p.receiver,
      clearTargetDate: p.date,
      count: p.count,
      amount: Number(p.amount),
    },
    transactions,
  });
}
