// Personal-data exports: request → approval by another supervisor → download by the requester within
// 24 hours, every step audited, every refusal changing nothing.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createUser } from '../../src/modules/access/service.ts';
import { mobile, residentId } from '../helpers/fixtures.ts';
import { fingerprint, harness, loginAs, unique } from '../helpers/harness.ts';

type User = { auth: string; username: string; password: string };

async function user(role: 'clerk' | 'supervisor' | 'finance'): Promise<User & { login: () => Promise<string> }> {
  const h = await harness();
  const username = unique(role.slice(0, 3));
  const { password } = await createUser(h.app.db, null, { username, displayName: `Test ${role}`, role });
  const login = async () =>
    `Bearer ${(await request(h.http).post('/api/v1/sessions').send({ username, password }).expect(201)).body.token}`;
  return { auth: await login(), username, password, login };
}

const post = async (auth: string, path: string, body: unknown) =>
  request((await harness()).http)
    .post(path)
    .set('Authorization', auth)
    .set('Idempotency-Key', randomUUID())
    .send(body as object);
const get = async (auth: string, path: string) =>
  request((await harness()).http)
    .get(path)
    .set('Authorization', auth);

describe('personal-data exports', () => {
  let clerk: Awaited<ReturnType<typeof user>>;
  let otherClerk: string;
  let supA: Awaited<ReturnType<typeof user>>;
  let supB: string;
  let finance: string;
  let auditor: string;
  const prefix = unique('Exp');
  const people: { id: number; accountId: number; idNumber: string; phone: string }[] = [];

  before(async () => {
    clerk = await user('clerk');
    supA = await user('supervisor');
    supB = (await loginAs('supervisor')).auth;
    otherClerk = (await loginAs('clerk')).auth;
    finance = (await loginAs('finance')).auth;
    auditor = (await loginAs('auditor')).auth;
    for (const n of ['A', 'B']) {
      const idNumber = residentId();
      const phone = mobile();
      const c = await post(clerk.auth, '/api/v1/customers', {
        kind: 'personal',
        name: `${prefix} ${n}`,
        idType: 1,
        idNumber,
        phone,
      });
      assert.equal(c.status, 201);
      people.push({ id: c.body.customer.id, accountId: c.body.account.id, idNumber, phone });
    }
    for (const amount of [5000, 2500])
      assert.equal(
        (await post(clerk.auth, `/api/v1/accounts/${people[0].accountId}/deposits`, { amount, method: 'cash' })).status,
        201,
      );
    // a customer outside the filter
    await post(clerk.auth, '/api/v1/customers', {
      kind: 'personal',
      name: unique('Other'),
      idType: 1,
      idNumber: residentId(),
      phone: mobile(),
    });
  });

  const customersExport = (pii: 'masked' | 'full') => ({
    kind: 'customers',
    pii,
    reason: 'yearly review of the fleet customers',
    parameters: { namePrefix: prefix },
  });

  it('runs request → approval by another supervisor → download, audited at each step', async () => {
    const asked = await post(clerk.auth, '/api/v1/exports', customersExport('full'));
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    const id = asked.body.request.id;
    assert.deepEqual(
      [asked.body.request.status, asked.body.request.requestedBy],
      ['requested', `user:${clerk.username}`],
    );

    const before = await fingerprint();
    const early = await get(clerk.auth, `/api/v1/exports/${id}/download`);
    assert.deepEqual([early.status, early.body.error.code], [409, 'export-not-approved']);
    const byClerk = await post(clerk.auth, `/api/v1/exports/${id}/approve`, { note: 'ok' });
    assert.deepEqual([byClerk.status, byClerk.body.error.code], [403, 'forbidden']);
    assert.deepEqual(await fingerprint(), before);

    const approved = await post(supB, `/api/v1/exports/${id}/approve`, { note: 'needed for the review' });
    assert.equal(approved.status, 200);
    assert.equal(approved.body.request.status, 'approved');
    assert.equal(
      new Date(approved.body.request.expiresAt).getTime() - new Date(approved.body.request.decidedAt).getTime(),
      24 * 3_600_000,
    );
    const after = await fingerprint();
    const again = await post(supB, `/api/v1/exports/${id}/reject`, { note: 'changed my mind' });
    assert.deepEqual([again.status, again.body.error.code], [409, 'request-state-conflict']);
    // only the requester downloads: another clerk does not even see it, a supervisor may not take it
    const other = await get(otherClerk, `/api/v1/exports/${id}/download`);
    assert.deepEqual([other.status, other.body.error.code], [404, 'request-not-found']);
    const sup = await get(supB, `/api/v1/exports/${id}/download`);
    assert.deepEqual([sup.status, sup.body.error.code], [403, 'forbidden']);
    assert.deepEqual(await fingerprint(), after);

    const file = await get(clerk.auth, `/api/v1/exports/${id}/download`);
    assert.equal(file.status, 200);
    assert.match(file.headers['content-type'], /^text\/csv/);
    assert.match(file.headers['content-disposition'], new RegExp(`export-${id}-customers.csv`));
    const lines = file.text.trimEnd().split('\r\n');
    assert.equal(
      lines[0],
      'customer_id,kind,name,id_type,id_number,phone,registration_number,contact_person,address,tier,status,created_at',
    );
    assert.equal(lines.length, 3);
    for (const [i, p] of people.entries()) {
      const cells = lines[i + 1].split(',');
      assert.deepEqual(cells.slice(0, 6), [String(p.id), 'personal', `${prefix} ${'AB'[i]}`, '1', p.idNumber, p.phone]);
    }
    const trail = await get(auditor, `/api/v1/audit-log?subjectType=export&subjectId=${id}`);
    assert.deepEqual(
      trail.body.entries.map((e: { action: string }) => e.action),
      ['export.download', 'export.approve', 'export.request'],
    );
    const view = await get(clerk.auth, `/api/v1/exports/${id}`);
    assert.equal(view.body.request.downloads, 1);
  });

  it('a supervisor may not approve an own request (four eyes), and a rejected one cannot be downloaded', async () => {
    const own = await post(supA.auth, '/api/v1/exports', customersExport('masked'));
    assert.equal(own.status, 201);
    const before = await fingerprint();
    for (const decision of ['approve', 'reject']) {
      const self = await post(supA.auth, `/api/v1/exports/${own.body.request.id}/${decision}`, { note: 'mine' });
      assert.deepEqual([self.status, self.body.error.code], [409, 'four-eyes-required']);
    }
    assert.deepEqual(await fingerprint(), before);
    const rejected = await post(supB, `/api/v1/exports/${own.body.request.id}/reject`, { note: 'no need' });
    assert.equal(rejected.body.request.status, 'rejected');
    const after = await fingerprint();
    const dl = await get(supA.auth, `/api/v1/exports/${own.body.request.id}/download`);
    assert.deepEqual([dl.status, dl.body.error.code], [409, 'export-not-approved']);
    assert.deepEqual(await fingerprint(), after);
  });

  it('masks ID numbers and phones unless full PII was asked for', async () => {
    const asked = await post(clerk.auth, '/api/v1/exports', customersExport('masked'));
    await post(supB, `/api/v1/exports/${asked.body.request.id}/approve`, { note: 'ok' });
    const file = await get(clerk.auth, `/api/v1/exports/${asked.body.request.id}/download`);
    assert.equal(file.status, 200);
    for (const p of people) {
      assert.ok(!file.text.includes(p.idNumber) && !file.text.includes(p.phone));
      assert.ok(file.text.includes(`${p.idNumber.slice(0, 3)}***********${p.idNumber.slice(-4)}`));
    }
  });

  it("exports an account statement with the customer's name and running balance", async () => {
    const h = await harness();
    const before = await fingerprint();
    const unknown = await post(finance, '/api/v1/exports', {
      kind: 'account-statement',
      reason: 'customer dispute',
      parameters: { accountId: 999999999 },
    });
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'account-not-found']);
    assert.deepEqual(await fingerprint(), before);
    const asked = await post(finance, '/api/v1/exports', {
      kind: 'account-statement',
      reason: 'customer dispute',
      parameters: { accountId: people[0].accountId },
    });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    assert.equal(asked.body.request.pii, 'full');
    await post(supB, `/api/v1/exports/${asked.body.request.id}/approve`, { note: 'ok' });
    const file = await request(h.http)
      .get(`/api/v1/exports/${asked.body.request.id}/download`)
      .set('Authorization', finance);
    assert.equal(file.status, 200);
    const lines = file.text.trimEnd().split('\r\n');
    assert.equal(
      lines[0],
      'account_id,customer_id,customer_name,posting_id,at,entry_kind,reference,memo,amount_fen,balance_fen',
    );
    const rows = lines.slice(1).map((l) => l.split(','));
    assert.deepEqual(
      rows.map((r) => [r[0], r[1], r[2], r[5], r[8], r[9]]),
      [
        [String(people[0].accountId), String(people[0].id), `${prefix} A`, 'account-deposit', '5000', '5000'],
        [String(people[0].accountId), String(people[0].id), `${prefix} A`, 'account-deposit', '2500', '7500'],
      ],
    );
  });

  it('expires 24 hours after approval', async () => {
    const h = await harness();
    const asked = await post(clerk.auth, '/api/v1/exports', customersExport('masked'));
    await post(supB, `/api/v1/exports/${asked.body.request.id}/approve`, { note: 'ok' });
    const ms = 24 * 3_600_000 + 1000;
    h.clock.advance(ms);
    try {
      const auth = await clerk.login();
      const before = await fingerprint();
      const late = await get(auth, `/api/v1/exports/${asked.body.request.id}/download`);
      assert.deepEqual([late.status, late.body.error.code], [410, 'export-expired']);
      assert.deepEqual(await fingerprint(), before);
    } finally {
      h.clock.advance(-ms);
    }
  });

  it('lists every request for supervisors and auditors, their own for requesters', async () => {
    const asked = await post(clerk.auth, '/api/v1/exports', customersExport('full'));
    const id = asked.body.request.id;
    const queue = await get(supB, '/api/v1/exports?status=requested');
    assert.ok(queue.body.requests.some((r: { id: number }) => r.id === id));
    assert.ok(queue.body.requests.every((r: { status: string }) => r.status === 'requested'));
    assert.ok((await get(auditor, '/api/v1/exports')).body.requests.some((r: { id: number }) => r.id === id));
    const mine = await get(clerk.auth, '/api/v1/exports');
    assert.ok(mine.body.requests.length >= 2);
    assert.ok(mine.body.requests.every((r: { requestedBy: string }) => r.requestedBy === `user:${clerk.username}`));
    const theirs = await get(otherClerk, '/api/v1/exports');
    assert.ok(!theirs.body.requests.some((r: { id: number }) => r.id === id));
    const one = await get(otherClerk, `/api/v1/exports/${id}`);
    assert.deepEqual([one.status, one.body.error.code], [404, 'request-not-found']);
  });

  it('refuses bad requests (400, field named) and other roles (403), changing nothing', async () => {
    const before = await fingerprint();
    const bad: [unknown, string][] = [
      [{ kind: 'everything', reason: 'because', parameters: {} }, 'kind'],
      [{ ...customersExport('full'), reason: '' }, 'reason'],
      [{ ...customersExport('full'), pii: 'some' }, 'pii'],
      [{ ...customersExport('full'), parameters: { namePrefix: prefix, city: 'Hefei' } }, 'parameters'],
      [{ ...customersExport('full'), parameters: { namePrefix: `${prefix}\u0007x` } }, 'parameters.namePrefix'],
      [{ kind: 'account-statement', reason: 'dispute', parameters: { accountId: 'x' } }, 'parameters.accountId'],
    ];
    for (const [body, field] of bad) {
      const res = await post(clerk.auth, '/api/v1/exports', body);
      assert.deepEqual([res.status, res.body.error.code], [400, 'invalid-request'], JSON.stringify(body));
      assert.ok(String(res.body.error.field ?? '').startsWith(field), `${res.body.error.field} for ${field}`);
    }
    assert.equal((await post(auditor, '/api/v1/exports', customersExport('full'))).status, 403);
    assert.equal((await post(supB, '/api/v1/exports/999999999/approve', { note: 'ok' })).status, 404);
    assert.equal((await get(clerk.auth, '/api/v1/exports/999999999/download')).status, 404);
    assert.deepEqual(await fingerprint(), before);
  });
});
