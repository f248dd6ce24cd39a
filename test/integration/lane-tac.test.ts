// The purchase TAC (ETC-REFERENCE §3): what the virtual card computes is MAC8 of the documented
// input under the card's TAC key, and the key service's batch verification agrees with it.
import assert from 'node:assert/strict';
import { harness } from '../helpers/harness.ts';
import { testMasters } from '../helpers/loads.ts';
import { VirtualCard, VirtualPsam } from '../../lanes-sim/card/virtual-card.ts';
import { mac8, tdes } from '../../src/platform/crypto/pboc.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

function purchase(card: VirtualCard, psam: VirtualPsam, amount: number, date: string, time: string) {
  const init = card.initializeForPurchase(amount, psam.terminalId, true);
  const { terminalSeq, mac1 } = psam.computeMac1({
    cardNo: card.cardNo,
    random: init.random,
    offlineSeq: init.offlineSeq,
    amount,
    date,
    time,
  });
  card.updateCappDataCache(Buffer.concat([hex('AA2900'), Buffer.alloc(40)]));
  const { tac, mac2 } = card.debitForPurchase(terminalSeq, date, time, mac1);
  assert.ok(
    psam.verifyMac2({
      cardNo: card.cardNo,
      random: init.random,
      offlineSeq: init.offlineSeq,
      terminalSeq,
      amount,
      mac2,
    }),
    'the PSAM accepts the card MAC2',
  );
  return { tac, terminalSeq };
}

describe('purchase TAC', () => {
  it('is MAC8(DTK_L ⊕ DTK_R, amount ‖ type ‖ terminalId ‖ terminalSeq ‖ date ‖ time) for a known key', () => {
    const tacMaster = hex('0123456789ABCDEF FEDCBA9876543210');
    const masters = { load: hex('11'.repeat(16)), tac: tacMaster, purchase: hex('22'.repeat(16)) };
    const card = new VirtualCard({
      cardNo: '34011901220111000001',
      masters,
      balance: 12_500,
      random: () => hex('1A2B3C4D'),
    });
    const psam = new VirtualPsam(masters.purchase, { terminalId: '010203040506', terminalSeq: 5001 });
    const { tac, terminalSeq } = purchase(card, psam, 4275, '20261122', '081500');
    assert.equal(terminalSeq, 5001);
    // the card's TAC key by hand: Div(MK, serial) = TDES(MK, f) ‖ TDES(MK, ~f), then left ⊕ right
    const f = hex('1901220111000001');
    const dtk = tdes(tacMaster, Buffer.concat([f, Buffer.from(f.map((b) => ~b & 0xff))]));
    const key = Buffer.from(dtk.subarray(0, 8).map((b, i) => b ^ dtk[8 + i]));
    const input = hex('000010B3' + '09' + '010203040506' + '00001389' + '20261122' + '081500');
    assert.equal(input.length, 22);
    assert.equal(tac, mac8(key, input).toString('hex').toUpperCase());
    assert.equal(card.balance, 12_500 - 4275);
  });

  it('verifies in batches through the key service: right TACs pass, altered fields and TACs fail, with or without a known key version', async () => {
    const h = await harness();
    const masters = await testMasters(134);
    const cards = ['34011901220111000011', '34011901220111000012', '34011901220111000013'].map(
      (cardNo) => new VirtualCard({ cardNo, masters, keyVersion: 134, balance: 50_000 }),
    );
    const psam = new VirtualPsam(masters.purchase, { terminalId: 'A1A2A3A4A5A6' });
    const checks = cards.map((card, i) => {
      const { tac, terminalSeq } = purchase(card, psam, 1000 + i, '20261123', '101500');
      return {
        serial8: Buffer.from(card.cardNo.slice(4), 'hex'),
        amount: BigInt(1000 + i),
        transType: 9,
        terminalId: psam.terminalId,
        terminalSeq,
        date: '20261123',
        time: '101500',
        tac,
      };
    });
    const keys = h.app.keys;
    assert.deepEqual(keys.verifyPurchaseTacs(checks.map((c) => ({ ...c, keyVersion: 134 }))), [true, true, true]);
    assert.deepEqual(
      keys.verifyPurchaseTacs(checks),
      [true, true, true],
      'an unknown version: every TAC master is tried',
    );
    assert.deepEqual(
      keys.verifyPurchaseTacs([
        { ...checks[0], amount: 999n },
        { ...checks[1], tac: '00000000' },
        { ...checks[2], terminalSeq: checks[2].terminalSeq + 1 },
        { ...checks[0], keyVersion: 1 },
        { ...checks[1], time: '101501' },
      ]),
      [false, false, false, false, false],
    );
    assert.equal(keys.verifyPurchaseTac({ ...checks[2], keyVersion: 134 }), true, 'the single verification agrees');
  });
});
