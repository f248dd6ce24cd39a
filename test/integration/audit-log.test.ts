// Reading the audit trail: auditors and supervisors only, filters, keyset pages, masked personal data,
// and the CSV export, itself audited.
import assert from 'node:assert/strict';
import request from 'supertest';
import { customerWithVehicle, mobile } from '../helpers/fixtures.ts';
import { fingerprint, harness, loginAs, newClient, signed } from '../helpers/harness.ts';

const get = async (auth: string, path: string) =>
  request((await harness()).http)
    .get(path)
    .set('Authorization', auth);

describe('audit log query and export', () => {
  let clerk: { auth: string; userId: bigint };
  let auditor: { auth: string; userId: bigint };
  let supervisor: string;
  let customerId: number;
  let idNumber: string;
  let oldPhone: string;
  let newPhone: string;
  const t0 = new Date(Date.now() - 5_000);

  before(async () => {
    const h = await harness();
    clerk = await loginAs('clerk');
    auditor = await loginAs('auditor');
    supervisor = (await loginAs('supervisor')).auth;
    const f = await customerWithVehicle(clerk.auth);
    customerId = f.customerId;
    idNumber = f.idNumber;
    oldPhone = f.phone;
    newPhone = mobile();
    await request(h.http)
      .patch(`/api/v1/customers/${customerId}`)
      .set('Authorization', clerk.auth)
      .send({ name: '王五', phone: newPhone, address: '合肥市蜀山区长江西路 100 号', reason: 'moved' })
      .expect(200);
    await request(h.http)
      .post(`/api/v1/customers/${customerId}/pii-views`)
      .set('Authorization', clerk.auth)
      .send({ reason: 'customer at the counter' })
      .expect(200);
  });

  it('lets auditors and supervisors read it, nobody else', async () => {
    for (const auth of [auditor.auth, supervisor]) assert.equal((await get(auth, '/api/v1/audit-log')).status, 200);
    for (const role of ['clerk', 'finance', 'admin'] as const) {
      const res = await get((await loginAs(role)).auth, '/api/v1/audit-log');
      assert.deepEqual([res.status, res.body.error.code], [403, 'forbidden'], role);
    }
    const bank = await signed(await newClient('bank'), 'get', '/api/v1/audit-log');
    assert.equal(bank.status, 403);
  });

  it("finds a customer's rows by subject, actor, action and time, with personal data masked", async () => {
    const subject = `subjectType=customer&subjectId=${customerId}`;
    const all = await get(auditor.auth, `/api/v1/audit-log?${subject}`);
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.entries.map((e: { action: string }) => e.action),
      ['customer.pii-view', 'customer.update', 'customer.create'],
    );
    const update = all.body.entries[1];
    assert.deepEqual(update.actor, { kind: 'user', id: String(clerk.userId) });
    assert.equal(update.detail.changes.name.to, '王*');
    assert.match(update.detail.changes.phone.to, /^\d{3}\*{4}\d{4}$/);
    assert.equal(update.detail.changes.address.to, '合肥市***');
    const text = JSON.stringify(all.body);
    for (const secret of [idNumber, oldPhone, newPhone, '王五', '长江西路']) assert.ok(!text.includes(secret), secret);

    const byActor = await get(auditor.auth, `/api/v1/audit-log?${subject}&actor=user:${clerk.userId}`);
    assert.equal(byActor.body.entries.length, 3);
    const other = await get(auditor.auth, `/api/v1/audit-log?${subject}&actor=user:${auditor.userId}`);
    assert.equal(other.body.entries.length, 0);
    const exact = await get(auditor.auth, `/api/v1/audit-log?${subject}&action=customer.update`);
    assert.deepEqual(
      exact.body.entries.map((e: { action: string }) => e.action),
      ['customer.update'],
    );
    const prefix = await get(auditor.auth, `/api/v1/audit-log?actor=user:${clerk.userId}&action=vehicle.*`);
    assert.ok(prefix.body.entries.length >= 1);
    assert.ok(prefix.body.entries.every((e: { action: string }) => e.action.startsWith('vehicle.')));
    const before = new Date(t0.getTime() - 60_000).toISOString();
    const early = await get(auditor.auth, `/api/v1/audit-log?${subject}&to=${encodeURIComponent(before)}`);
    assert.equal(early.body.entries.length, 0);
    const since = await get(auditor.auth, `/api/v1/audit-log?${subject}&from=${encodeURIComponent(t0.toISOString())}`);
    assert.equal(since.body.entries.length, 3);
  });

  it('pages newest first with a cursor, each row once', async () => {
    const q = `/api/v1/audit-log?actor=user:${clerk.userId}`;
    const whole = (await get(auditor.auth, `${q}&limit=500`)).body.entries.map((e: { id: number }) => e.id);
    assert.ok(whole.length >= 4, `rows: ${whole.length}`);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(auditor.auth, `${q}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200);
      assert.ok(page.body.entries.length <= 2);
      seen.push(...page.body.entries.map((e: { id: number }) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, whole);
    assert.deepEqual(
      [...whole].sort((a, b) => b - a),
      whole,
    );
  });

  it('refuses bad filters with 400 naming the field, changing nothing', async () => {
    const before = await fingerprint();
    const cases: [string, string][] = [
      ['from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'to'],
      ['from=yesterday', 'from'],
      ['to=9999-12-31T23:00:00-12:00', 'to'], // year 10000 in UTC
      ['cursor=abc', 'cursor'],
      ['limit=501', 'limit'],
      ['subjectType=Customer;drop', 'subjectType'],
      ['action=customer.%25', 'action'],
      ['actor=user%0A1', 'actor'],
      ['subjectId=7%1B8', 'subjectId'],
      ['who=me', ''],
    ];
    for (const [query, field] of cases) {
      const res = await get(auditor.auth, `/api/v1/audit-log?${query}`);
      assert.deepEqual([res.status, res.body.error.code], [400, 'invalid-request'], query);
      if (field) assert.equal(res.body.error.field, field, query);
      const csv = await get(auditor.auth, `/api/v1/audit-log/export?${query}`);
      if (!query.startsWith('cursor') && !query.startsWith('limit')) assert.equal(csv.status, 400, `export ${query}`);
    }
    assert.deepEqual(await fingerprint(), before);
  });

  it('exports the same filters as CSV, masked, and records the export', async () => {
    const res = await get(auditor.auth, `/api/v1/audit-log/export?subjectType=customer&subjectId=${customerId}`);
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/csv/);
    assert.match(res.headers['content-disposition'], /attachment; filename="audit-log.csv"/);
    const lines = res.text.trimEnd().split('\r\n');
    assert.equal(lines[0], 'id,at,actor_kind,actor_id,action,subject_type,subject_id,detail,source_ip,request_id');
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(',')[4]),
      ['customer.pii-view', 'customer.update', 'customer.create'],
    );
    for (const secret of [idNumber, oldPhone, newPhone, '王五']) assert.ok(!res.text.includes(secret), secret);
    const trail = await get(auditor.auth, `/api/v1/audit-log?action=audit-log.export&actor=user:${auditor.userId}`);
    assert.equal(trail.body.entries.length, 1);
    assert.deepEqual(trail.body.entries[0].detail.filters, { subjectType: 'customer', subjectId: String(customerId) });
  });
});
