// Lane transaction ingest (ICD §2, DESIGN §8): each transaction of a batch is checked once and
// gets one disposition; accepted own-card transactions post to the ledger in the same database
// transaction. Per batch: the pure checks, then one statement per step — clearing days, terminal
// keys, card facts, key versions, TACs (inside the key service), sequences and the balance chain,
// the rows, the journal entry, the overdrafts. The same pipeline checks a package another province
// sent of our cards on its roads (ICD §3): no tariff of ours applies, the clearing date is the
// package's, and the money is owed to that province instead of our toll revenue.
import { cardSerial } from '../../platform/crypto/pboc.ts';
import type { Knex } from 'knex';
import { DAY_MS, localDate } from '../../platform/clock/clock.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { assignClearingDates } from '../clearing-days/index.ts';
import { CARD_STATUS, cardFactsAt, recordLanePurses, type PurseReading } from '../issuance/index.ts';
import {
  customerFundsCode,
  ensureAccounts,
  postEntry,
  provincePayableCode,
  type Posting,
  provincePayableAccount,
} from '../ledger/index.ts';
import { cardKeyVersions, loadedAfter, loadsInWindows } from '../topup/index.ts';
import { brokenChain, planChain, type ChainTx } from './chain.ts';
import {
  checkTimes,
  checkWithoutDb,
  decidedBefore,
  firstCode,
  LANE_RESULT,
  prepare,
  refusedForTime,
  tacDateTime,
  type CheckSettings,
  type Work,
} from './ingest-checks.ts';
import type { LaneResult, LaneTransaction } from './ingest-schema.ts';
import {
  cardSeqKey,
  claimCardSeqs,
  claimTerminalKeys,
  dispositionOf,
  insertPackageTransactions,
  insertUploadWithTransactions,
  storedCardSeqs,
  terminalKey,
} from './ingest-store.ts';
import { raiseOverdrafts } from './overdraft.ts';
import { ensureDayPartitions } from './partitions.ts';
import { tariffBooks } from './pricing.ts';
import { completeUpload, needsCompletion } from './upload-completion.ts';
import { CARD_TYPE } from '../codes.ts';

export type IngestOutcome = {
  uploadId: bigint | null;
  /** Debit accounts a lane batch charged, judged for overdraft once the batch has committed. */
  overdraftAccounts: bigint[];
  /** The purses a lane batch's stored-value purchases show, applied once the batch has committed. */
  purses: PurseReading[];
  results: LaneResult[];
  counts: { received: number; accepted: number; duplicate: number; rejected: number };
  acceptedAmount: bigint;
};

/** Where a batch came from: a lane's upload, or a package a peer province sent (received_package_id). */
export type IngestSource =
  { kind: 'lane'; laneId: string } | { kind: 'package'; packageId: bigint; sender: string; clearingDate: string };

type TacCheck = Parameters<RequestContext['app']['keys']['verifyPurchaseTacs']>[0][number];

// Card facts at the transaction time (8 unknown, 15 type, 9 status, 10 expired), then the TAC (1).
async function checkOwnCards(trx: Knex.Transaction, ctx: RequestContext, stored: Work[]): Promise<void> {
  const own = stored.filter((w) => w.own && !decidedBefore(w, LANE_RESULT.unknownCard));
  const facts = await cardFactsAt(
    trx,
    own.map((w) => ({ cardNo: w.tx.cardNo, at: w.tx.time })),
  );
  own.forEach((w, i) => {
    const f = facts[i];
    if (!f.known) {
      w.codes.add(LANE_RESULT.unknownCard);
      return;
    }
    w.accountId = f.accountId;
    if (f.cardType !== w.tx.cardType) w.codes.add(LANE_RESULT.cardType);
    // only a card in normal status at the time may pay; listed after the trip does not reach back
    if (f.statusAt !== CARD_STATUS.normal) w.codes.add(LANE_RESULT.notNormal);
    if (f.expiryDate !== null && w.txDate > f.expiryDate) w.codes.add(LANE_RESULT.expired);
  });
  const toVerify = own.filter((w) => !decidedBefore(w, LANE_RESULT.tac));
  if (toVerify.length === 0) return;
  const versions = await cardKeyVersions(
    trx,
    toVerify.map((w) => w.tx.cardNo),
  );
  const checks: TacCheck[] = toVerify.map((w) => {
    const { date, time } = tacDateTime(w.tx.time);
    return {
      serial8: cardSerial(w.tx.cardNo),
      keyVersion: versions.get(w.tx.cardNo),
      amount: w.tx.amount,
      transType: parseInt(w.tx.transType, 16),
      terminalId: w.tx.terminalId,
      terminalSeq: w.tx.terminalSeq,
      date,
      time,
      tac: w.tx.tac,
    };
  });
  const verdicts = ctx.app.keys.verifyPurchaseTacs(checks);
  toVerify.forEach((w, i) => {
    if (!verdicts[i]) w.codes.add(LANE_RESULT.tac);
  });
}

// (card, offline seq) already accepted → duplicate; the stored-value balance chain (14).
async function checkSequences(trx: Knex.Transaction, stored: Work[]): Promise<void> {
  const open = stored.filter((w) => firstCode(w.codes) === undefined);
  const chained = (w: Work) => w.own && w.tx.cardType === CARD_TYPE.storedValue;
  const keys = open.map((w) => ({
    cardNo: w.tx.cardNo,
    lo: w.tx.offlineSeq - (chained(w) ? 1 : 0),
    hi: w.tx.offlineSeq + (chained(w) ? 1 : 0),
  }));
  const neighbours = await storedCardSeqs(trx, keys);
  const inBatch = new Set<string>();
  for (const w of open) {
    const k = cardSeqKey(w.tx.cardNo, w.tx.offlineSeq);
    if (neighbours.has(k) || inBatch.has(k)) w.cardSeqDuplicate = true;
    inBatch.add(k);
  }
  const cands: ChainTx[] = open
    .filter((w) => chained(w) && !w.cardSeqDuplicate)
    .map((w) => ({
      key: w.index,
      cardNo: w.tx.cardNo,
      seq: w.tx.offlineSeq,
      time: w.tx.time,
      before: w.tx.balanceBefore!,
      after: w.tx.balanceAfter!,
    }));
  if (cands.length === 0) return;
  const plan = planChain(cands, neighbours);
  const broken = brokenChain(plan, await loadsInWindows(trx, plan.windows));
  for (const w of open) if (broken.has(w.index)) w.codes.add(LANE_RESULT.balance);
}

// The card's last known purse (issuance keeps it; a reissued card's carry is taken from it). Only
// purchases that took money move it: an entry (0) shows the purse the previous purchase or a load
// already recorded. The same rule as purse-readings.ts applies to stored rows, applied here to the
// batch in hand: reading the batch's readings back through it after the commit cost 4 ms more of
// PostgreSQL per batch of 1,000 (one index probe per card), measured run against run.
async function pursesToRecord(trx: Knex.Transaction, accepted: Work[]): Promise<PurseReading[]> {
  const purses = accepted.filter((w) => w.own && w.tx.cardType === CARD_TYPE.storedValue && w.tx.amount > 0n);
  if (purses.length === 0) return [];
  const later = await loadedAfter(
    trx,
    purses.map((w) => ({ cardNo: w.tx.cardNo, at: w.tx.time })),
  );
  return purses
    .filter((_, i) => !later[i])
    .map((w) => ({ cardNo: w.tx.cardNo, offlineSeq: w.tx.offlineSeq, balance: w.tx.balanceAfter! }));
}

function ledgerPostings(accepted: Work[], creditAccount: string): { postings: Posting[]; total: bigint } {
  let purse = 0n;
  const accounts = new Map<string, bigint>();
  for (const w of accepted) {
    if (!w.own || w.tx.amount === 0n) continue;
    if (w.tx.cardType === CARD_TYPE.storedValue) purse += w.tx.amount;
    else {
      const code = customerFundsCode(w.accountId!);
      accounts.set(code, (accounts.get(code) ?? 0n) + w.tx.amount);
    }
  }
  const total = purse + [...accounts.values()].reduce((a, b) => a + b, 0n);
  const postings: Posting[] = [
    { account: 'purse-float', amount: purse },
    ...[...accounts].map(([account, amount]) => ({ account, amount })),
    { account: creditAccount, amount: -total },
  ];
  return { postings: postings.filter((p) => p.amount !== 0n), total };
}

/** A lane's batch, checked and stored in ctx.db's transaction (the idempotent POST's, or one of its
 *  own). `completion`, when set, must run once that transaction has committed (the route runs it as
 *  its afterCommit): the purses and overdraft judgement the batch leaves, in a short transaction of
 *  their own, so that the card and overdraft rows every exit batch shares are not held for the whole
 *  batch; it reads the committed balances, so of two batches crossing a limit together the later
 *  judgement sees both. The upload stays marked until it has run (the review job's catch-up; a card
 *  locked to pay out its purse catches up by itself). */
export async function ingestBatch(
  ctx: RequestContext,
  laneId: string,
  txs: LaneTransaction[],
): Promise<IngestOutcome & { completion?: () => Promise<void> }> {
  const outcome = await inTransaction(ctx.db, (trx) => ingestWithin(trx, ctx, { kind: 'lane', laneId }, txs));
  const { uploadId } = outcome;
  if (uploadId === null || !needsCompletion(outcome)) return outcome;
  // the application's own handle: ctx.db may be the transaction this waits for
  const completion = async () => void (await completeUpload(ctx.app.db, uploadId, outcome, ctx.app.clock.now()));
  return { ...outcome, completion };
}

/** A peer's package of our cards on its roads, checked like a lane upload inside the caller's
 *  transaction (which stores the package row and its confirmation with it). */
export async function ingestReceivedPackage(
  trx: Knex.Transaction,
  ctx: RequestContext,
  source: Extract<IngestSource, { kind: 'package' }>,
  txs: LaneTransaction[],
): Promise<IngestOutcome> {
  return ingestWithin(trx, ctx, source, txs);
}

async function ingestWithin(
  trx: Knex.Transaction,
  ctx: RequestContext,
  source: IngestSource,
  txs: LaneTransaction[],
): Promise<IngestOutcome> {
  const { app } = ctx;
  const now = app.clock.now();
  const fromLane = source.kind === 'lane';
  const s: CheckSettings = {
    network: app.config.network,
    now,
    clockToleranceMs: app.config.lanes.clockToleranceSeconds * 1000,
    maxAgeMs: app.config.lanes.maxAgeDays * DAY_MS,
    ourRoad: fromLane,
  };
  const works = prepare(txs, s);
  const seen = new Set<string>();
  for (const w of works) {
    const k = terminalKey(w.tx.terminalId, w.tx.terminalSeq);
    if (seen.has(k)) w.resent = true;
    seen.add(k);
  }
  for (const w of works) checkTimes(w, s);
  // a clock gone wrong names days by the hundred: their tariffs are not read (the time's code wins)
  const books = fromLane
    ? await tariffBooks(
        trx,
        works.filter((w) => !refusedForTime(w)).map((w) => w.txDate),
        now,
      )
    : new Map();
  for (const w of works) checkWithoutDb(w, s, books.get(w.txDate));
  const fresh = works.filter((w) => !w.resent);
  // Partitions (by clearing date) are made before the clearing days are share-locked: making one
  // locks the parent table, and a clearing run that holds a day FOR UPDATE reads that table, so the
  // other order could deadlock. A transaction's clearing day is its own day unless that day is
  // sealed, so these are the partitions needed in all but that case. A transaction refused for its
  // time is filed under the day it arrived: the day its time names is not one to clear, and a clock
  // gone wrong must not make a partition and a clearing day for every day it shows.
  const ensured = new Set<string>();
  if (source.kind === 'lane') {
    const today = localDate(now);
    const dayOf = (w: Work) => (refusedForTime(w) ? today : w.txDate);
    for (const w of fresh) ensured.add(dayOf(w));
    await ensureDayPartitions(trx, 'lane_transactions', ensured);
    const dates = await assignClearingDates(trx, [...ensured], now);
    for (const w of fresh) w.clearingDate = dates.get(dayOf(w))!;
  } else {
    // the sender chose the clearing date; these rows are never split here, so no day is locked
    for (const w of fresh) w.clearingDate = source.clearingDate;
  }
  // the rest: days a late transaction moved to (made by the daily job ahead of time, as a rule) and
  // the dates a sending province chose
  await ensureDayPartitions(
    trx,
    'lane_transactions',
    fresh.map((w) => w.clearingDate!).filter((d) => !ensured.has(d)),
  );
  const ids = await claimTerminalKeys(
    trx,
    fresh.map((w) => ({ terminalId: w.tx.terminalId, terminalSeq: w.tx.terminalSeq, clearingDate: w.clearingDate! })),
  );
  const stored: Work[] = [];
  fresh.forEach((w, i) => {
    const id = ids[i];
    if (id === null) w.resent = true;
    else {
      w.id = id;
      stored.push(w);
    }
  });
  await checkOwnCards(trx, ctx, stored);
  await checkSequences(trx, stored);
  const candidates = stored.filter((w) => dispositionOf(w).disposition === 'accepted');
  const lost = await claimCardSeqs(trx, candidates);
  if (lost.size > 0)
    for (const w of candidates) if (lost.has(cardSeqKey(w.tx.cardNo, w.tx.offlineSeq))) w.cardSeqDuplicate = true; // a concurrent batch won
  const accepted = candidates.filter((w) => !w.cardSeqDuplicate);

  const results: LaneResult[] = works.map((w) => {
    const d = w.resent ? { disposition: 'duplicate' as const, code: LANE_RESULT.duplicate } : dispositionOf(w);
    return { terminalId: w.tx.terminalId, terminalSeq: w.tx.terminalSeq, ...d };
  });
  const counts = { received: works.length, accepted: 0, duplicate: 0, rejected: 0 };
  for (const r of results) counts[r.disposition]++;
  const credit = source.kind === 'lane' ? 'toll-revenue-clearing' : provincePayableCode(source.sender);
  const { postings, total } = ledgerPostings(accepted, credit);
  const overdraftAccounts = [
    ...new Set(
      accepted.filter((w) => w.own && w.tx.cardType === CARD_TYPE.debit && w.tx.amount > 0n).map((w) => w.accountId!),
    ),
  ];
  const purses = await pursesToRecord(trx, accepted);
  let uploadId: bigint | null = null;
  if (source.kind === 'lane') {
    uploadId = await insertUploadWithTransactions(
      trx,
      {
        laneId: source.laneId,
        at: now,
        ...counts,
        acceptedAmount: total,
        overdraftsPending: overdraftAccounts.length > 0,
        pursesPending: purses.length > 0,
      },
      stored,
    );
    if (total > 0n) {
      await postEntry(trx, {
        kind: 'lane-purchase',
        reference: `upload:${uploadId}`,
        memo: `lane ${source.laneId}: ${accepted.length} accepted transactions`,
        actor: actorLabel(ctx.actor),
        postings,
      });
    }
  } else {
    await insertPackageTransactions(trx, stored, { packageId: source.packageId, at: now });
    if (total > 0n) {
      await ensureAccounts(trx, [provincePayableAccount(source.sender)]);
      await postEntry(trx, {
        kind: 'interchange-purchase',
        reference: `package:${source.packageId}`,
        memo: `package from ${source.sender}: ${accepted.length} accepted transactions of our cards`,
        actor: actorLabel(ctx.actor),
        postings,
      });
    }
  }
  // A peer's package is judged and its purses recorded in its caller's transaction (rare, and no lane
  // waits on it); last, so that the row locks they take are held only until that commit.
  if (source.kind !== 'lane') {
    await raiseOverdrafts(trx, overdraftAccounts, now);
    await recordLanePurses(trx, purses);
  }
  return { uploadId, overdraftAccounts, purses, results, counts, acceptedAmount: total };
}
