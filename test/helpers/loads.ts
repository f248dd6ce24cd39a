// Online-load scenarios: master keys known to the test (generated now), stored-value cards issued
// at the counter, virtual cards holding their own diversified keys, and the protocol steps.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { importKeys } from '../../src/modules/keys/index.ts';
import { kcv } from '../../src/platform/crypto/pboc.ts';
import { VirtualCard, type MasterKeys } from '../../lanes-sim/card/virtual-card.ts';
import { harness, signed, unique, type TestClient } from './harness.ts';
import { customerWithVehicle } from './fixtures.ts';

const keySets = new Map<number, MasterKeys>();

// Version v of the load, TAC and purchase masters, random for this run and known to the test.
export async function testMasters(version: number): Promise<MasterKeys> {
  const have = keySets.get(version);
  if (have) return have;
  const h = await harness();
  const masters = { load: randomBytes(16), tac: randomBytes(16), purchase: randomBytes(16) };
  await importKeys(h.app.db, h.app.keys.hsm, {
    keys: (['load', 'tac', 'purchase'] as const).map((purpose) => ({
      purpose,
      version,
      value: masters[purpose].toString('hex'),
      kcv: kcv(masters[purpose]).toString('hex'),
    })),
  });
  await h.app.keys.load(h.app.db);
  keySets.set(version, masters);
  return masters;
}

export async function storedValueCard(clerk: string, keyVersion: number): Promise<VirtualCard> {
  const h = await harness();
  const f = await customerWithVehicle(clerk);
  const res = await request(h.http)
    .post('/api/v1/cards')
    .set('Authorization', clerk)
    .send({ customerId: f.customerId, vehicleId: f.vehicleId, cardType: 22, payment: { method: 'cash' } })
    .expect(201);
  return new VirtualCard({ cardNo: res.body.card.cardNo, masters: await testMasters(keyVersion), keyVersion });
}

export const TERMINAL = '0A1B2C3D4E5F';
let serial = 0;
export const nextSerial = (bank: TestClient) => `${bank.id}-${Date.now()}-${++serial}`;

export function initBody(card: VirtualCard, amount: number, method = 'bank-account', reference?: string) {
  const init = card.initializeForLoad(amount, TERMINAL);
  return {
    cardNo: card.cardNo,
    amount,
    terminalId: TERMINAL,
    card: init,
    payment: { method, ...(reference ? { reference } : {}) },
  };
}

export async function bankInit(bank: TestClient, card: VirtualCard, amount: number, reference?: string) {
  return signed(bank, 'post', '/api/v1/channel/loads', initBody(card, amount, 'bank-account', reference), {
    idempotencyKey: nextSerial(bank),
  });
}

export async function bankConfirm(bank: TestClient, loadId: string, tac: string) {
  return signed(bank, 'post', `/api/v1/channel/loads/${loadId}/confirm`, { tac }, { idempotencyKey: nextSerial(bank) });
}

// A complete, successful load through the bank channel; returns the load id.
export async function bankLoad(
  bank: TestClient,
  card: VirtualCard,
  amount: number,
  reference?: string,
): Promise<string> {
  const init = await bankInit(bank, card, amount, reference);
  if (init.status !== 201) throw new Error(`init ${init.status} ${JSON.stringify(init.body)}`);
  const { tac } = card.creditForLoad(init.body.hostDate, init.body.hostTime, init.body.mac2);
  const conf = await bankConfirm(bank, init.body.loadId, tac);
  if (conf.status !== 200) throw new Error(`confirm ${conf.status} ${JSON.stringify(conf.body)}`);
  return init.body.loadId;
}

export async function counterInit(
  clerk: string,
  card: VirtualCard,
  amount: number,
  method: 'cash' | 'pos' | 'carry-over' = 'cash',
) {
  const h = await harness();
  return request(h.http)
    .post('/api/v1/channel/loads')
    .set('Authorization', clerk)
    .set('Idempotency-Key', unique('counter-load'))
    .send(initBody(card, amount, method));
}
