// The init of an online load checks MAC1 and makes MAC2 under one derivation of the card's keys
// (keys/card-operations.ts authoriseLoadMacs). Checked against a card: the virtual card makes MAC1
// and accepts only the MAC2 its own session key gives.
import assert from 'node:assert/strict';
import {
  authoriseLoadMacs,
  issueLoadMac2,
  verifyLoadMac1,
  type DerivedKeyRunner,
} from '../../src/modules/keys/card-operations.ts';
import { cardKey, cardSerial } from '../../src/platform/crypto/pboc.ts';
import { VirtualCard } from '../../lanes-sim/card/virtual-card.ts';
import { prng } from '../helpers/crypto-vectors.ts';

const rnd = prng(0x10ad2);
const masters = { load: rnd.bytes(16), tac: rnd.bytes(16), purchase: rnd.bytes(16) };
const CARD_NO = '34011901220111000042';
const TERMINAL = '0A1B2C3D4E5F';
const HOST = { hostDate: '20261205', hostTime: '213000' };

let derivations = 0;
const run: DerivedKeyRunner = (purpose, _version, serial8, fn) => {
  derivations++;
  const k = cardKey(masters[purpose], serial8);
  try {
    return fn(k);
  } finally {
    k.fill(0);
  }
};

function session(card: VirtualCard, amount: number) {
  const init = card.initializeForLoad(amount, TERMINAL);
  return {
    serial8: cardSerial(CARD_NO),
    keyVersion: init.keyVersion,
    random: init.random,
    onlineSeq: init.onlineSeq,
    amount: BigInt(amount),
    terminalId: TERMINAL,
    balance: BigInt(init.balance),
    mac1: init.mac1,
    ...HOST,
  };
}

describe('load MACs in one derivation', () => {
  it('gives the MAC2 the card accepts, the same as the two steps, with one derivation', () => {
    const card = new VirtualCard({ cardNo: CARD_NO, masters, balance: 1500, random: () => rnd.bytes(4) });
    const s = session(card, 10_000);
    derivations = 0;
    const mac2 = authoriseLoadMacs(run, s);
    assert.equal(derivations, 1);
    assert.ok(verifyLoadMac1(run, s));
    assert.equal(mac2, issueLoadMac2(run, s));
    card.creditForLoad(HOST.hostDate, HOST.hostTime, mac2!);
    assert.equal(card.balance, 11_500);
  });

  it('makes no MAC2 when MAC1 does not verify: another MAC, balance, amount, terminal or sequence', () => {
    const card = new VirtualCard({ cardNo: CARD_NO, masters, balance: 1500, random: () => rnd.bytes(4) });
    const s = session(card, 10_000);
    const flipped = (s.mac1[0] === '0' ? '1' : '0') + s.mac1.slice(1);
    for (const change of [
      { mac1: flipped },
      { balance: 1501n },
      { amount: 10_001n },
      { terminalId: '0A1B2C3D4E60' },
      { onlineSeq: s.onlineSeq + 1 },
      { mac1: s.mac1.slice(0, 6) },
    ]) {
      assert.equal(
        authoriseLoadMacs(run, { ...s, ...change }),
        null,
        JSON.stringify(change, (_k, v) => String(v)),
      );
    }
  });
});
