// Refusals the pipeline makes once for every route: NUL characters anywhere in the input, bodies that
// are not JSON, short reasons; lane clients only for lanes that exist; and an idempotent replay that
// is the first answer byte for byte (ICD §0). Every refusal leaves every table as it was.
import assert from 'node:assert/strict';
import request from 'supertest';
import { fingerprint, harness, loginAs, newClient, signed, unique } from '../helpers/harness.ts';
import { customerWithVehicle, mobile, residentId } from '../helpers/fixtures.ts';
import { seedDemoNetwork } from '../../src/modules/lanes/index.ts';
import { REASON_MIN_LENGTH } from '../../src/platform/http/schemas.ts';

describe('request hardening', () => {
  it('refuses a NUL character in a query parameter, a body string, a nested body string and a path parameter with 400, changing nothing', async () => {
    const h = await harness();
    const { auth } = await loginAs('clerk');
    const f = await customerWithVehicle(auth);
    const bank = await newClient('bank');
    const before = await fingerprint();

    const query = await request(h.http)
      .get('/api/v1/customers')
      .query({ name: 'Zh\u0000ang' })
      .set('Authorization', auth);
    assert.equal(query.status, 400);
    assert.deepEqual([query.body.error.code, query.body.error.field], ['invalid-request', 'name']);
    assert.match(query.body.error.message, /NUL/);

    const body = await request(h.http)
      .post('/api/v1/customers')
      .set('Authorization', auth)
      .send({ kind: 'personal', name: 'a\u0000b', idType: 1, idNumber: residentId(), phone: mobile() });
    assert.equal(body.status, 400);
    assert.deepEqual([body.body.error.code, body.body.error.field], ['invalid-request', 'name']);

    const patch = await request(h.http)
      .patch(`/api/v1/customers/${f.customerId}`)
      .set('Authorization', auth)
      .send({ address: '\u0000', reason: 'moved house' });
    assert.equal(patch.status, 400);
    assert.equal(patch.body.error.field, 'address');

    // nested: a machine's load with a NUL in the payment reference (signed over the exact bytes); a
    // line break is no NUL but is refused the same: the bank's reference is one line of the load's record
    for (const reference of ['ICBC\u0000001', 'ICBC\n001']) {
      const nested = await signed(
        bank,
        'post',
        '/api/v1/channel/loads',
        {
          cardNo: '34011901220111000001',
          amount: 100,
          terminalId: '001122334455',
          card: { balance: 0, onlineSeq: 1, keyVersion: 1, algId: 0, random: '1A2B3C4D', mac1: '8F00A1B2' },
          payment: { method: 'bank-account', reference },
        },
        { idempotencyKey: unique('ref') },
      );
      assert.deepEqual(
        [nested.status, nested.body.error.code, nested.body.error.field],
        [400, 'invalid-request', 'payment.reference'],
        JSON.stringify(reference),
      );
    }

    const inArray = await signed(
      bank,
      'post',
      '/api/v1/channel/reconciliation/2026-11-22',
      {
        lines: [
          {
            bankReference: 'R\u00001',
            cardNo: '34011901220111000001',
            amount: 1,
            status: 'confirmed',
            time: '2026-11-22T10:00:00+08:00',
          },
        ],
      },
      { idempotencyKey: unique('nul') },
    );
    assert.equal(inArray.status, 400);
    assert.equal(inArray.body.error.field, 'lines[0].bankReference');

    const path = await request(h.http).get('/api/v1/customers/1%00').set('Authorization', auth);
    assert.equal(path.status, 400);
    assert.deepEqual([path.body.error.code, path.body.error.field], ['invalid-request', 'customerId']);

    assert.deepEqual(await fingerprint(), before);
  });

  it('refuses a body that is not JSON with 415 before validating it, for people and machines, changing nothing', async () => {
    const h = await harness();
    const { auth } = await loginAs('clerk');
    const bank = await newClient('bank');
    const before = await fingerprint();
    const text = await request(h.http)
      .post('/api/v1/customers')
      .set('Authorization', auth)
      .set('Content-Type', 'text/plain')
      .send('{"kind":"personal"}');
    assert.equal(text.status, 415);
    assert.equal(text.body.error.code, 'unsupported-media-type');
    const form = await request(h.http)
      .post('/api/v1/customers')
      .set('Authorization', auth)
      .type('form')
      .send({ kind: 'personal' });
    assert.equal(form.status, 415);
    assert.equal(form.body.error.code, 'unsupported-media-type');
    // a machine's signature is over the bytes it sent, whatever their type: the refusal is 415, not 401
    const { createHmac } = await import('node:crypto');
    const { stringToSign } = await import('../../src/platform/http/auth.ts');
    const raw = 'cardNo=34011901220111000001';
    const ts = String(h.clock.now().getTime());
    const sig = createHmac('sha256', bank.secret)
      .update(stringToSign('post', '/api/v1/channel/loads', ts, Buffer.from(raw)))
      .digest('hex');
    const machine = await request(h.http)
      .post('/api/v1/channel/loads')
      .set('X-Client-Id', bank.id)
      .set('X-Timestamp', ts)
      .set('X-Signature', sig)
      .set('Idempotency-Key', unique('text'))
      .set('Content-Type', 'text/plain')
      .send(raw);
    assert.equal(machine.status, 415);
    assert.equal(machine.body.error.code, 'unsupported-media-type');
    assert.deepEqual(await fingerprint(), before);
  });

  it('parses a JSON body from its exact bytes: a BOM and utf-8 taken, another charset 415, a body that does not inflate or parse 400, changing nothing', async () => {
    const h = await harness();
    const { auth } = await loginAs('clerk');
    const { gzipSync } = await import('node:zlib');
    const post = (bytes: Buffer, type: string, encoding?: string) => {
      const r = request(h.http)
        .post('/api/v1/customers')
        .set('Authorization', auth)
        .set('Content-Type', type)
        .serialize((b: unknown) => b as string);
      if (encoding) r.set('Content-Encoding', encoding);
      return r.send(bytes as unknown as string);
    };
    const before = await fingerprint();
    const latin1 = await post(
      Buffer.from('{"kind":"personal","name":"Zh\xe4ng"}', 'latin1'),
      'application/json; charset=iso-8859-1',
    );
    assert.equal(latin1.status, 415);
    assert.equal(latin1.body.error.code, 'unsupported-media-type');
    const brokenGzip = await post(
      Buffer.concat([gzipSync('{"kind":"personal"}').subarray(0, 12), Buffer.alloc(8)]),
      'application/json',
      'gzip',
    );
    assert.equal(brokenGzip.status, 400);
    assert.deepEqual(
      [brokenGzip.body.error.code, brokenGzip.body.error.message],
      ['invalid-request', 'body: malformed content encoding'],
    );
    for (const bad of ['"a string"', '{"kind":', '12']) {
      const r = await post(Buffer.from(bad), 'application/json');
      assert.equal(r.status, 400, bad);
      assert.deepEqual([r.body.error.code, r.body.error.message], ['invalid-request', 'body: malformed JSON']);
    }
    assert.deepEqual(await fingerprint(), before);

    // the same customer as utf-8 with a byte-order mark, gzipped: created, the name as sent
    const customer = { kind: 'personal', name: '张三丰', idType: 1, idNumber: residentId(), phone: mobile() };
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(customer), 'utf8')]);
    const created = await post(gzipSync(bom), 'application/json; charset=UTF-8', 'gzip');
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const row = await h.app.db('customers').where({ id: created.body.customer.id }).first('name');
    assert.equal(row.name, '张三丰');
  });

  it('says a reason is too short by its minimum length, and takes one of exactly that length', async () => {
    const h = await harness();
    const { auth } = await loginAs('clerk');
    const f = await customerWithVehicle(auth);
    const before = await fingerprint();
    for (const reason of ['x', ' x ', '']) {
      const res = await request(h.http)
        .post(`/api/v1/customers/${f.customerId}/pii-views`)
        .set('Authorization', auth)
        .send({ reason });
      assert.equal(res.status, 400, JSON.stringify(reason));
      assert.equal(res.body.error.field, 'reason');
      assert.equal(
        res.body.error.message,
        `reason: must be at least ${REASON_MIN_LENGTH} characters (after trimming spaces)`,
      );
    }
    const long = await request(h.http)
      .post(`/api/v1/customers/${f.customerId}/pii-views`)
      .set('Authorization', auth)
      .send({ reason: 'x'.repeat(501) });
    assert.equal(long.status, 400);
    assert.equal(long.body.error.message, 'reason: must be at most 500 characters');
    assert.deepEqual(await fingerprint(), before);
    await request(h.http)
      .post(`/api/v1/customers/${f.customerId}/pii-views`)
      .set('Authorization', auth)
      .send({ reason: 'y'.repeat(REASON_MIN_LENGTH) })
      .expect(200);
  });

  it('creates a lane client only for a lane that exists (lane-not-found otherwise), changing nothing', async () => {
    const h = await harness();
    await seedDemoNetwork(h.app.db);
    const { auth } = await loginAs('admin');
    const before = await fingerprint();
    const ghost = await request(h.http)
      .post('/api/v1/clients')
      .set('Authorization', auth)
      .send({ id: 'L340199-07', role: 'lane' });
    assert.equal(ghost.status, 404);
    assert.deepEqual([ghost.body.error.code, ghost.body.error.field], ['lane-not-found', 'id']);
    assert.deepEqual(await fingerprint(), before);
    // a bank's or a province's id is not a lane id: no lane is looked for
    const bank = await request(h.http)
      .post('/api/v1/clients')
      .set('Authorization', auth)
      .send({ id: unique('BANK'), role: 'bank' });
    assert.equal(bank.status, 201);
    // a lane of the network no client has yet (other tests take the demo lanes' ids)
    const station = (await h.app.db('lanes').first('station_id')).station_id as number;
    const taken = await h.app.db('lanes').where({ station_id: station }).pluck('lane_no');
    const laneNo = Array.from({ length: 99 }, (_v, i) => i + 1).find((n) => !taken.includes(n))!;
    const lane = { id: `L${station}-${String(laneNo).padStart(2, '0')}` };
    await h.app
      .db('lanes')
      .insert({ id: lane.id, station_id: station, lane_no: laneNo, direction: 'entry', etc_enabled: false });
    const made = await request(h.http)
      .post('/api/v1/clients')
      .set('Authorization', auth)
      .send({ id: lane.id, role: 'lane' });
    assert.equal(made.status, 201);
    assert.deepEqual([made.body.client.id, made.body.client.role], [lane.id, 'lane']);
    // the lane and its client go again: other tests count the network's lanes and make their clients
    await h.app.db('api_clients').where({ id: lane.id }).del();
    await h.app.db('lanes').where({ id: lane.id }).del();
  });

  it('replays an idempotent answer byte for byte: members and nested members in the first answer’s order', async () => {
    const h = await harness();
    const bank = await newClient('bank');
    const key = unique('replay');
    const body = { kind: 'personal', name: '李四', idType: 1, idNumber: residentId(), phone: mobile() };
    const first = await signed(bank, 'post', '/api/v1/customers', body, { idempotencyKey: key });
    assert.equal(first.status, 201);
    assert.ok(Object.keys(first.body).length >= 2, first.text);
    const nested = Object.values(first.body).find((v) => v !== null && typeof v === 'object') as object;
    assert.ok(Object.keys(nested).length >= 3, 'a nested object with several members');
    const before = await fingerprint();
    const again = await signed(bank, 'post', '/api/v1/customers', body, { idempotencyKey: key });
    assert.equal(again.status, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.text, first.text);
    assert.deepEqual(await fingerprint(), before);
  });
});
