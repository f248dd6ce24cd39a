// Settlement fixtures: a clearing date of interchange money as clearing's daily run leaves it —
// settlements with provinces, payouts to road operators with their per-province lines, and the
// interchange-receivable entry that put the provinces' money on the operators' payables — written
// straight with SQL on a date of its own (2030–2039), so tests never share a date.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import request from 'supertest';
import { postEntry, ensureAccounts } from '../../src/modules/ledger/index.ts';
import { harness, loginAs, unique } from './harness.ts';

const used = new Set<string>();

/** A date no settlement, payout or clearing day of this run has. */
export async function freshDate(): Promise<string> {
  const h = await harness();
  for (;;) {
    const d = new Date(Date.UTC(2030 + randomInt(10), randomInt(12), 1 + randomInt(28))).toISOString().slice(0, 10);
    if (used.has(d)) continue;
    used.add(d);
    const taken =
      (await h.app.db('clearing_days').where({ clearing_date: d }).first()) ??
      (await h.app.db('settlements').where({ clearing_date: d }).first()) ??
      (await h.app.db('operator_payouts').where({ clearing_date: d }).first());
    if (!taken) return d;
  }
}

export const plusDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** An instant on a local (UTC+8) calendar day. */
export const onDay = (date: string, hhmm = '10:00') => new Date(`${date}T${hhmm}:00+08:00`);

export async function newOperator(): Promise<{ id: string; name: string }> {
  const h = await harness();
  const id = `OP-T${unique('').toUpperCase()}`;
  const name = `测试路段公司 ${id}`;
  await h.app.db('operators').insert({ id, name });
  return { id, name };
}

export type SettlementSpec = { network: string; receivable: bigint; payable: bigint };
// each payout is its operator's share of provinces' money: { network: amount }
export type PayoutSpec = Record<string, bigint>;
export type Day = { date: string; operators: Array<{ id: string; name: string; amount: bigint }> };

export async function settlementDay(settlements: SettlementSpec[], payouts: PayoutSpec[], date?: string): Promise<Day> {
  const h = await harness();
  const d = date ?? (await freshDate());
  // the operators' shares of a province's money add up to what it owes us, as clearing splits it
  for (const s of settlements) {
    const shares = payouts.reduce((a, p) => a + (p[s.network] ?? 0n), 0n);
    assert.equal(shares, s.receivable, `fixture: operators' shares of ${s.network}`);
  }
  const operators = await Promise.all(
    payouts.map(async (p) => ({ ...(await newOperator()), amount: Object.values(p).reduce((a, b) => a + b, 0n) })),
  );
  const now = h.clock.now();
  await h.app.db.transaction(async (trx) => {
    await trx('clearing_days').insert({ clearing_date: d, opened_at: now });
    if (settlements.length) {
      await trx('settlements').insert(
        settlements.map((s) => ({
          clearing_date: d,
          network: s.network,
          packages_out: 1,
          confirmed_count: 3,
          confirmed_amount: s.receivable,
          dispute_paid_out: 0,
          packages_in: 1,
          accepted_count: 2,
          accepted_amount: s.payable,
          dispute_paid_in: 0,
          receivable: s.receivable,
          payable: s.payable,
          net: s.receivable - s.payable,
          created_at: now,
        })),
      );
    }
    const lines = payouts.flatMap((p, i) =>
      Object.entries(p)
        .filter(([, a]) => a > 0n)
        .map(([network, amount]) => ({
          clearing_date: d,
          operator_id: operators[i].id,
          source: `province:${network}`,
          transactions: 1n + (amount % 7n),
          amount,
        })),
    );
    if (lines.length) {
      await trx('clearing_operator_totals').insert(lines);
      // the splits the totals were summed from (one per line is enough for the sums to agree)
      await trx.raw('select ensure_daily_partitions(?::regclass, ?::date, 1)', ['clearing_splits', d]);
      const base = BigInt(Date.now()) * 1000n;
      await trx('clearing_splits').insert(
        lines.map((l, i) => ({
          clearing_date: d,
          transaction_id: base + BigInt(i),
          operator_id: l.operator_id,
          source: l.source,
          amount: l.amount,
        })),
      );
    }
    if (payouts.length) {
      await trx('operator_payouts').insert(
        operators.map((o) => ({
          clearing_date: d,
          operator_id: o.id,
          created_at: now,
          amount: o.amount,
          own_amount: 0,
          interchange_amount: o.amount,
          transactions: lines.filter((l) => l.operator_id === o.id).reduce((a, l) => a + l.transactions, 0n),
        })),
      );
    }
    await ensureAccounts(trx, [
      ...settlements.map((s) => ({
        code: `province-receivable:${s.network}`,
        name: `Receivable from province ${s.network}`,
        kind: 'asset' as const,
      })),
      ...operators.map((o) => ({
        code: `operator-payable:${o.id}`,
        name: `Payable to road operator ${o.id}`,
        kind: 'liability' as const,
      })),
    ]);
    await postEntry(trx, {
      kind: 'interchange-receivable',
      reference: d,
      actor: 'system',
      memo: `test fixture ${d}`,
      postings: [
        ...settlements.map((s) => ({ account: `province-receivable:${s.network}`, amount: s.receivable })),
        ...operators.map((o) => ({ account: `operator-payable:${o.id}`, amount: -o.amount })),
      ],
    });
  });
  return { date: d, operators };
}

/** Staff POST with an optional Idempotency-Key. */
export async function staffPost(auth: string, path: string, body?: unknown, idempotencyKey?: string) {
  const h = await harness();
  let r = request(h.http).post(path).set('Authorization', auth);
  if (idempotencyKey) r = r.set('Idempotency-Key', idempotencyKey);
  return body === undefined ? r : r.send(body as object);
}

export async function staffGet(auth: string, path: string) {
  const h = await harness();
  return request(h.http).get(path).set('Authorization', auth);
}

/** A binary response body (XLSX) as a Buffer. */
export async function download(auth: string, path: string) {
  const h = await harness();
  return request(h.http)
    .get(path)
    .set('Authorization', auth)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
}

/** Settle or pay with a unique bank reference, after approving. */
// Four eyes: a second finance user settles or pays what the first approved, unless a test names its
// own (logged in afresh: tests move the clock by days, and sessions last hours).
export async function otherFinance(): Promise<string> {
  return (await loginAs('finance')).auth;
}

export async function approveAndSettle(
  auth: string,
  date: string,
  network: string,
  bankReference = unique('BR'),
  settler?: string,
) {
  await staffPost(auth, `/api/v1/settlements/${date}/${network}/approve`).then((r) =>
    assert.equal(r.status, 200, JSON.stringify(r.body)),
  );
  const r = await staffPost(
    settler ?? (await otherFinance()),
    `/api/v1/settlements/${date}/${network}/settle`,
    { bankReference },
    unique('settle'),
  );
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return bankReference;
}

export async function approveAndPay(
  auth: string,
  date: string,
  operatorId: string,
  bankReference = unique('BR'),
  payer?: string,
) {
  await staffPost(auth, `/api/v1/payouts/${date}/${operatorId}/approve`).then((r) =>
    assert.equal(r.status, 200, JSON.stringify(r.body)),
  );
  const r = await staffPost(
    payer ?? (await otherFinance()),
    `/api/v1/payouts/${date}/${operatorId}/pay`,
    { bankReference },
    unique('pay'),
  );
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return bankReference;
}
