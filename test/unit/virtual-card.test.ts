// The virtual card is checked against the PBOC functions used directly: every MAC and TAC the card
// produces or accepts is recomputed here from the master keys, the documented inputs and nothing else.
import assert from 'node:assert/strict';
import {
  diversify,
  encodeUint,
  loadMac1Input,
  loadMac2Input,
  loadSessionKey,
  loadTacInput,
  mac8,
  purchaseMac1Input,
  purchaseMac2Input,
  purchaseSessionKey,
  purchaseTacInput,
  tacKey,
} from '../../src/platform/crypto/pboc.ts';
import { CardError, CardRemovedError, VirtualCard, VirtualPsam } from '../../lanes-sim/card/virtual-card.ts';

const hex = (s: string) => Buffer.from(s, 'hex');
const up = (b: Buffer) => b.toString('hex').toUpperCase();

const CARD_NO = '34011901220111000001';
const SERIAL = hex('1901220111000001'); // last 16 digits as BCD
const MASTERS = {
  load: hex('0123456789ABCDEFFEDCBA9876543210'),
  tac: hex('00112233445566778899AABBCCDDEEFF'),
  purchase: hex('A1A2A3A4A5A6A7A8B1B2B3B4B5B6B7B8'),
};
const DLK = diversify(MASTERS.load, SERIAL);
const DTK = diversify(MASTERS.tac, SERIAL);
const DPK = diversify(MASTERS.purchase, SERIAL);
const TERMINAL = '001122334455';
const RANDOM = '1A2B3C4D';

function card(extra: Partial<ConstructorParameters<typeof VirtualCard>[0]> = {}): VirtualCard {
  return new VirtualCard({
    cardNo: CARD_NO,
    masters: MASTERS,
    keyVersion: 3,
    balance: 2500,
    onlineSeq: 7,
    offlineSeq: 40,
    random: () => hex(RANDOM),
    ...extra,
  });
}

// What the key service would answer: MAC2 under the session key of this init.
function issuerMac2(random: string, onlineSeq: number, amount: number, hostDate: string, hostTime: string): string {
  const k = loadSessionKey(DLK, hex(random), encodeUint(onlineSeq, 2, 'seq'));
  return up(mac8(k, loadMac2Input({ amount, transType: 2, terminalId: TERMINAL, hostDate, hostTime })));
}

function assertSw(sw: string) {
  return (err: unknown) => err instanceof CardError && err.sw === sw;
}

describe('virtual card: online load', () => {
  it('answers INITIALIZE FOR LOAD with its state and the MAC1 of ETC-REFERENCE §2', () => {
    const c = card();
    const init = c.initializeForLoad(10_000, TERMINAL);
    assert.deepEqual(
      { ...init, mac1: undefined },
      { balance: 2500, onlineSeq: 7, keyVersion: 3, algId: 0, random: RANDOM, mac1: undefined },
    );
    const seslk = loadSessionKey(DLK, hex(RANDOM), hex('0007'));
    assert.equal(
      init.mac1,
      up(mac8(seslk, loadMac1Input({ balance: 2500, amount: 10_000, transType: 2, terminalId: TERMINAL }))),
    );
  });

  it('draws a fresh random for every initialisation', () => {
    const c = new VirtualCard({ cardNo: CARD_NO, masters: MASTERS });
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) seen.add(c.initializeForLoad(100, TERMINAL).random);
    assert.equal(seen.size, 8);
    for (const r of seen) assert.match(r, /^[0-9A-F]{8}$/);
  });

  it('accepts a MAC2 computed by the issuer, credits once and returns the documented TAC', () => {
    const c = card();
    const init = c.initializeForLoad(10_000, TERMINAL);
    const mac2 = issuerMac2(init.random, init.onlineSeq, 10_000, '20261122', '093015');
    const { tac } = c.creditForLoad('20261122', '093015', mac2);
    assert.equal(c.balance, 12_500);
    assert.equal(c.onlineSeq, 8);
    assert.equal(c.offlineSeq, 40);
    // the TAC carries the online sequence returned by the init, not the incremented one
    const expected = mac8(
      tacKey(DTK),
      loadTacInput({
        newBalance: 12_500,
        onlineSeq: 7,
        amount: 10_000,
        transType: 2,
        terminalId: TERMINAL,
        hostDate: '20261122',
        hostTime: '093015',
      }),
    );
    assert.equal(tac, up(expected));
    // the same MAC2 cannot be used twice: the session is over
    assert.throws(() => c.creditForLoad('20261122', '093015', mac2), assertSw('6985'));
    assert.equal(c.balance, 12_500);
  });

  it('refuses a wrong MAC2 with 9302 and changes nothing', () => {
    const c = card();
    const init = c.initializeForLoad(10_000, TERMINAL);
    const right = issuerMac2(init.random, init.onlineSeq, 10_000, '20261122', '093015');
    const wrong = up(Buffer.from(hex(right).map((b, i) => (i === 0 ? b ^ 0x01 : b))));
    assert.throws(() => c.creditForLoad('20261122', '093015', wrong), assertSw('9302'));
    // a MAC2 for another date or amount is just as wrong
    const c2 = card();
    const i2 = c2.initializeForLoad(10_000, TERMINAL);
    assert.throws(
      () => c2.creditForLoad('20261122', '093016', issuerMac2(i2.random, i2.onlineSeq, 10_000, '20261122', '093015')),
      assertSw('9302'),
    );
    for (const x of [c, c2]) {
      assert.equal(x.balance, 2500);
      assert.equal(x.onlineSeq, 7);
    }
  });

  it('refuses a load that would overflow the 4-byte purse, and bad arguments, with status words', () => {
    const full = card({ balance: 0xffff_fff0 });
    assert.throws(() => full.initializeForLoad(0x11, TERMINAL), assertSw('6A80'));
    assert.doesNotThrow(() => full.initializeForLoad(0x0f, TERMINAL));
    const c = card();
    assert.throws(() => c.initializeForLoad(0, TERMINAL), assertSw('6A80'));
    assert.throws(() => c.initializeForLoad(1.5, TERMINAL), assertSw('6A80'));
    assert.throws(() => c.initializeForLoad(100, '0011223344'), assertSw('6A80'));
    assert.throws(() => c.creditForLoad('20261122', '093015', '00000000'), assertSw('6985'));
    assert.throws(() => card({ onlineSeq: 0xffff }).initializeForLoad(100, TERMINAL), assertSw('9402'));
    assert.equal(c.balance, 2500);
  });
});

describe('virtual card: faults', () => {
  it("'init' throws on the next initialisation only, leaving no session", () => {
    const c = card();
    c.failNext('init');
    assert.throws(
      () => c.initializeForLoad(100, TERMINAL),
      (e: unknown) => e instanceof CardRemovedError && e.step === 'init',
    );
    assert.throws(() => c.creditForLoad('20261122', '093015', '00000000'), assertSw('6985'));
    assert.doesNotThrow(() => c.initializeForLoad(100, TERMINAL));
  });

  it("'credit-before-write' loses the card before the write: nothing changes", () => {
    const c = card();
    const init = c.initializeForLoad(10_000, TERMINAL);
    c.failNext('credit-before-write');
    const mac2 = issuerMac2(init.random, init.onlineSeq, 10_000, '20261122', '093015');
    assert.throws(
      () => c.creditForLoad('20261122', '093015', mac2),
      (e: unknown) => e instanceof CardRemovedError && e.step === 'credit-before-write',
    );
    assert.equal(c.balance, 2500);
    assert.equal(c.onlineSeq, 7);
  });

  it("'credit-after-write' credits the card but the TAC never comes back", () => {
    const c = card();
    const init = c.initializeForLoad(10_000, TERMINAL);
    c.failNext('credit-after-write');
    const mac2 = issuerMac2(init.random, init.onlineSeq, 10_000, '20261122', '093015');
    assert.throws(
      () => c.creditForLoad('20261122', '093015', mac2),
      (e: unknown) => e instanceof CardRemovedError && e.step === 'credit-after-write',
    );
    // the evidence on the card: balance and online sequence have moved on
    assert.equal(c.balance, 12_500);
    assert.equal(c.onlineSeq, 8);
    // the fault fires once: the next load works
    const next = c.initializeForLoad(500, TERMINAL);
    assert.ok(
      c.creditForLoad('20261122', '100000', issuerMac2(next.random, next.onlineSeq, 500, '20261122', '100000')).tac,
    );
    assert.equal(c.balance, 13_000);
  });
});

describe('virtual card and PSAM: purchase', () => {
  const DATE = '20261122';
  const TIME = '121530';

  it('produces the TAC of ETC-REFERENCE §3 and a MAC2 the PSAM accepts (compound, type 09)', () => {
    const c = card();
    const psam = new VirtualPsam(MASTERS.purchase, { terminalId: TERMINAL, terminalSeq: 0x0102_0304 });
    const init = c.initializeForPurchase(1_250, TERMINAL);
    assert.deepEqual(init, {
      balance: 2500,
      offlineSeq: 40,
      overdraftLimit: 0,
      keyVersion: 3,
      algId: 0,
      random: RANDOM,
    });
    const { terminalSeq, mac1 } = psam.computeMac1({
      cardNo: CARD_NO,
      random: init.random,
      offlineSeq: init.offlineSeq,
      amount: 1_250,
      date: DATE,
      time: TIME,
    });
    assert.equal(terminalSeq, 0x0102_0304);
    assert.equal(psam.terminalSeq, 0x0102_0305);
    // MAC1 recomputed from the DPK: SESPK uses the rightmost two bytes of the terminal sequence
    const sespk = purchaseSessionKey(DPK, hex(RANDOM), hex('0028'), hex('01020304'));
    assert.equal(
      mac1,
      up(mac8(sespk, purchaseMac1Input({ amount: 1_250, transType: 9, terminalId: TERMINAL, date: DATE, time: TIME }))),
    );
    const { tac, mac2 } = c.debitForPurchase(terminalSeq, DATE, TIME, mac1);
    assert.equal(
      tac,
      up(
        mac8(
          tacKey(DTK),
          purchaseTacInput({
            amount: 1_250,
            transType: 9,
            terminalId: TERMINAL,
            terminalSeq: 0x0102_0304,
            date: DATE,
            time: TIME,
          }),
        ),
      ),
    );
    assert.equal(mac2, up(mac8(sespk, purchaseMac2Input({ amount: 1_250 }))));
    assert.ok(
      psam.verifyMac2({ cardNo: CARD_NO, random: init.random, offlineSeq: 40, terminalSeq, amount: 1_250, mac2 }),
    );
    assert.ok(
      !psam.verifyMac2({ cardNo: CARD_NO, random: init.random, offlineSeq: 40, terminalSeq, amount: 1_251, mac2 }),
    );
    assert.equal(c.balance, 1_250);
    assert.equal(c.offlineSeq, 41);
    assert.equal(c.onlineSeq, 7);
  });

  it('uses type 06 for a simple purchase and allows a zero-amount compound entry', () => {
    const c = card();
    const psam = new VirtualPsam(MASTERS.purchase, { terminalId: TERMINAL });
    const init = c.initializeForPurchase(300, TERMINAL, false);
    const { terminalSeq, mac1 } = psam.computeMac1({
      cardNo: CARD_NO,
      random: init.random,
      offlineSeq: init.offlineSeq,
      amount: 300,
      date: DATE,
      time: TIME,
      compound: false,
    });
    const { tac } = c.debitForPurchase(terminalSeq, DATE, TIME, mac1);
    assert.equal(
      tac,
      up(
        mac8(
          tacKey(DTK),
          purchaseTacInput({ amount: 300, transType: 6, terminalId: TERMINAL, terminalSeq, date: DATE, time: TIME }),
        ),
      ),
    );
    const entry = c.initializeForPurchase(0, TERMINAL, true);
    c.updateCappDataCache(Buffer.concat([hex('AA2900'), Buffer.alloc(40, 1)]));
    const m = psam.computeMac1({
      cardNo: CARD_NO,
      random: entry.random,
      offlineSeq: entry.offlineSeq,
      amount: 0,
      date: DATE,
      time: TIME,
    });
    c.debitForPurchase(m.terminalSeq, DATE, TIME, m.mac1);
    assert.equal(c.balance, 2200);
    assert.equal(c.offlineSeq, 42);
    assert.equal(c.cappRecord?.length, 43);
    assert.throws(() => c.initializeForPurchase(0, TERMINAL, false), assertSw('6A80'));
  });

  it('refuses a wrong MAC1 with 9302 and an amount above the balance with 9401, debiting nothing', () => {
    const c = card();
    const psam = new VirtualPsam(MASTERS.purchase, { terminalId: TERMINAL });
    const init = c.initializeForPurchase(100, TERMINAL);
    const { terminalSeq } = psam.computeMac1({
      cardNo: CARD_NO,
      random: init.random,
      offlineSeq: init.offlineSeq,
      amount: 100,
      date: DATE,
      time: TIME,
    });
    // a MAC1 for another amount: the card computes its own over what it was initialised with
    const other = psam.computeMac1({
      cardNo: CARD_NO,
      random: init.random,
      offlineSeq: init.offlineSeq,
      amount: 99,
      date: DATE,
      time: TIME,
      terminalSeq,
    });
    assert.throws(() => c.debitForPurchase(terminalSeq, DATE, TIME, other.mac1), assertSw('9302'));
    assert.throws(() => c.initializeForPurchase(2501, TERMINAL), assertSw('9401'));
    assert.equal(c.balance, 2500);
    assert.equal(c.offlineSeq, 40);
  });
});
