// The online load's one-statement phases (migrations 0175, 0198 and 0199, src/modules/topup/one-trip.ts)
// against the general path they stand in for: the same rows written, the same answers replayed byte
// for byte, and exactly one confirmation whatever arrives concurrently.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { harness, loginAs, newClient, signed, type TestClient } from '../helpers/harness.ts';
import { assertLedgerHolds } from '../helpers/ledger.ts';
import { bankInit, initBody, nextSerial, storedValueCard, TERMINAL } from '../helpers/loads.ts';

const KV = 122;

// what a load wrote, without its ids and times: history, journal and audit
async function written(loadId: string) {
  const { app } = await harness();
  const history = await app
    .db('load_state_changes')
    .where({ load_id: loadId })
    .orderBy('id')
    .select('from_status', 'to_status', 'actor', 'reason', 'detail');
  const entries = await app
    .db('journal_entries as e')
    .join('postings as p', 'p.entry_id', 'e.id')
    .join('ledger_accounts as a', 'a.id', 'p.account_id')
    .where('e.reference', loadId)
    .orderBy('p.id')
    .select('e.kind', 'e.memo', 'e.actor', 'a.code', 'p.amount');
  const audit = await app
    .db('audit_log')
    .where({ entity: 'load', entity_id: loadId })
    .orderBy('id')
    .select('actor_kind', 'actor_id', 'action', 'detail');
  const load = await app.db('loads').where({ id: loadId }).first();
  return { history, entries, audit, load };
}

describe('online load in one statement per phase', () => {
  let clerk: string;
  let bank: TestClient;
  before(async () => {
    clerk = (await loginAs('clerk')).auth;
    bank = await newClient('bank');
  });
  afterEach(assertLedgerHolds);

  it('writes the rows the general path writes', async () => {
    const { app } = await harness();
    const fastCard = await storedValueCard(clerk, KV);
    const generalCard = await storedValueCard(clerk, KV);
    // a sequence the centre has no record of sends the init down the general path (and raises an exception)
    await app.db('cards').where({ card_no: generalCard.cardNo }).update({ last_online_seq: -1 });
    const fast = await bankInit(bank, fastCard, 1500);
    const general = await bankInit(bank, generalCard, 1500);
    assert.deepEqual([fast.status, general.status], [201, 201]);
    const raised = await app.db('finance_exceptions').where({ reference: `${generalCard.cardNo}:0` });
    assert.equal(raised.length, 1, 'the general path ran for the second card');
    const a = await written(fast.body.loadId);
    const b = await written(general.body.loadId);
    const sameBut = (rows: Array<Record<string, unknown>>, card: string) =>
      JSON.parse(JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)).replaceAll(card, 'CARD'));
    assert.deepEqual(sameBut(a.history, fastCard.cardNo), sameBut(b.history, generalCard.cardNo));
    assert.deepEqual(sameBut(a.entries, fastCard.cardNo), sameBut(b.entries, generalCard.cardNo));
    assert.deepEqual(sameBut(a.audit, fastCard.cardNo), sameBut(b.audit, generalCard.cardNo));
    for (const col of ['channel', 'client_id', 'actor', 'payment_method', 'payer_account', 'amount', 'status', 'mac2'])
      assert.equal(typeof a.load[col], typeof b.load[col], col);
    assert.deepEqual(
      a.history.map((h) => h.reason),
      ['MAC1 verified', 'MAC2 issued'],
    );
    assert.deepEqual(
      a.audit.map((x) => x.action),
      ['load.authorise'],
    );

    const { tac } = fastCard.creditForLoad(fast.body.hostDate, fast.body.hostTime, fast.body.mac2);
    const conf = await signed(
      bank,
      'post',
      `/api/v1/channel/loads/${fast.body.loadId}/confirm`,
      { tac },
      {
        idempotencyKey: nextSerial(bank),
      },
    );
    assert.deepEqual(conf.body, { loadId: fast.body.loadId, status: 'confirmed', balance: 1500 });
    const after = await written(fast.body.loadId);
    assert.deepEqual(after.history.at(-1), {
      from_status: 'authorised',
      to_status: 'confirmed',
      actor: `client:${bank.id}`,
      reason: 'TAC verified',
      detail: { resolution: 'tac' },
    });
    assert.deepEqual(
      after.entries.filter((e) => e.kind === 'load-confirm').map((e) => [e.memo, e.code, e.amount]),
      [
        [`load onto ${fastCard.cardNo} (tac)`, 'loads-in-flight', 1500n],
        [`load onto ${fastCard.cardNo} (tac)`, 'purse-float', -1500n],
      ],
    );
    assert.deepEqual(after.audit.at(-1), {
      actor_kind: 'client',
      actor_id: bank.id,
      action: 'load.confirm',
      detail: { balance: '1500' },
    });
    // a load this process did not authorise in one statement is read first, then confirmed alike
    const t2 = generalCard.creditForLoad(general.body.hostDate, general.body.hostTime, general.body.mac2).tac;
    const conf2 = await signed(
      bank,
      'post',
      `/api/v1/channel/loads/${general.body.loadId}/confirm`,
      { tac: t2 },
      { idempotencyKey: nextSerial(bank) },
    );
    assert.equal(conf2.status, 200);
    const after2 = await written(general.body.loadId);
    assert.deepEqual(sameBut(after.history, fastCard.cardNo), sameBut(after2.history, generalCard.cardNo));
    assert.deepEqual(sameBut(after.entries, fastCard.cardNo), sameBut(after2.entries, generalCard.cardNo));
    assert.deepEqual(sameBut(after.audit, fastCard.cardNo), sameBut(after2.audit, generalCard.cardNo));
    const card = await app.db('cards').where({ card_no: fastCard.cardNo }).first();
    assert.deepEqual([card.last_balance, card.last_online_seq], [1500n, 1]);
    assert.deepEqual([after.load.status, after.load.resolution, after.load.tac], ['confirmed', 'tac', tac]);
  });

  it('confirms once under concurrent confirmations; replays answer the first bytes', async () => {
    const { app } = await harness();
    const card = await storedValueCard(clerk, KV);
    const body = initBody(card, 800);
    const initKey = nextSerial(bank);
    const init = await signed(bank, 'post', '/api/v1/channel/loads', body, { idempotencyKey: initKey });
    assert.equal(init.status, 201);
    const { tac } = card.creditForLoad(init.body.hostDate, init.body.hostTime, init.body.mac2);
    const path = `/api/v1/channel/loads/${init.body.loadId}/confirm`;
    const key = nextSerial(bank);
    const same = await Promise.all(
      Array.from({ length: 20 }, () => signed(bank, 'post', path, { tac }, { idempotencyKey: key })),
    );
    assert.deepEqual([...new Set(same.map((r) => r.status))], [200]);
    assert.equal(new Set(same.map((r) => r.text)).size, 1, 'every answer the same bytes');
    assert.equal(same.filter((r) => r.headers['idempotent-replayed'] !== 'true').length, 1, 'one first answer');
    // other keys, concurrently: the same confirmation is answered alike, a different TAC is refused
    const others = await Promise.all(
      Array.from({ length: 10 }, () => signed(bank, 'post', path, { tac }, { idempotencyKey: nextSerial(bank) })),
    );
    assert.deepEqual([...new Set(others.map((r) => r.text))], [same[0].text]);
    const wrong = await signed(
      bank,
      'post',
      path,
      { tac: tac === 'FFFFFFFF' ? '00000000' : 'FFFFFFFF' },
      {
        idempotencyKey: nextSerial(bank),
      },
    );
    assert.deepEqual([wrong.status, wrong.body.error.code], [409, 'load-confirmed']);
    const entries = await app.db('journal_entries').where({ reference: init.body.loadId }).orderBy('id');
    assert.deepEqual(
      entries.map((e) => e.kind),
      ['load-authorise', 'load-confirm'],
    );
    const history = await app.db('load_state_changes').where({ load_id: init.body.loadId });
    assert.equal(history.length, 3);
    // the init's key again: its first answer, byte for byte; under another body: refused
    const again = await signed(bank, 'post', '/api/v1/channel/loads', body, { idempotencyKey: initKey });
    assert.deepEqual([again.status, again.text, again.headers['idempotent-replayed']], [201, init.text, 'true']);
    const changed = await signed(
      bank,
      'post',
      '/api/v1/channel/loads',
      { ...body, amount: 801 },
      {
        idempotencyKey: initKey,
      },
    );
    assert.deepEqual([changed.status, changed.body.error.code], [409, 'idempotency-conflict']);
    const replayConfirm = await signed(bank, 'post', path, { tac: '12345678' }, { idempotencyKey: key });
    assert.deepEqual([replayConfirm.status, replayConfirm.body.error.code], [409, 'idempotency-conflict']);
  });
  it("reads its card through the card number's index, not the whole table", async () => {
    const { app } = await harness();
    // other cards: rows that a read by anything but the card number would pass through
    await storedValueCard(clerk, KV);
    await storedValueCard(clerk, KV);
    const card = await storedValueCard(clerk, KV);
    const init = card.initializeForLoad(500, TERMINAL);
    // a backend of its own, so load_init is planned here, with sequential scans priced out: on a
    // test database's small tables the planner could otherwise read the whole table either way
    const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await c.connect();
    try {
      await c.query('begin');
      await c.query('set local enable_seqscan = off');
      const { rows } = await c.query(
        `select o_outcome from load_init('test', $1, '\\x00'::bytea, '{}', $2::uuid, $3, 'counter', null, 'test', 'cash',
           null, 'counter-cash', 500, $4, 0, 0, $5::smallint, 0::smallint, $6, $7, '20261206', '120000', '00000000',
           now(), '{}'::jsonb, 'user', 'test', '{}'::jsonb, '127.0.0.1', 'r')`,
        [nextSerial(bank), randomUUID(), card.cardNo, TERMINAL, KV, init.random, init.mac1],
      );
      assert.equal(rows[0].o_outcome, 'ok');
      // the cards rows this transaction read, sequentially or through an index: the lock on the card
      // and the new load's foreign key to it. (Which index finds the card's load in flight is the
      // planner's choice on tables this small, and is not asserted.)
      const read = await c.query<{ n: string }>(
        `select seq_tup_read + coalesce(idx_tup_fetch, 0) as n from pg_stat_xact_user_tables where relname = 'cards'`,
      );
      assert.equal(Number(read.rows[0].n), 2);
    } finally {
      await c.query('rollback');
      await c.end();
    }
    assert.equal(await app.db('loads').where({ card_no: card.cardNo }).first(), undefined, 'rolled back');
  });
});
