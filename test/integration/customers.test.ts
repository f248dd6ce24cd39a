import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import request from 'supertest';
import { fingerprint, harness, loginAs, newClient, signed, unique } from '../helpers/harness.ts';
import { residentIdCheckChar } from '../../src/modules/customers/pii.ts';
import { checkLedger, customerFundsCode, entriesFor } from '../../src/modules/ledger/index.ts';
import {
  cardholderForPersonalisation,
  getAccountOfCustomer,
  getCustomer,
  getVehicle,
} from '../../src/modules/customers/index.ts';

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
const letters = (n: number, set = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789') =>
  Array.from({ length: n }, () => set[randomInt(set.length)]).join('');

function residentId(): string {
  const birth = `19${60 + randomInt(40)}${String(1 + randomInt(12)).padStart(2, '0')}${String(1 + randomInt(28)).padStart(2, '0')}`;
  const first17 = `340104${birth}${digits(3)}`;
  return first17 + residentIdCheckChar(first17);
}
const mobile = () => `138${digits(8)}`;
const plate = () => `皖A${letters(5)}`;
// database rows carry bigint ids
const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x));

type Auth = { auth: string };
async function post(a: Auth, path: string, body: unknown) {
  const h = await harness();
  return request(h.http)
    .post(path)
    .set('Authorization', a.auth)
    .send(body as object);
}
async function get(a: Auth, path: string) {
  const h = await harness();
  return request(h.http).get(path).set('Authorization', a.auth);
}

function personal(over: Record<string, unknown> = {}) {
  return {
    kind: 'personal',
    name: unique('Zhang San '),
    idType: 1,
    idNumber: residentId(),
    phone: mobile(),
    address: 'Hefei, Shushan district',
    ...over,
  };
}
function corporate(over: Record<string, unknown> = {}) {
  return {
    kind: 'corporate',
    name: unique('Wanjiang Logistics '),
    registrationNumber: letters(18),
    contactPerson: 'Li Si',
    contactPhone: mobile(),
    accountManager: 'Wang Wu',
    ...over,
  };
}
function vehicle(over: Record<string, unknown> = {}) {
  return {
    plate: plate(),
    plateColor: 0,
    vehicleClass: 1,
    category: 0,
    seats: 5,
    lengthMm: 4800,
    widthMm: 1800,
    heightMm: 1500,
    engineNo: 'EN1234567',
    ...over,
  };
}

// asserts a refusal: status, code, field, and that nothing in the database changed
async function refused(send: () => Promise<request.Response>, status: number, code: string, field?: string) {
  const before = await fingerprint();
  const res = await send();
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.error.code, code);
  if (field !== undefined) assert.equal(res.body.error.field, field);
  assert.deepEqual(await fingerprint(), before);
  return res;
}

describe('customers', () => {
  let clerk: Auth;
  let supervisor: Auth;
  before(async () => {
    clerk = await loginAs('clerk');
    supervisor = await loginAs('supervisor');
  });

  it('opens a personal customer with a prepaid account; PII is sealed, indexed and masked', async () => {
    const h = await harness();
    const body = personal();
    const res = await post(clerk, '/api/v1/customers', body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const c = res.body.customer;
    assert.equal(c.idNumberMask, `${body.idNumber.slice(0, 3)}***********${body.idNumber.slice(-4)}`);
    assert.equal(c.phoneMask, `${body.phone.slice(0, 3)}****${body.phone.slice(-4)}`);
    assert.equal(c.tier, 'ordinary');
    assert.equal(c.holdAutoList, false);
    assert.ok(!JSON.stringify(res.body).includes(body.idNumber) && !JSON.stringify(res.body).includes(body.phone));
    assert.deepEqual(
      { kind: res.body.account.kind, creditLimit: res.body.account.creditLimit },
      { kind: 'prepaid', creditLimit: 0 },
    );

    const row = await h.app.db('customers').where({ id: c.id }).first();
    for (const [column, value] of Object.entries(row)) {
      const text = Buffer.isBuffer(value) ? value.toString('latin1') + value.toString('utf8') : json(value);
      assert.ok(!text.includes(body.idNumber), `column ${column} holds the ID number`);
      assert.ok(!text.includes(body.phone), `column ${column} holds the phone`);
    }
    for (const col of ['id_number_sealed', 'phone_sealed', 'id_number_hash', 'phone_hash'])
      assert.ok(Buffer.isBuffer(row[col]) && row[col].length >= 32, col);
    assert.equal(h.app.keys.hsm.open('pii', row.id_number_sealed).toString(), body.idNumber);

    const ledger = await h.app
      .db('ledger_accounts')
      .where({ code: customerFundsCode(res.body.account.id) })
      .first();
    assert.equal(ledger.kind, 'liability');
    const events = await h.app.db('customer_events').where({ customer_id: c.id });
    assert.deepEqual(
      events.map((e) => e.action),
      ['customer.create'],
    );
    assert.ok(!json(events).includes(body.idNumber) && !json(events).includes(body.phone));
    const audits = await h.app.db('audit_log').where({ entity: 'customer', entity_id: String(c.id) });
    assert.deepEqual(
      audits.map((a) => a.action),
      ['customer.create'],
    );
  });

  it('opens a corporate customer; only a supervisor grants a debit account a credit limit', async () => {
    const debit = { kind: 'debit', creditLimit: 500000 };
    await refused(() => post(clerk, '/api/v1/customers', corporate({ account: debit })), 403, 'forbidden');
    const res = await post(supervisor, '/api/v1/customers', corporate({ account: debit }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.customer.kind, 'corporate');
    assert.equal(res.body.customer.registrationNumber.length, 18);
    assert.equal(res.body.customer.idNumberMask, null);
    assert.match(res.body.customer.phoneMask, /^138\*{4}\d{4}$/);
    assert.deepEqual({ kind: res.body.account.kind, creditLimit: res.body.account.creditLimit }, debit);
    await refused(
      () => post(supervisor, '/api/v1/customers', corporate({ account: { kind: 'prepaid', creditLimit: 100 } })),
      400,
      'invalid-request',
      'account.creditLimit',
    );
  });

  it('refuses duplicates and bad input with 409/400 naming the field, changing nothing', async () => {
    const body = personal();
    await post(clerk, '/api/v1/customers', body).then((r) => assert.equal(r.status, 201));
    // the same number typed in lower case is the same number
    await refused(
      () => post(clerk, '/api/v1/customers', personal({ idNumber: ` ${body.idNumber.toLowerCase()} ` })),
      409,
      'duplicate-id-number',
      'idNumber',
    );
    const corp = corporate();
    await post(clerk, '/api/v1/customers', corp).then((r) => assert.equal(r.status, 201));
    await refused(
      () => post(clerk, '/api/v1/customers', corporate({ registrationNumber: corp.registrationNumber })),
      409,
      'duplicate-registration-number',
      'registrationNumber',
    );

    const id = residentId();
    const wrongCheck = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    await refused(
      () => post(clerk, '/api/v1/customers', personal({ idNumber: wrongCheck })),
      400,
      'invalid-request',
      'idNumber',
    );
    await refused(
      () => post(clerk, '/api/v1/customers', personal({ phone: '12345' })),
      400,
      'invalid-request',
      'phone',
    );
    await refused(() => post(clerk, '/api/v1/customers', personal({ idType: 7 })), 400, 'invalid-request', 'idType');
    await refused(() => post(clerk, '/api/v1/customers', personal({ vip: true })), 400, 'invalid-request', 'vip');
    await refused(
      () => post(clerk, '/api/v1/customers', corporate({ registrationNumber: 'SHORT' })),
      400,
      'invalid-request',
      'registrationNumber',
    );
    await refused(
      () => post(clerk, '/api/v1/customers', { ...personal(), kind: 'alien' }),
      400,
      'invalid-request',
      'kind',
    );
    // one line of a receipt or an export each: a tab or a line break inside is refused
    const lines: Array<[Record<string, unknown>, string]> = [
      [personal({ name: '张\t三' }), 'name'],
      [personal({ address: '合肥市\n蜀山区' }), 'address'],
      [corporate({ contactPerson: '李四\r' + '王五' }), 'contactPerson'],
      [corporate({ accountManager: '赵六\u007f' }), 'accountManager'],
    ];
    for (const [b, field] of lines)
      await refused(() => post(clerk, '/api/v1/customers', b), 400, 'invalid-request', field);
  });

  it('refuses the unauthenticated (401) and the wrong role (403)', async () => {
    const h = await harness();
    const finance = await loginAs('finance');
    await refused(() => request(h.http).post('/api/v1/customers').send(personal()), 401, 'unauthenticated');
    await refused(() => post(finance, '/api/v1/customers', personal()), 403, 'forbidden');
    const created = await post(clerk, '/api/v1/customers', personal());
    const id = created.body.customer.id;
    await refused(
      () => post(clerk, `/api/v1/customers/${id}/tier`, { tier: 'important', reason: 'fleet of 200 trucks' }),
      403,
      'forbidden',
    );
    await refused(
      () => post(clerk, `/api/v1/customers/${id}/hold`, { holdAutoList: true, reason: 'agreement' }),
      403,
      'forbidden',
    );
    await refused(() => post(finance, `/api/v1/customers/${id}/pii-views`, { reason: 'curious' }), 403, 'forbidden');
    // finance may read the masked view
    assert.equal((await get(finance, `/api/v1/customers/${id}`)).status, 200);
  });

  it('finds customers by name prefix, plate, ID number, phone and card number, showing masks only', async () => {
    const body = personal({ name: unique('Qian ') });
    const created = await post(clerk, '/api/v1/customers', body);
    const id = created.body.customer.id;
    const v = vehicle({ plate: plate().toLowerCase() });
    assert.equal((await post(clerk, `/api/v1/customers/${id}/vehicles`, v)).status, 201);
    const phoneTyped = `${body.phone.slice(0, 3)} ${body.phone.slice(3, 7)}-${body.phone.slice(7)}`;
    const queries = {
      name: body.name.slice(0, 12).toUpperCase(),
      plate: v.plate,
      idNumber: body.idNumber.toLowerCase(),
      phone: phoneTyped,
    };
    for (const [k, value] of Object.entries(queries)) {
      const res = await get(clerk, `/api/v1/customers?${k}=${encodeURIComponent(value)}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.customers.map((c: { id: number }) => c.id),
        [id],
        k,
      );
      assert.ok(!res.text.includes(body.idNumber) && !res.text.includes(body.phone), k);
      assert.equal(res.body.customers[0].idNumberMask, created.body.customer.idNumberMask);
    }
    const none = await get(clerk, `/api/v1/customers?cardNo=${'3401'.padEnd(20, '9')}`);
    assert.deepEqual(none.body.customers, []);
    const both = await get(clerk, `/api/v1/customers?name=${encodeURIComponent(body.name)}&phone=${mobile()}`);
    assert.deepEqual(both.body.customers, []);
    await refused(() => get(clerk, '/api/v1/customers'), 400, 'invalid-request', 'query');
    await refused(() => get(clerk, '/api/v1/customers?name=x&secret=1'), 400, 'invalid-request', 'secret');
  });

  it('finds a customer by the number of a card issued to it', async () => {
    const h = await harness();
    const created = await post(clerk, '/api/v1/customers', personal());
    const id = BigInt(created.body.customer.id);
    const v = await post(clerk, `/api/v1/customers/${id}/vehicles`, vehicle());
    const cardNo = `3401${digits(16)}`;
    await insertCard(cardNo, id, BigInt(v.body.vehicle.id), 1);
    const res = await get(clerk, `/api/v1/customers?cardNo=${cardNo}`);
    assert.deepEqual(
      res.body.customers.map((c: { id: number }) => BigInt(c.id)),
      [id],
    );
    assert.ok(h);
  });

  it('shows the full ID number and phone only with a reason, and audits the view', async () => {
    const h = await harness();
    const auditor = await loginAs('auditor');
    const body = personal();
    const id = (await post(clerk, '/api/v1/customers', body)).body.customer.id;
    await refused(() => post(auditor, `/api/v1/customers/${id}/pii-views`, {}), 400, 'invalid-request', 'reason');
    const res = await post(auditor, `/api/v1/customers/${id}/pii-views`, {
      reason: 'complaint 2024-118: identity check',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.idNumber, body.idNumber);
    assert.equal(res.body.phone, body.phone);
    const rows = await h.app.db('audit_log').where({ action: 'customer.pii-view', entity_id: String(id) });
    assert.equal(rows.length, 1);
    assert.equal(rows[0].detail.reason, 'complaint 2024-118: identity check');
    assert.ok(!JSON.stringify(rows[0].detail).includes(body.idNumber));
  });

  it('opens the ID number for card personalisation, auditing it', async () => {
    const h = await harness();
    const body = personal();
    const id = BigInt((await post(clerk, '/api/v1/customers', body)).body.customer.id);
    const ctx = {
      app: h.app,
      db: h.app.db,
      actor: { kind: 'client' as const, id: 'issuance-test', role: 'bank' as const },
      requestId: 'r1',
      ip: '127.0.0.1',
    };
    assert.deepEqual(await cardholderForPersonalisation(h.app.db, ctx, id), {
      name: body.name,
      idType: 1,
      idNumber: body.idNumber,
    });
    const rows = await h.app.db('audit_log').where({ action: 'customer.pii-view', entity_id: String(id) });
    assert.equal(rows[0].detail.reason, 'card personalisation');
    assert.equal((await getCustomer(h.app.db, id)).idNumberMask?.length, 18);
    await assert.rejects(getCustomer(h.app.db, 999999999n), { code: 'customer-not-found' });
  });

  it('records changes with masked values; tier and hold need a supervisor and a reason', async () => {
    const h = await harness();
    const body = personal();
    const id = (await post(clerk, '/api/v1/customers', body)).body.customer.id;
    const newPhone = mobile();
    const patched = await request(h.http)
      .patch(`/api/v1/customers/${id}`)
      .set('Authorization', clerk.auth)
      .send({ phone: newPhone, address: 'Wuhu', reason: 'customer moved' });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.customer.phoneMask, `138****${newPhone.slice(-4)}`);
    await refused(
      () =>
        request(h.http).patch(`/api/v1/customers/${id}`).set('Authorization', clerk.auth).send({ accountManager: 'x' }),
      400,
      'invalid-request',
      'accountManager',
    );
    await refused(
      () =>
        request(h.http)
          .patch(`/api/v1/customers/${id}`)
          .set('Authorization', clerk.auth)
          .send({ name: 'Zhang\nSan', reason: 'typo' }),
      400,
      'invalid-request',
      'name',
    );
    await refused(
      () => post(supervisor, `/api/v1/customers/${id}/tier`, { tier: 'important' }),
      400,
      'invalid-request',
      'reason',
    );
    const tier = await post(supervisor, `/api/v1/customers/${id}/tier`, {
      tier: 'important',
      reason: 'provincial logistics partner',
    });
    assert.equal(tier.body.customer.tier, 'important');
    const hold = await post(supervisor, `/api/v1/customers/${id}/hold`, {
      holdAutoList: true,
      reason: 'listing waits for review',
    });
    assert.equal(hold.body.customer.holdAutoList, true);

    const events = await h.app.db('customer_events').where({ customer_id: id }).orderBy('id');
    assert.deepEqual(
      events.map((e) => e.action),
      ['customer.create', 'customer.update', 'customer.tier', 'customer.hold'],
    );
    assert.deepEqual(events[1].changes.phone, {
      from: `138****${body.phone.slice(-4)}`,
      to: `138****${newPhone.slice(-4)}`,
    });
    assert.equal(events[1].reason, 'customer moved');
    assert.equal(events[2].reason, 'provincial logistics partner');
    assert.ok(!json(events).includes(newPhone) && !json(events).includes(body.phone));
    const audits = await h.app
      .db('audit_log')
      .where({ entity: 'customer', entity_id: String(id) })
      .orderBy('id');
    assert.deepEqual(
      audits.map((a) => a.action),
      ['customer.create', 'customer.update', 'customer.tier', 'customer.hold'],
    );
    const history = await get(clerk, `/api/v1/customers/${id}/events`);
    assert.equal(history.body.events.length, 4);
  });

  it('a bank opens a customer with a signed, idempotent request; a replay returns the same customer', async () => {
    const h = await harness();
    const bank = await newClient('bank');
    const body = personal();
    const key = unique('open-');
    const first = await signed(bank, 'post', '/api/v1/customers', body, { idempotencyKey: key });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const before = await fingerprint();
    const again = await signed(bank, 'post', '/api/v1/customers', body, { idempotencyKey: key });
    assert.equal(again.status, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.body, first.body);
    assert.deepEqual(await fingerprint(), before);
    const rows = await h.app.db('customers').where({ name: body.name });
    assert.equal(rows.length, 1);
    const noKey = await signed(bank, 'post', '/api/v1/customers', personal());
    assert.equal(noKey.status, 400);
    // the bank adds a vehicle to its customer and reads it back; another's customer is invisible to it
    const id = first.body.customer.id;
    const v = await signed(bank, 'post', `/api/v1/customers/${id}/vehicles`, vehicle(), {
      idempotencyKey: unique('veh-'),
    });
    assert.equal(v.status, 201, JSON.stringify(v.body));
    assert.equal((await signed(bank, 'get', `/api/v1/customers/${id}`)).status, 200);
    const other = (await post(clerk, '/api/v1/customers', personal())).body.customer.id;
    assert.equal((await signed(bank, 'get', `/api/v1/customers/${other}`)).status, 404);
    const credit = await signed(
      bank,
      'post',
      '/api/v1/customers',
      corporate({ account: { kind: 'debit', creditLimit: 100 } }),
      { idempotencyKey: unique('k-') },
    );
    assert.equal(credit.status, 403);
  });
});

// A card row as issuance would write it, so that vehicle removal and card search can be tested
// before issuance's own functions exist here.
async function insertCard(cardNo: string, customerId: bigint, vehicleId: bigint, status: number) {
  const h = await harness();
  const account = await getAccountOfCustomer(h.app.db, customerId);
  const now = h.clock.now();
  await h.app.db('cards').insert({
    card_no: cardNo,
    card_type: 22,
    customer_id: customerId,
    vehicle_id: vehicleId,
    account_id: account.id,
    status,
    start_date: '2024-01-01',
    expiry_date: '2034-01-01',
    issued_at: now,
    issued_by: 'test',
    status_changed_at: now,
  });
}

describe('vehicles', () => {
  let clerk: Auth;
  let customerId: number;
  before(async () => {
    clerk = await loginAs('clerk');
    customerId = (await post(clerk, '/api/v1/customers', corporate())).body.customer.id;
  });

  it('registers vehicles with all their fields, normalising the plate', async () => {
    const truck = vehicle({
      plate: ' 皖a·k2345 ',
      plateColor: 1,
      vehicleClass: 13,
      category: 14,
      axles: 3,
      wheels: 10,
      seats: null,
      loadKg: 18000,
      lengthMm: 9000,
      widthMm: 2500,
      heightMm: 3500,
      wheelbaseMm: 5000,
      vin: 'lfv2a21k6a3123456',
      description: 'dump truck',
    });
    const res = await post(clerk, `/api/v1/customers/${customerId}/vehicles`, truck);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const v = res.body.vehicle;
    assert.equal(v.plate, '皖AK2345');
    assert.equal(v.vin, 'LFV2A21K6A3123456');
    assert.deepEqual(
      { axles: v.axles, loadKg: v.loadKg, category: v.category, status: v.status },
      { axles: 3, loadKg: 18000, category: 14, status: 'active' },
    );
    const h = await harness();
    const view = await getVehicle(h.app.db, BigInt(v.id));
    assert.equal(view.wheelbaseMm, 5000);
    assert.equal(view.customerId, BigInt(customerId));
    // a new-energy (green) plate has six characters after the letter
    const ev = await post(
      clerk,
      `/api/v1/customers/${customerId}/vehicles`,
      vehicle({ plate: `皖A${letters(6)}`, plateColor: 4 }),
    );
    assert.equal(ev.status, 201, JSON.stringify(ev.body));
    const detail = await get(clerk, `/api/v1/customers/${customerId}`);
    assert.equal(detail.body.vehicles.length, 2);
    assert.equal((await get(clerk, `/api/v1/vehicles/${v.id}`)).body.vehicle.plate, '皖AK2345');
  });

  it('refuses a duplicate plate, bad plates, unknown codes, a truck without VIN and unknown fields', async () => {
    const p = plate();
    assert.equal((await post(clerk, `/api/v1/customers/${customerId}/vehicles`, vehicle({ plate: p }))).status, 201);
    const url = `/api/v1/customers/${customerId}/vehicles`;
    await refused(() => post(clerk, url, vehicle({ plate: p })), 409, 'duplicate-plate', 'plate');
    for (const bad of ['AB12345', '皖I12345', '皖A1234', '皖A123456', 'X皖12345']) {
      await refused(() => post(clerk, url, vehicle({ plate: bad })), 400, 'invalid-request', 'plate');
    }
    await refused(
      () => post(clerk, url, vehicle({ plate: `皖A${letters(5)}`, plateColor: 4 })),
      400,
      'invalid-request',
      'plate',
    );
    await refused(() => post(clerk, url, vehicle({ vehicleClass: 7 })), 400, 'invalid-request', 'vehicleClass');
    await refused(() => post(clerk, url, vehicle({ category: 3 })), 400, 'invalid-request', 'category');
    await refused(() => post(clerk, url, vehicle({ plateColor: 8 })), 400, 'invalid-request', 'plateColor');
    await refused(() => post(clerk, url, vehicle({ vehicleClass: 12, axles: 2 })), 400, 'invalid-request', 'vin');
    await refused(
      () => post(clerk, url, vehicle({ vehicleClass: 12, vin: 'LFV2A21K6A312345O' })),
      400,
      'invalid-request',
      'vin',
    );
    await refused(() => post(clerk, url, vehicle({ colour: 'red' })), 400, 'invalid-request', 'colour');
    await refused(() => post(clerk, '/api/v1/customers/999999999/vehicles', vehicle()), 404, 'customer-not-found');
  });

  it('removes a vehicle with a reason, but not while a card is in service', async () => {
    const h = await harness();
    const p = plate();
    const v = (await post(clerk, `/api/v1/customers/${customerId}/vehicles`, vehicle({ plate: p }))).body.vehicle;
    await insertCard(`3401${digits(16)}`, BigInt(customerId), BigInt(v.id), 6);
    await refused(() => post(clerk, `/api/v1/vehicles/${v.id}/remove`, { reason: 'sold' }), 409, 'vehicle-in-use');
    await refused(() => post(clerk, `/api/v1/vehicles/${v.id}/remove`, {}), 400, 'invalid-request', 'reason');

    const free = (await post(clerk, `/api/v1/customers/${customerId}/vehicles`, vehicle())).body.vehicle;
    const removed = await post(clerk, `/api/v1/vehicles/${free.id}/remove`, { reason: 'vehicle sold' });
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    assert.equal(removed.body.vehicle.status, 'removed');
    // the plate is free again once its vehicle is removed
    assert.equal(
      (await post(clerk, `/api/v1/customers/${customerId}/vehicles`, vehicle({ plate: free.plate }))).status,
      201,
    );
    await refused(() => post(clerk, `/api/v1/vehicles/${free.id}/remove`, { reason: 'again' }), 409, 'vehicle-removed');
    const event = await h.app
      .db('customer_events')
      .where({ customer_id: customerId, action: 'vehicle.remove' })
      .first();
    assert.equal(event.reason, 'vehicle sold');
  });
});
