// Finance settles what the clearing left: each road operator's payout of a cleared day and the day's
// settlement with the peer province, approved by one finance user and paid by another (four eyes),
// each the amount the model says to the fen, each one journal entry against the clearing bank.
import { must, type Sim } from '../sim.ts';
import { call, send } from '../wire.ts';
import type { Action } from './index.ts';

const approver = { kind: 'staff', role: 'finance' } as const;
const payer = { kind: 'staff', role: 'finance2' } as const;

type Due = { date: string; what: 'payout'; operatorId: string; amount: bigint } | { date: string; what: 'settlement' };

function due(s: Sim): Due[] {
  const out: Due[] = [];
  for (const [date, d] of s.model.days) {
    if (!d.complete) continue;
    for (const [operatorId, amount] of s.model.payouts(date))
      if (!s.model.paid.has(`${date}|${operatorId}`)) out.push({ date, what: 'payout', operatorId, amount });
    const any = s.model.receivable(date) > 0n || s.model.payable(date) > 0n;
    if (any && !s.model.paid.has(`${date}|3201`)) out.push({ date, what: 'settlement' });
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

export const financeActions: Action[] = [
  {
    name: 'finance-pays',
    weight: (s) => (due(s).length ? 1.5 : 0),
    act: async (s) => {
      const d = s.rng.pick(due(s));
      const home = s.world.home;
      const path =
        d.what === 'payout' ? `/api/v1/payouts/${d.date}/${d.operatorId}` : `/api/v1/settlements/${d.date}/3201`;
      must(`approve ${path}`, await call(home, approver, 'POST', `${path}/approve`, {}));
      const r = must(
        `${d.what} ${path}`,
        await send(
          home,
          payer,
          `${path}/${d.what === 'payout' ? 'pay' : 'settle'}`,
          { bankReference: s.key('BR') },
          s.key(d.what),
          s.faults,
          s.faults.delivery(),
        ),
      );
      if (d.what === 'payout') {
        if (BigInt(r.payout.amount) !== d.amount)
          throw new Error(`payout ${d.date} ${d.operatorId}: ${r.payout.amount}, the model says ${d.amount}`);
        s.model.post('operator-payout', [
          [`operator-payable:${d.operatorId}`, d.amount],
          ['clearing-bank', -d.amount],
        ]);
        s.model.paid.add(`${d.date}|${d.operatorId}`);
        return `paid ${d.operatorId} ${d.amount} for ${d.date}`;
      }
      const receivable = s.model.receivable(d.date);
      const payable = s.model.payable(d.date);
      s.model.post('interchange-settlement', [
        ['province-payable:3201', payable],
        ['province-receivable:3201', -receivable],
        ['clearing-bank', receivable - payable],
      ]);
      s.model.paid.add(`${d.date}|3201`);
      return `settled ${d.date} with 3201: net ${receivable - payable}`;
    },
  },
];
