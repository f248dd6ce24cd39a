// The demo card stock the virtual reader draws its blank media from (docs/CARD-READER.md): numbers
// pre-allocated by the centre with each medium's own diversified keys. Written by the centre's key
// service in demo mode only (`etc demo card-stock`, or the embedded demo's first start).
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { DEMO_STOCK_FORMAT } from '../src/modules/keys/index.ts';

const key16 = z.string().regex(/^[0-9A-F]{32}$/);

const stockCard = z.object({
  cardNo: z.string().regex(/^[0-9]{20}$/),
  cardType: z.union([z.literal(22), z.literal(23)]),
  keyVersion: z.number().int().min(0).max(255),
  keys: z.object({ load: key16, tac: key16, purchase: key16, maintenance: key16 }),
});
const stockObu = z.object({
  obuNo: z.string().regex(/^[0-9]{16}$/),
  keys: z.object({ maintenance: key16, vehicle: key16 }),
});
const stockFile = z.object({
  format: z.literal(DEMO_STOCK_FORMAT),
  network: z.string().regex(/^[0-9]{4}$/),
  createdAt: z.string(),
  cards: z.array(stockCard),
  obus: z.array(stockObu),
});

export type StockCard = z.infer<typeof stockCard>;
export type StockObu = z.infer<typeof stockObu>;
export type Stock = z.infer<typeof stockFile>;

export function parseStock(json: unknown): Stock {
  const r = stockFile.safeParse(json);
  if (!r.success) throw new Error(`not a demo card stock file: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}

export function readStockFile(path: string): Stock {
  // the file holds card keys: refuse one that others may read, as ssh does with a private key
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0)
    throw new Error(`${path} is readable by others: chmod 600 it`);
  return parseStock(JSON.parse(readFileSync(path, 'utf8')));
}

/** Merges several stocks (a reader may be given more as the demo issues more). */
export function mergeStocks(stocks: Stock[]): Stock {
  if (!stocks.length) return { format: DEMO_STOCK_FORMAT, network: '0000', createdAt: '', cards: [], obus: [] };
  return {
    ...stocks[0],
    cards: stocks.flatMap((s) => s.cards),
    obus: stocks.flatMap((s) => s.obus),
  };
}
