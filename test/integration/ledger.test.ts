import assert from 'node:assert/strict';
import request from 'supertest';
import { harness, loginAs } from '../helpers/harness.ts';
import { customerWithVehicle } from '../helpers/fixtures.ts';
import { assertLedgerHolds } from '../helpers/ledger.ts';
import {
  LedgerError,
  postEntry,
  postEntries,
  balanceOf,
  balancesOf,
  balanceInvariant,
  checkLedger,
} from '../../src/modules/ledger/index.ts';
import { purgeIdempotencyKeys } from '../../src/platform/http/idempotency.ts';

describe('ledger', () => {
  afterEach(assertLedgerHolds);

  it('refuses in code an entry that does not balance, has one posting, a non-integer amount or an unknown account', async () => {
    const h = await harness();
    const bad: Array<Array<{ account: string; amount: bigint }>> = [
      [
        { account: 'counter-cash', amount: 100n },
        { account: 'fee-revenue', amount: -99n },
      ],
      [{ account: 'counter-cash', amount: 100n }],
    ];
    for (const postings of bad) {
      await assert.rejects(
        h.app.db.transaction((trx) =>
          postEntry(trx, { kind: 'test', reference: `bad-${Math.random()}`, actor: 't', postings }),
        ),
        LedgerError,
      );
    }
    await assert.rejects(
      h.app.db.transaction((trx) =>
        postEntry(trx, {
          kind: 'test',
          reference: 'float',
          actor: 't',
          postings: [
            { account: 'counter-cash', amount: 1.5 as unknown as bigint },
            { account: 'fee-revenue', amount: -1.5 as unknown as bigint },
          ],
        }),
      ),
      LedgerError,
    );
    await assert.rejects(
      h.app.db.transaction((trx) =>
        postEntry(trx, {
          kind: 'test',
          reference: 'nowhere',
          actor: 't',
          postings: [
            { account: 'no-such-account', amount: 1n },
            { account: 'fee-revenue', amount: -1n },
          ],
        }),
      ),
      /unknown ledger account/,
    );
    await assert.rejects(
      h.app.db.transaction((trx) =>
        postEntries(trx, [
          {
            kind: 'test',
            reference: 'known',
            actor: 't',
            postings: [
              { account: 'counter-cash', amount: 2n },
              { account: 'fee-revenue', amount: -2n },
            ],
          },
          {
            kind: 'test',
            reference: 'nowhere-in-a-batch',
            actor: 't',
            postings: [
              { account: 'no-such-account', amount: 1n },
              { account: 'fee-revenue', amount: -1n },
            ],
          },
        ]),
      ),
      /unknown ledger account no-such-account/,
    );
  });

  it('the database itself refuses an unbalanced entry, an empty one, a posting added later, and any change to the journal', async () => {
    const h = await harness();
    const ids = Object.fromEntries(
      (await h.app.db('ledger_accounts').whereIn('code', ['counter-cash', 'fee-revenue']).select('code', 'id')).map(
        (r) => [r.code, r.id],
      ),
    );
    await assert.rejects(
      h.app.db.transaction(async (trx) => {
        const [e] = await trx('journal_entries')
          .insert({ kind: 'raw', reference: `raw-${Math.random()}`, actor: 't' })
          .returning('id');
        await trx('postings').insert([
          { entry_id: e.id, account_id: ids['counter-cash'], amount: 500 },
          { account_id: ids['fee-revenue'], entry_id: e.id, amount: -400 },
        ]);
      }),
      (err: { code?: string }) => err.code === '23514',
    );
    await assert.rejects(
      h.app.db.transaction(async (trx) => {
        await trx('journal_entries').insert({ kind: 'raw', reference: `empty-${Math.random()}`, actor: 't' });
      }),
      (err: { code?: string }) => err.code === '23514',
    );
    const entry = await h.app.db.transaction((trx) =>
      postEntry(trx, {
        kind: 'test',
        reference: `ok-${Math.random()}`,
        actor: 't',
        postings: [
          { account: 'counter-cash', amount: 7n },
          { account: 'fee-revenue', amount: -7n },
        ],
      }),
    );
    // one posting of an entry alone does not balance it, whether written with the entry or later
    await assert.rejects(
      h.app.db.transaction(async (trx) => {
        const [e] = await trx('journal_entries')
          .insert({ kind: 'raw', reference: `single-${Math.random()}`, actor: 't' })
          .returning('id');
        await trx('postings').insert({ entry_id: e.id, account_id: ids['counter-cash'], amount: 500 });
      }),
      (err: { code?: string }) => err.code === '23514',
    );
    await assert.rejects(
      h.app.db('postings').insert({ entry_id: entry!, account_id: ids['counter-cash'], amount: 1 }),
      (err: { code?: string; message?: string }) =>
        err.code === '23514' && /unbalanced \(sum 1, 3 postings\)/.test(err.message!),
    );
    const entryTotal = async () =>
      (
        await h.app
          .db('postings')
          .where({ entry_id: entry! })
          .select(h.app.db.raw('sum(amount)::text as s, count(*)::int as n'))
      )[0];
    assert.deepEqual(await entryTotal(), { s: '0', n: 2 });
    await assert.rejects(h.app.db('postings').where({ entry_id: entry! }).update({ amount: 8 }), /append-only/);
    await assert.rejects(h.app.db('postings').where({ entry_id: entry! }).del(), /append-only/);
    await assert.rejects(h.app.db('journal_entries').where({ id: entry! }).del(), /append-only/);
  });

  it('posts one business event once: the same kind and reference cannot post twice', async () => {
    const h = await harness();
    const ref = `once-${Math.random()}`;
    const post = () =>
      h.app.db.transaction((trx) =>
        postEntry(trx, {
          kind: 'test',
          reference: ref,
          actor: 't',
          postings: [
            { account: 'counter-cash', amount: 3n },
            { account: 'fee-revenue', amount: -3n },
          ],
        }),
      );
    await post();
    await assert.rejects(post(), /already posted/);
  });

  it("a balance invariant names the account whose ledger balance differs from the module's sum", async () => {
    const h = await harness();
    const expected = `select coalesce(sum(-p.amount), 0) from postings p join ledger_accounts a on a.id = p.account_id where a.code = 'refunds-payable'`;
    const holds = balanceInvariant({ name: 't', account: 'refunds-payable', expectedSql: expected, what: 'refunds' });
    assert.deepEqual(await holds.run(h.app.db), []);
    const off = balanceInvariant({
      name: 't',
      account: 'refunds-payable',
      expectedSql: `${expected.replace('coalesce(sum(-p.amount), 0)', 'coalesce(sum(-p.amount), 0) + 1')}`,
      what: 'refunds',
    });
    const failures = await off.run(h.app.db);
    assert.equal(failures.length, 1);
    assert.match(failures[0], /^refunds-payable ledger -?\d+ ≠ refunds -?\d+$/);
  });

  it('keeps a running balance with every posting, whoever writes it, and its check catches a tampered one', async () => {
    const h = await harness();
    const db = h.app.db;
    const sum = async (code: string) =>
      BigInt(
        (
          await db.raw(
            'select coalesce(sum(p.amount), 0)::text as s from postings p join ledger_accounts a on a.id = p.account_id where a.code = ?',
            [code],
          )
        ).rows[0].s,
      );
    const before = await balanceOf(db, 'counter-pos');
    const ref = `run-${Math.random()}`;
    // several connections at once (each backend adds to its own stripe), postEntry and postEntries
    await Promise.all(
      [1n, 2n, 3n, 4n].map((n) =>
        db.transaction((trx) =>
          postEntry(trx, {
            kind: 'test',
            reference: `${ref}-${n}`,
            actor: 't',
            postings: [
              { account: 'counter-pos', amount: n },
              { account: 'fee-revenue', amount: -n },
            ],
          }),
        ),
      ),
    );
    await db.transaction((trx) =>
      postEntries(
        trx,
        [10n, 20n].map((n) => ({
          kind: 'test',
          reference: `${ref}-many-${n}`,
          actor: 't',
          postings: [
            { account: 'counter-pos', amount: n },
            { account: 'fee-revenue', amount: -n },
          ],
        })),
      ),
    );
    // a writer in SQL alone (a server-side function posting a load) is covered by the same trigger
    await db.transaction(async (trx) => {
      await trx.raw(
        `with e as (insert into journal_entries (kind, reference, actor) values ('test', ?, 't') returning id)
         insert into postings (entry_id, account_id, amount)
         select e.id, a.id, case a.code when 'counter-pos' then 100 else -100 end
           from e cross join ledger_accounts a where a.code in ('counter-pos', 'fee-revenue')`,
        [`${ref}-sql`],
      );
    });
    assert.equal(await balanceOf(db, 'counter-pos'), before + 140n);
    const both = await balancesOf(db, ['counter-pos', 'fee-revenue']);
    assert.equal(both.get('counter-pos'), await sum('counter-pos'));
    assert.equal(both.get('fee-revenue'), await sum('fee-revenue'));
    assert.deepEqual((await checkLedger(db)).failures, []);

    // tampered in a transaction that is rolled back: the check names the account
    await db
      .transaction(async (trx) => {
        await trx.raw(
          `update ledger_balances set balance = balance + 1
            where (account_id, stripe) = (select b.account_id, b.stripe from ledger_balances b
                                            join ledger_accounts a on a.id = b.account_id where a.code = 'counter-pos' limit 1)`,
        );
        const { ok, failures } = await checkLedger(trx);
        assert.equal(ok, false);
        assert.deepEqual(
          failures.map((f) => f.detail.replace(/-?\d+/g, 'N')),
          ['account counter-pos: running balance N ≠ Σ postings N'],
        );
        throw new Error('roll back');
      })
      .catch((err: Error) => assert.equal(err.message, 'roll back'));
    assert.deepEqual((await checkLedger(db)).failures, []);
  });

  it('idempotency keys are kept 7 days and then purged', async () => {
    const h = await harness();
    const now = h.clock.now();
    await h.app.db('idempotency_keys').insert([
      {
        client_id: 'user:purge-test',
        idem_key: 'old',
        request_hash: Buffer.alloc(32),
        response_status: 200,
        response_body: '{}',
        created_at: new Date(now.getTime() - 9 * 86_400_000),
      },
      {
        client_id: 'user:purge-test',
        idem_key: 'week',
        request_hash: Buffer.alloc(32),
        response_status: 200,
        response_body: '{}',
        created_at: new Date(now.getTime() - 7 * 86_400_000),
      },
    ]);
    assert.ok((await purgeIdempotencyKeys(h.app.db, now)) >= 1);
    assert.deepEqual(await h.app.db('idempotency_keys').where({ client_id: 'user:purge-test' }).pluck('idem_key'), [
      'week',
    ]);
  });

  it('a staff deposit sent twice with the same Idempotency-Key posts once', async () => {
    const h = await harness();
    const clerk = (await loginAs('clerk')).auth;
    const { accountId } = await customerWithVehicle(clerk);
    const send = () =>
      request(h.http)
        .post(`/api/v1/accounts/${accountId}/deposits`)
        .set('Authorization', clerk)
        .set('Idempotency-Key', `dep-${accountId}`)
        .send({ amount: 1234, method: 'cash' });
    const [a, b] = await Promise.all([send(), send()]);
    assert.deepEqual([a.status, b.status], [201, 201]);
    assert.deepEqual(a.body, b.body);
    assert.equal(await balanceOf(h.app.db, `customer-funds:${accountId}`), -1234n);
  });
});
