// The demo card stock (docs/CARD-READER.md): numbers allocated ahead of issuance for the virtual
// reader's blank media, with their card keys from the key service — demo mode only. Issuance may
// then issue a card or OBU onto an unused stock number instead of allocating one.
import type { Knex } from 'knex';
import { localDate } from '../../platform/clock/clock.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { AppContext } from '../../platform/http/context.ts';
import { refuseOutsideDemo, type DemoStockFile } from '../keys/index.ts';

export type StockCounts = { cards22: number; cards23: number; obus: number };

// Numbers come from the issuance sequences (numbers.ts layout), set-based: one insert per kind.
async function allocate(trx: Knex.Transaction, network: string, day: string, counts: StockCounts, now: Date) {
  const yy = day.slice(2, 4);
  const cards: Array<{ cardNo: string; cardType: 22 | 23 }> = [];
  for (const cardType of [22, 23] as const) {
    const n = cardType === 22 ? counts.cards22 : counts.cards23;
    if (!n) continue;
    const { rows } = await trx.raw(
      `insert into medium_stock (medium, medium_no, card_type, created_at)
       select 'card', ? || lpad(nextval('card_serial_seq')::text, 12, '0'), ?, ? from generate_series(1, ?)
       returning medium_no`,
      [`${network}${yy}${cardType}`, cardType, now, n],
    );
    for (const r of rows as Array<{ medium_no: string }>) cards.push({ cardNo: r.medium_no, cardType });
  }
  let obus: string[] = [];
  if (counts.obus) {
    const { rows } = await trx.raw(
      `insert into medium_stock (medium, medium_no, created_at)
       select 'obu', ? || lpad(nextval('obu_serial_seq')::text, 10, '0'), ? from generate_series(1, ?)
       returning medium_no`,
      [`${network}${yy}`, now, counts.obus],
    );
    obus = (rows as Array<{ medium_no: string }>).map((r) => r.medium_no);
  }
  return { cards, obus };
}

/** Allocates stock numbers and returns the stock file's content. Refused outside demo mode. */
export async function makeDemoStock(app: Pick<AppContext, 'db' | 'keys' | 'config' | 'clock'>, counts: StockCounts) {
  refuseOutsideDemo(app.config.demo); // before anything is allocated
  for (const n of Object.values(counts))
    if (!Number.isInteger(n) || n < 0 || n > 10_000)
      throw new AppError('invalid-request', 'count: 0..10000 of each kind', 'count');
  const now = app.clock.now();
  return inTransaction(app.db, async (trx): Promise<DemoStockFile> => {
    const { cards, obus } = await allocate(trx, app.config.network, localDate(now), counts, now);
    // derived inside the transaction: a refusal leaves no numbers allocated
    return app.keys.demoStock(app.config.demo, { network: app.config.network, createdAt: now, cards, obus });
  });
}

// Issuing onto a stock number uses it up, in the issuing transaction (the row lock serialises two
// counters racing for the same number; the loser sees it used).
export async function claimStockNumber(
  trx: Knex.Transaction,
  medium: 'card' | 'obu',
  mediumNo: string,
  now: Date,
  cardType?: 22 | 23,
): Promise<void> {
  const field = medium === 'card' ? 'cardNo' : 'obuNo';
  const claimed = await trx('medium_stock')
    .where({ medium, medium_no: mediumNo, ...(cardType ? { card_type: cardType } : {}) })
    .whereNull('used_at')
    .update({ used_at: now });
  if (claimed === 1) return;
  const row = await trx('medium_stock').where({ medium, medium_no: mediumNo }).first();
  if (!row || (cardType && row.card_type !== cardType))
    throw new AppError(
      'stock-number-unknown',
      `${field}: ${mediumNo} is not a blank ${medium === 'card' ? `type ${cardType} card` : 'OBU'} of the stock`,
      field,
    );
  throw new AppError('stock-number-used', `${field}: stock number ${mediumNo} has already been issued`, field);
}
