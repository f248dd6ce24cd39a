// The notification outbox: a message queued in the caller's transaction exists once per dedupe key;
// delivery opens the recipient only for the sender, marks what has no address undeliverable, retries
// a refusing sender after its claim lapses, and the default sender writes masked recipients only.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  deliverNotifications,
  fileSender,
  notificationsByKeyPrefix,
  queueNotification,
  registerTemplates,
  useNotificationSender,
  type OutgoingMessage,
} from '../../src/modules/notifications/index.ts';
import request from 'supertest';
import { inTransaction } from '../../src/platform/db/transaction.ts';
import { mobile, residentId } from '../helpers/fixtures.ts';
import { harness, loginAs, unique } from '../helpers/harness.ts';

registerTemplates({
  'test.hello': { sms: '您好，单号{ref}已受理。', email: { subject: '受理通知 {ref}', body: '单号{ref}已受理。' } },
});

describe('notification outbox', () => {
  const sent: OutgoingMessage[] = [];
  let refuse = false;

  before(async () => {
    const h = await harness();
    useNotificationSender(h.app, {
      async send(m) {
        if (refuse) throw new Error(`gateway down for ${m.to}`);
        sent.push(m);
      },
    });
  });
  beforeEach(() => {
    sent.length = 0;
    refuse = false;
  });

  async function customerWithPhone(phone: string): Promise<bigint> {
    const h = await harness();
    const clerk = await loginAs('clerk');
    const res = await request(h.http)
      .post('/api/v1/customers')
      .set('Authorization', clerk.auth)
      .send({ kind: 'personal', name: '赵六', idType: 1, idNumber: residentId(), phone, account: { kind: 'prepaid' } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return BigInt(res.body.customer.id);
  }

  it('queues once per dedupe key, in the caller transaction, and sends to the customer phone', async () => {
    const h = await harness();
    const phone = mobile();
    const customerId = await customerWithPhone(phone);
    const key = unique('hello:');
    const first = await inTransaction(h.app.db, (trx) =>
      queueNotification(trx, h.clock.now(), {
        channel: 'sms',
        recipient: { kind: 'customer', customerId },
        template: 'test.hello',
        params: { ref: 'T1' },
        dedupeKey: key,
      }),
    );
    const again = await inTransaction(h.app.db, (trx) =>
      queueNotification(trx, h.clock.now(), {
        channel: 'sms',
        recipient: { kind: 'customer', customerId },
        template: 'test.hello',
        params: { ref: 'T1' },
        dedupeKey: key,
      }),
    );
    assert.equal(first.queued, true);
    assert.deepEqual([again.queued, again.id], [false, first.id]);

    // a rolled-back change leaves no message
    const lost = unique('hello:');
    await assert.rejects(
      inTransaction(h.app.db, async (trx) => {
        await queueNotification(trx, h.clock.now(), {
          channel: 'sms',
          recipient: { kind: 'customer', customerId },
          template: 'test.hello',
          params: { ref: 'T2' },
          dedupeKey: lost,
        });
        throw new Error('the business change failed');
      }),
    );
    assert.deepEqual(await notificationsByKeyPrefix(h.app.db, lost), []);

    await deliverNotifications(h.app);
    const mine = sent.filter((m) => m.text.includes('T1'));
    assert.equal(mine.length, 1);
    assert.deepEqual([mine[0]!.to, mine[0]!.text], [phone, '您好，单号T1已受理。']);
    const [row] = await notificationsByKeyPrefix(h.app.db, key);
    assert.equal(row!.status, 'sent');
    // a second run sends nothing again
    await deliverNotifications(h.app);
    assert.equal(sent.filter((m) => m.text.includes('T1')).length, 1);
  });

  it('seals an address recipient, and marks a customer without an e-mail address undeliverable', async () => {
    const h = await harness();
    const address = mobile();
    const key = unique('addr:');
    await inTransaction(h.app.db, (trx) =>
      queueNotification(
        trx,
        h.clock.now(),
        {
          channel: 'sms',
          recipient: { kind: 'address', address },
          template: 'test.hello',
          params: { ref: 'A1' },
          dedupeKey: key,
        },
        h.app.keys,
      ),
    );
    const stored = await h.app.db('notifications').where({ dedupe_key: key }).first();
    const columns = Object.values(stored).map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v)));
    assert.ok(!columns.some((v) => v.includes(address)), 'the plain address is not stored');
    assert.equal(stored.address_mask, `${address.slice(0, 3)}****${address.slice(-4)}`);
    await assert.rejects(
      inTransaction(h.app.db, (trx) =>
        queueNotification(trx, h.clock.now(), {
          channel: 'sms',
          recipient: { kind: 'address', address },
          template: 'test.hello',
          params: { ref: 'A2' },
          dedupeKey: unique('addr:'),
        }),
      ),
      /seal/,
    );

    const customerId = await customerWithPhone(mobile());
    const mailKey = unique('mail:');
    await inTransaction(h.app.db, (trx) =>
      queueNotification(trx, h.clock.now(), {
        channel: 'email',
        recipient: { kind: 'customer', customerId },
        template: 'test.hello',
        params: { ref: 'M1' },
        dedupeKey: mailKey,
      }),
    );
    await deliverNotifications(h.app);
    assert.deepEqual(
      sent.filter((m) => m.text.includes('A1')).map((m) => m.to),
      [address],
    );
    const [mail] = await notificationsByKeyPrefix(h.app.db, mailKey);
    assert.deepEqual([mail!.status, mail!.lastError], ['undeliverable', 'no e-mail address on file']);
  });

  it('retries a refusing sender once its claim lapses, keeping no address in the error', async () => {
    const h = await harness();
    const phone = mobile();
    const customerId = await customerWithPhone(phone);
    const key = unique('retry:');
    await inTransaction(h.app.db, (trx) =>
      queueNotification(trx, h.clock.now(), {
        channel: 'sms',
        recipient: { kind: 'customer', customerId },
        template: 'test.hello',
        params: { ref: 'R1' },
        dedupeKey: key,
      }),
    );
    refuse = true;
    const failed = await deliverNotifications(h.app);
    assert.ok(failed.failed >= 1);
    let [row] = await notificationsByKeyPrefix(h.app.db, key);
    assert.equal(row!.status, 'queued');
    assert.ok(!row!.lastError!.includes(phone), 'the sender error keeps no address');

    refuse = false;
    await deliverNotifications(h.app); // still claimed: nothing sent yet
    assert.equal(sent.filter((m) => m.text.includes('R1')).length, 0);
    h.clock.advance(5 * 60_000 + 1);
    await deliverNotifications(h.app);
    assert.equal(sent.filter((m) => m.text.includes('R1')).length, 1);
    [row] = await notificationsByKeyPrefix(h.app.db, key);
    assert.equal(row!.status, 'sent');
  });

  it('sends to a staff user by username, and marks an unknown user undeliverable', async () => {
    const h = await harness();
    const manager = await loginAs('account-manager');
    const known = unique('user:');
    const unknown = unique('user:');
    await inTransaction(h.app.db, async (trx) => {
      for (const [key, userId] of [
        [known, manager.userId],
        [unknown, 999_999_999n],
      ] as const)
        await queueNotification(trx, h.clock.now(), {
          channel: 'sms',
          recipient: { kind: 'user', userId },
          template: 'test.hello',
          params: { ref: key },
          dedupeKey: key,
        });
    });
    await deliverNotifications(h.app);
    assert.deepEqual(
      sent.filter((m) => m.text.includes(known)).map((m) => m.to),
      [manager.username],
    );
    const [lost] = await notificationsByKeyPrefix(h.app.db, unknown);
    assert.deepEqual([lost!.status, lost!.lastError], ['undeliverable', 'no such user']);
  });

  it('the default file sender writes the text with the recipient masked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notify-'));
    const phone = mobile();
    await fileSender(dir).send({
      id: 1n,
      channel: 'sms',
      to: phone,
      toMask: `${phone.slice(0, 3)}****${phone.slice(-4)}`,
      subject: null,
      text: '您好',
      template: 'test.hello',
    });
    const [file] = await readdir(dir);
    const text = await readFile(join(dir, file!), 'utf8');
    assert.ok(!text.includes(phone));
    assert.deepEqual(JSON.parse(text), {
      id: '1',
      channel: 'sms',
      to: `${phone.slice(0, 3)}****${phone.slice(-4)}`,
      subject: null,
      text: '您好',
    });
  });
});
