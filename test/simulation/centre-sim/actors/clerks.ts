// Service-hall clerks of either province: register a customer with a vehicle and issue a
// stored-value card (then its first load), load at the counter, take deposits, report a card lost,
// replace a damaged card (its balance carried and loaded onto the new card), cancel a card with a
// refund (a supervisor approves). Bank branches load and reverse. Every choice is the seed's.
import { VirtualCard } from '../../../../lanes-sim/card/virtual-card.ts';
import type { CardModel, Network } from '../model.ts';
import { must, type Sim } from '../sim.ts';
import { call, send } from '../wire.ts';
import { load, reverse } from './money.ts';
import type { Action } from './index.ts';

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

function residentId(s: Sim): string {
  const body = `340104${1960 + s.rng.int(0, 39)}${String(s.rng.int(1, 12)).padStart(2, '0')}${String(s.rng.int(1, 28)).padStart(2, '0')}${s.rng.digits(3)}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((a, d, i) => a + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

const plate = (s: Sim, n: Network) =>
  `${n === '3401' ? '皖' : '苏'}${s.rng.pick([...LETTERS])}${s.rng.pick([...LETTERS])}${s.rng.pick([...LETTERS])}${s.rng.digits(3)}`;

/** A customer, a vehicle and a stored-value card at the province's hall; then a first bank load. */
export async function register(s: Sim, n: Network): Promise<CardModel> {
  const side = s.side(n);
  const clerk = { kind: 'staff', role: 'clerk' } as const;
  const c = must(
    'customer',
    await call(side, clerk, 'POST', '/api/v1/customers', {
      kind: 'personal',
      name: '模拟车主',
      idType: 1,
      idNumber: residentId(s),
      phone: `139${s.rng.digits(8)}`,
    }),
    201,
  );
  const vehicleClass = s.rng.pick([1, 1, 1, 2, 4]);
  let vehicle: { id: number; plate: string } | undefined;
  for (let attempt = 0; !vehicle; attempt++) {
    const r = await call(side, clerk, 'POST', `/api/v1/customers/${c.customer.id}/vehicles`, {
      plate: plate(s, n),
      plateColor: 0,
      vehicleClass,
      seats: 5,
    });
    if (r.status === 201) vehicle = r.body.vehicle;
    else if (r.status !== 409 || attempt > 5) must('vehicle', r, 201);
  }
  const issued = must(
    'card',
    await call(side, clerk, 'POST', '/api/v1/cards', {
      customerId: c.customer.id,
      vehicleId: vehicle!.id,
      cardType: 22,
      payment: { method: 'cash' },
    }),
    201,
  );
  if (n === '3401') fee(s, issued.fee);
  const card: CardModel = {
    cardNo: issued.card.cardNo,
    issuer: n,
    card: new VirtualCard({ cardNo: issued.card.cardNo, masters: side.masters, keyVersion: side.keyVersion }),
    accountId: c.account.id,
    vehicleClass,
    plate: vehicle!.plate,
    status: 'normal',
    known: null,
    unsettled: 0,
    order: 0,
    lastEventAt: s.now().getTime(), // no trip may start before the card was issued
  };
  s.model.cards.set(card.cardNo, card);
  await load(s, card, 1000 * s.rng.int(50, 300), { via: 'bank' });
  return card;
}

function fee(s: Sim, f: { listPrice: number; price: number }): void {
  s.model.post('issuance-fee', [
    ['counter-cash', BigInt(f.price)],
    ['discounts', BigInt(f.listPrice - f.price)],
    ['fee-revenue', -BigInt(f.listPrice)],
  ]);
}

// a load the card did not take waits for its reversal before the card is loaded again
const loadable = (c: CardModel) =>
  c.status === 'normal' && c.card.balance < 700_000 && (!c.inFlight || c.inFlight.credited);
/** A card whose every event the centre has settled: what it knows is what the card holds. */
const quiet = (c: CardModel) => c.status === 'normal' && c.unsettled === 0 && !c.inFlight;

export const clerkActions: Action[] = [
  {
    name: 'register',
    weight: (s) => (s.cards('3401').length < 6 ? 6 : 1.5),
    act: async (s) => `registered ${(await register(s, '3401')).cardNo}`,
  },
  {
    name: 'peer-register',
    weight: (s) => (s.cards('3201').length < 4 ? 4 : 0.7),
    act: async (s) => `peer registered ${(await register(s, '3201')).cardNo}`,
  },
  {
    name: 'counter-load',
    weight: (s) => (s.cards('3401', loadable).length ? 2 : 0),
    act: async (s) => {
      const card = s.rng.pick(s.cards('3401', loadable));
      const amount = 100 * s.rng.int(10, 2000);
      await load(s, card, amount, { via: 'counter', method: 'cash' }, s.faults.roll(0.08));
      return `counter load ${amount} onto ${card.cardNo}`;
    },
  },
  {
    name: 'bank-load',
    weight: (s) => (s.cards('3401', loadable).length ? 3 : 0),
    act: async (s) => {
      const card = s.rng.pick(s.cards('3401', loadable));
      const amount = 100 * s.rng.int(10, 3000);
      await load(s, card, amount, { via: 'bank' }, s.faults.roll(0.15));
      return `bank load ${amount} onto ${card.cardNo}`;
    },
  },
  {
    name: 'peer-bank-load',
    weight: (s) => (s.cards('3201', loadable).length ? 1 : 0),
    act: async (s) => {
      const card = s.rng.pick(s.cards('3201', loadable));
      const amount = 100 * s.rng.int(10, 3000);
      await load(s, card, amount, { via: 'bank' });
      return `peer bank load ${amount} onto ${card.cardNo}`;
    },
  },
  {
    name: 'bank-reversal',
    weight: (s) => (s.cards('3401', (c) => c.inFlight?.credited === false).length ? 1 : 0),
    act: async (s) => {
      const card = s.rng.pick(s.cards('3401', (c) => c.inFlight?.credited === false));
      await reverse(s, card);
      return `bank reversed the load onto ${card.cardNo}`;
    },
  },
  {
    name: 'deposit',
    weight: (s) => (s.cards('3401').length ? 1.5 : 0),
    act: async (s) => {
      const card = s.rng.pick(s.cards('3401'));
      const amount = 100 * s.rng.int(1, 5000);
      const r = await send(
        s.world.home,
        { kind: 'staff', role: 'clerk' },
        `/api/v1/accounts/${card.accountId}/deposits`,
        { amount, method: 'cash' },
        s.key('deposit'),
        s.faults,
        s.faults.delivery(),
      );
      must('deposit', r, 201);
      s.model.post('account-deposit', [
        ['counter-cash', BigInt(amount)],
        [`customer-funds:${card.accountId}`, -BigInt(amount)],
      ]);
      return `deposit ${amount} into account ${card.accountId}`;
    },
  },
  {
    name: 'loss-report',
    weight: (s) => (s.cards('3401', quiet).length > 3 ? 0.4 : 0),
    act: async (s) => {
      const card = s.rng.pick(s.cards('3401', quiet));
      must(
        'loss report',
        await call(s.world.home, { kind: 'staff', role: 'clerk' }, 'POST', `/api/v1/cards/${card.cardNo}/loss-report`, {
          reason: 'lost on the road',
        }),
      );
      card.status = 'lost';
      card.lostAt = s.now();
      // a trip of the lost card starts after the report, so that all of it is refused (9)
      card.lastEventAt = s.now().getTime();
      return `loss report of ${card.cardNo}`;
    },
  },
  {
    name: 'replace',
    weight: (s) => (s.cards('3401', quiet).length > 2 ? 0.5 : 0),
    act: async (s) => {
      const old = s.rng.pick(s.cards('3401', quiet));
      const r = must(
        'replacement',
        await call(s.world.home, { kind: 'staff', role: 'clerk' }, 'POST', `/api/v1/cards/${old.cardNo}/replacement`, {
          reason: 'chip damaged',
          payment: { method: 'cash' },
        }),
        201,
      );
      fee(s, r.fee);
      const carry = old.known?.balance ?? 0n;
      if (carry > 0n)
        s.model.post('balance-carry', [
          ['purse-float', carry],
          ['balance-carry', -carry],
        ]);
      old.status = 'retired';
      const side = s.world.home;
      const card: CardModel = {
        ...old,
        cardNo: r.card.cardNo,
        card: new VirtualCard({ cardNo: r.card.cardNo, masters: side.masters, keyVersion: side.keyVersion }),
        status: 'normal',
        known: null,
        unsettled: 0,
        order: 0,
        lastEventAt: s.now().getTime(),
      };
      s.model.cards.set(card.cardNo, card);
      if (carry > 0n) await load(s, card, Number(carry), { via: 'counter', method: 'carry-over' });
      return `replaced ${old.cardNo} by ${card.cardNo}, carried ${carry}`;
    },
  },
  {
    name: 'cancel-with-refund',
    weight: (s) => (s.cards('3401', quiet).length > 3 ? 0.4 : 0),
    act: async (s) => {
      const card = s.rng.pick(s.cards('3401', quiet));
      const req = must(
        'cancellation request',
        await call(
          s.world.home,
          { kind: 'staff', role: 'clerk' },
          'POST',
          `/api/v1/cards/${card.cardNo}/cancellation-requests`,
          { reason: 'sold the car', refundMethod: 'cash' },
        ),
        201,
      );
      const approved = must(
        'cancellation approval',
        await send(
          s.world.home,
          { kind: 'staff', role: 'supervisor' },
          `/api/v1/card-cancellations/${req.request.id}/approve`,
          { note: 'card in hand' },
          s.key('approve'),
          s.faults,
          s.faults.delivery(),
        ),
      );
      const refund = card.known?.balance ?? 0n;
      if (BigInt(approved.request.refundAmount) !== refund)
        throw new Error(`refund of ${card.cardNo}: ${approved.request.refundAmount}, the model says ${refund}`);
      if (refund > 0n)
        s.model.post('card-refund', [
          ['purse-float', refund],
          ['counter-cash', -refund],
        ]);
      card.status = 'retired';
      return `cancelled ${card.cardNo} with a refund of ${refund}`;
    },
  },
];
