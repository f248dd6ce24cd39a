// Demo card stock (docs/CARD-READER.md): the one place where card keys leave the key service, and
// only in demo mode. A virtual card must compute MAC1 and TAC itself, so it needs its own diversified
// keys, as a real card receives them at the card factory. The masters never leave; each medium gets
// Div(master, serial8) of the purposes it holds.
import { AppError } from '../../platform/http/errors.ts';
import type { KeyPurpose } from './key-store.ts';

export const DEMO_STOCK_FORMAT = 'etc-demo-card-stock/1';

export type DemoStockRequest = {
  network: string;
  createdAt: Date;
  cards: Array<{ cardNo: string; cardType: 22 | 23 }>;
  obus: string[];
};

export type DemoStockFile = {
  format: typeof DEMO_STOCK_FORMAT;
  network: string;
  createdAt: string;
  warning: string;
  cards: Array<{
    cardNo: string;
    cardType: 22 | 23;
    keyVersion: number;
    keys: { load: string; tac: string; purchase: string; maintenance: string };
  }>;
  obus: Array<{ obuNo: string; keys: { maintenance: string; vehicle: string } }>;
};

export type DerivedKeyExporter = (purpose: KeyPurpose, version: number, serial8: Buffer) => string;

const serial8 = (mediumNo: string) => Buffer.from(mediumNo.slice(-16), 'hex');

export function refuseOutsideDemo(demo: boolean): void {
  if (!demo)
    throw new AppError(
      'demo-mode-required',
      'a demo card stock holds card keys: only in demo mode (embedded database, or ETC_DEMO=1 on a local database)',
    );
}

export function buildDemoStock(
  demo: boolean,
  exportKey: DerivedKeyExporter,
  latest: (p: KeyPurpose) => number,
  req: DemoStockRequest,
): DemoStockFile {
  refuseOutsideDemo(demo);
  // a card answers INITIALIZE FOR LOAD with one key version: the load and TAC keys of that version
  const loadVersion = latest('load');
  const v = (p: KeyPurpose) => (p === 'load' || p === 'tac' ? loadVersion : latest(p));
  const key = (p: KeyPurpose, no: string) => exportKey(p, v(p), serial8(no));
  return {
    format: DEMO_STOCK_FORMAT,
    network: req.network,
    createdAt: req.createdAt.toISOString(),
    warning: 'DEMO ONLY: diversified card keys of demo media. Never made outside demo mode.',
    cards: req.cards.map((c) => ({
      cardNo: c.cardNo,
      cardType: c.cardType,
      keyVersion: loadVersion,
      keys: {
        load: key('load', c.cardNo),
        tac: key('tac', c.cardNo),
        purchase: key('purchase', c.cardNo),
        maintenance: key('maintenance', c.cardNo),
      },
    })),
    obus: req.obus.map((obuNo) => ({
      obuNo,
      keys: { maintenance: key('obu-maintenance', obuNo), vehicle: key('obu-vehicle', obuNo) },
    })),
  };
}
