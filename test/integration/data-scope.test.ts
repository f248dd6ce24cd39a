// Data scope of machine clients (DESIGN §9): a bank branch sees and acts only on the media it issued
// and those of the customers it opened; everything else is 404 exactly as an unknown number, and the
// refusal changes nothing. The table of every machine-reachable endpoint is in docs/SECURITY.md; the
// last test keeps that table complete.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { buildApp } from '../../src/app.ts';
import type { Role } from '../../src/platform/http/context.ts';
import { CLIENT_ROLES } from '../../src/modules/access/index.ts';
import { customerWithVehicle, mobile, plate, residentId } from '../helpers/fixtures.ts';
import { fingerprint, harness, loginAs, newClient, signed, unique, type TestClient } from '../helpers/harness.ts';

const challenge = () => randomBytes(4).toString('hex').toUpperCase();
let serial = 0;
const bankPost = (bank: TestClient, path: string, body: unknown) =>
  signed(bank, 'post', path, body, { idempotencyKey: `${bank.id}-${++serial}` });

type Media = {
  customerId: number;
  vehicleId: number;
  accountId: number;
  cardNo: string;
  obuNo: string;
  idNumber?: string;
};

async function clerkMedia(clerk: string): Promise<Media> {
  const h = await harness();
  const f = await customerWithVehicle(clerk);
  const card = await request(h.http)
    .post('/api/v1/cards')
    .set('Authorization', clerk)
    .send({ customerId: f.customerId, vehicleId: f.vehicleId, cardType: 22, payment: { method: 'cash' } })
    .expect(201);
  const obu = await request(h.http)
    .post('/api/v1/obus')
    .set('Authorization', clerk)
    .send({ customerId: f.customerId, vehicleId: f.vehicleId, payment: { method: 'cash' } })
    .expect(201);
  return { ...f, cardNo: card.body.card.cardNo, obuNo: obu.body.obu.obuNo };
}

async function bankCustomer(bank: TestClient): Promise<{ customerId: number; vehicleId: number; accountId: number }> {
  const c = await bankPost(bank, '/api/v1/customers', {
    kind: 'personal',
    name: '李四',
    idType: 1,
    idNumber: residentId(),
    phone: mobile(),
  });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const v = await bankPost(bank, `/api/v1/customers/${c.body.customer.id}/vehicles`, {
    plate: plate(),
    plateColor: 0,
    vehicleClass: 1,
    seats: 5,
  });
  assert.equal(v.status, 201, JSON.stringify(v.body));
  return { customerId: c.body.customer.id, vehicleId: v.body.vehicle.id, accountId: c.body.account.id };
}

async function bankMedia(bank: TestClient): Promise<Media> {
  const f = await bankCustomer(bank);
  const card = await bankPost(bank, '/api/v1/cards', {
    customerId: f.customerId,
    vehicleId: f.vehicleId,
    cardType: 22,
    payment: { method: 'bank-account' },
  });
  assert.equal(card.status, 201, JSON.stringify(card.body));
  const obu = await bankPost(bank, '/api/v1/obus', {
    customerId: f.customerId,
    vehicleId: f.vehicleId,
    payment: { method: 'bank-account' },
  });
  assert.equal(obu.status, 201, JSON.stringify(obu.body));
  return { ...f, cardNo: card.body.card.cardNo, obuNo: obu.body.obu.obuNo };
}

// Every medium action a bank may call, as [method, path, body]; the card number or OBU number is filled in.
const cardActions = (no: string): [string, string, unknown][] => [
  ['get', `/api/v1/cards/${no}`, undefined],
  ['post', `/api/v1/cards/${no}/file-writes`, { file: '0016', challenge: challenge() }],
  ['post', `/api/v1/cards/${no}/file-writes`, { file: '0015', challenge: challenge() }],
  ['post', `/api/v1/cards/${no}/suspension`, { reason: 'customer asked', withCard: false }],
  ['post', `/api/v1/cards/${no}/resumption`, { reason: 'customer asked' }],
  ['post', `/api/v1/cards/${no}/loss-report`, { reason: 'customer lost it' }],
  ['post', `/api/v1/cards/${no}/loss-cancellation`, { reason: 'found again' }],
];
const obuActions = (no: string): [string, string, unknown][] => [
  ['get', `/api/v1/obus/${no}`, undefined],
  ['post', `/api/v1/obus/${no}/activation`, { challenge: challenge() }],
  ['post', `/api/v1/obus/${no}/tamper-report`, { reason: 'removed from the windscreen' }],
  ['post', `/api/v1/obus/${no}/suspension`, { reason: 'customer asked', withObu: false }],
  ['post', `/api/v1/obus/${no}/resumption`, { reason: 'customer asked' }],
  ['post', `/api/v1/obus/${no}/loss-report`, { reason: 'customer lost it' }],
  ['post', `/api/v1/obus/${no}/loss-cancellation`, { reason: 'found again' }],
  ['post', `/api/v1/obus/${no}/cancellation`, { reason: 'customer leaves', withObu: false }],
];
const customerActions = (m: {
  customerId: number;
  vehicleId: number;
  accountId: number;
}): [string, string, unknown][] => [
  ['get', `/api/v1/customers/${m.customerId}`, undefined],
  ['get', `/api/v1/customers/${m.customerId}/events`, undefined],
  ['get', `/api/v1/vehicles/${m.vehicleId}`, undefined],
  ['get', `/api/v1/accounts/${m.accountId}`, undefined],
  ['post', `/api/v1/customers/${m.customerId}/vehicles`, { plate: plate(), plateColor: 0, vehicleClass: 1, seats: 5 }],
];

async function call(bank: TestClient, [method, path, body]: [string, string, unknown]) {
  return method === 'get' ? signed(bank, 'get', path) : bankPost(bank, path, body);
}

describe('data scope of bank clients', () => {
  let clerk: string;
  let icbc: TestClient;
  let cmb: TestClient;
  before(async () => {
    clerk = (await loginAs('clerk')).auth;
    icbc = await newClient('bank', unique('ICBC'));
    cmb = await newClient('bank', unique('CMB'));
  });

  it("refuses a bank every action on the service hall's cards with 404 card-not-found, changing nothing", async () => {
    const hall = await clerkMedia(clerk);
    const before = await fingerprint();
    for (const action of cardActions(hall.cardNo)) {
      const res = await call(icbc, action);
      assert.deepEqual([res.status, res.body.error?.code], [404, 'card-not-found'], `${action[0]} ${action[1]}`);
      assert.ok(!JSON.stringify(res.body).includes(hall.idNumber!), 'no ID number in a refusal');
    }
    assert.deepEqual(await fingerprint(), before);
    // the same refusal as for a number nobody holds
    const ghost = await signed(icbc, 'get', `/api/v1/cards/${hall.cardNo.slice(0, 4)}9999999999999999`);
    assert.deepEqual([ghost.status, ghost.body.error.code], [404, 'card-not-found']);
  });

  it("refuses a bank every action on the service hall's OBUs with 404 obu-not-found, changing nothing", async () => {
    const hall = await clerkMedia(clerk);
    const before = await fingerprint();
    for (const action of obuActions(hall.obuNo)) {
      const res = await call(icbc, action);
      assert.deepEqual([res.status, res.body.error?.code], [404, 'obu-not-found'], `${action[0]} ${action[1]}`);
    }
    assert.deepEqual(await fingerprint(), before);
  });

  it("refuses a bank the service hall's customers, vehicles and accounts (404), changing nothing", async () => {
    const hall = await clerkMedia(clerk);
    const before = await fingerprint();
    const codes = ['customer-not-found', 'customer-not-found', 'vehicle-not-found', 'account-not-found'];
    for (const [i, action] of customerActions(hall).entries()) {
      const res = await call(icbc, action);
      assert.deepEqual([res.status, res.body.error?.code], [404, codes[i] ?? 'customer-not-found'], action[1]);
    }
    const found = await signed(icbc, 'get', `/api/v1/customers?cardNo=${hall.cardNo}`);
    assert.deepEqual([found.status, found.body.customers], [200, []]);
    // issuing to a customer out of scope is refused the same way
    const card = await bankPost(icbc, '/api/v1/cards', {
      customerId: hall.customerId,
      vehicleId: hall.vehicleId,
      cardType: 23,
      payment: { method: 'bank-account' },
    });
    assert.deepEqual([card.status, card.body.error.code], [404, 'customer-not-found']);
    assert.deepEqual(await fingerprint(), before);
  });

  it('lets a bank act on the media it issued, and another bank not at all', async () => {
    const own = await bankMedia(icbc);
    const before = await fingerprint();
    for (const action of [...cardActions(own.cardNo), ...obuActions(own.obuNo), ...customerActions(own)]) {
      const res = await call(cmb, action);
      assert.equal(res.status, 404, `${action[0]} ${action[1]} as another bank`);
    }
    assert.deepEqual(await fingerprint(), before);
    // the issuing bank: every action in its order succeeds (the OBU's cancellation is the last)
    for (const action of [...cardActions(own.cardNo), ...obuActions(own.obuNo), ...customerActions(own)]) {
      const res = await call(icbc, action);
      assert.ok(
        [200, 201].includes(res.status),
        `${action[0]} ${action[1]}: ${res.status} ${JSON.stringify(res.body)}`,
      );
    }
    // the 0016 write carries the cardholder the bank registered, and the bank's read shows its card
    const write = await bankPost(icbc, `/api/v1/cards/${own.cardNo}/file-writes`, {
      file: '0016',
      challenge: challenge(),
    });
    assert.equal(write.status, 200);
    const card = await signed(icbc, 'get', `/api/v1/cards/${own.cardNo}`);
    assert.equal(card.body.card.issuedBy, `client:${icbc.id}`);
  });

  it('lets a bank act on a card the hall issued to a customer the bank opened', async () => {
    const f = await bankCustomer(icbc);
    const h = await harness();
    const issued = await request(h.http)
      .post('/api/v1/cards')
      .set('Authorization', clerk)
      .send({ customerId: f.customerId, vehicleId: f.vehicleId, cardType: 23, payment: { method: 'cash' } })
      .expect(201);
    const no = issued.body.card.cardNo;
    assert.equal((await signed(icbc, 'get', `/api/v1/cards/${no}`)).status, 200);
    const s = await bankPost(icbc, `/api/v1/cards/${no}/suspension`, { reason: 'customer asked', withCard: true });
    assert.deepEqual([s.status, s.body.card.statusName], [200, 'suspended with card']);
    assert.equal((await signed(cmb, 'get', `/api/v1/cards/${no}`)).status, 404);
  });

  it('staff still see every medium', async () => {
    const own = await bankMedia(icbc);
    const h = await harness();
    for (const role of ['clerk', 'supervisor', 'auditor', 'finance'] as const) {
      const auth = (await loginAs(role)).auth;
      await request(h.http).get(`/api/v1/cards/${own.cardNo}`).set('Authorization', auth).expect(200);
      await request(h.http).get(`/api/v1/obus/${own.obuNo}`).set('Authorization', auth).expect(200);
    }
  });

  it('docs/SECURITY.md names the scope rule of every endpoint a machine role can reach', async () => {
    const h = await harness();
    const doc = readFileSync(new URL('../../docs/SECURITY.md', import.meta.url), 'utf8');
    const machine = buildApp(h.app).routes.filter(
      (r) =>
        r.roles !== 'public' &&
        (r.roles as readonly Role[]).some((x) => (CLIENT_ROLES as readonly string[]).includes(x)),
    );
    assert.ok(machine.length >= 40);
    for (const r of machine) {
      const row = `| ${r.method.toUpperCase()} \`${r.path}\` |`;
      assert.ok(doc.includes(row), `docs/SECURITY.md lacks the row ${row}`);
    }
  });
});
