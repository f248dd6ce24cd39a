// The two centres the dispute-from-a-ticket browser tests start from: Anhui (3401) and Jiangsu
// (3201) trade a day of traffic, Anhui clears it and sends Jiangsu its package, and a Jiangsu clerk
// takes a complaint about one of Jiangsu's cards charged on Anhui's roads. Both clocks stand at
// 09:00 the next morning.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { clearDay } from '../../src/modules/clearing/index.ts';
import { deliverPending } from '../../src/modules/interchange/index.ts';
import { simulateInterchangeDay } from '../../lanes-sim/traffic/interchange-day.ts';
import { pairCentres, sharedPurchaseMasters, startCentre, type TestCentre } from '../helpers/centres.ts';

const DAY = 86_400_000;
export const at = (date: string, time: string) => new Date(`${date}T${time}:00+08:00`);

export type PeerComplaint = {
  A: TestCentre;
  B: TestCentre;
  /** the morning after the traded day */
  next: string;
  ticket: { id: number; ticketNo: string };
  tx: { id: string; received_package_id: string };
};

export async function peerComplaint(o: {
  daysAhead: number;
  keyVersions: [number, number];
  seed: number;
  jiangsuSettings?: Record<string, string>;
  caller: { name: string; contact: string };
  description: string;
}): Promise<PeerComplaint> {
  const D = new Date(Date.now() + o.daysAhead * DAY).toISOString().slice(0, 10);
  const [ma, mb] = sharedPurchaseMasters();
  const [ka, kb] = o.keyVersions;
  const A = await startCentre('3401', ma, ka, at(D, '00:00'));
  const B = await startCentre('3201', mb, kb, at(D, '00:00'), o.jiangsuSettings);
  await pairCentres(A, B);
  await simulateInterchangeDay({
    sides: [
      { centre: A.centre, network: '3401', masters: ma, keyVersion: ka },
      { centre: B.centre, network: '3201', masters: mb, keyVersion: kb },
    ],
    date: D,
    vehicles: 4,
    visitShare: 0,
    seed: o.seed,
    faults: { tac: false, lost: false, duplicate: false },
    batchSize: 10,
    uploadMinutes: 120,
  });
  const next = new Date(Date.parse(`${D}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
  for (const c of [A, B]) c.clock.set(at(next, '09:00'));
  await clearDay({ app: A.app, now: A.clock.now(), actor: 'test' }, D);
  assert.equal((await deliverPending(A.app)).failed, 0);
  const tx = await B.app
    .db('lane_transactions')
    .whereNotNull('received_package_id')
    .where({ disposition: 'accepted' })
    .where('amount', '>', 0)
    .orderBy('id')
    .first('id', 'received_package_id');
  const r = await B.request('clerk', 'post', '/api/v1/servicedesk/tickets', {
    channel: 'phone',
    caller: o.caller,
    category: 'payment',
    subcategory: '异地扣费',
    description: o.description,
    links: { laneTransactionId: Number(tx.id) },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { A, B, next, ticket: r.body.ticket, tx };
}

/** Logs in to this centre's console from the login screen, by keyboard. */
export async function loginAt(page: Page, base: string, who: { username: string; password: string }): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('用户名').fill(who.username);
  await page.getByLabel('密码').fill(who.password);
  await page.keyboard.press('Enter');
  await page.getByRole('navigation').waitFor();
}
