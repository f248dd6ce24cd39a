// Lane-transaction scenarios: the demo network, lanes of a test's own (so that its machine clients
// and terminal sequences meet no other test's), a Centre for the traffic generator over the test
// harness, and lane controllers with PSAMs for the known purchase key.
import request from 'supertest';
import { randomBytes } from 'node:crypto';
import { seedDemoNetwork } from '../../src/modules/lanes/index.ts';
import { VirtualPsam, type MasterKeys, type VirtualCard } from '../../lanes-sim/card/virtual-card.ts';
import type { Centre, Reply, StaffRole } from '../../lanes-sim/traffic/centre.ts';
import { LaneController, type LaneSpec, type Vehicle, type WireTransaction } from '../../lanes-sim/traffic/lane.ts';
import { LaneTariff } from '../../lanes-sim/traffic/tariff.ts';
import type { ManualClock } from '../../src/platform/clock/clock.ts';
import { harness, loginAs, newClient, signed, type TestClient } from './harness.ts';
import { machine } from '../integration/statuslist-support.ts';
import { assertLedgerHolds } from './ledger.ts';
import { testMasters } from './loads.ts';

/** The demo network's ETC lanes (seeded if need be), each with its machine client. */
export async function testLanes(): Promise<LaneSpec[]> {
  const h = await harness();
  await seedDemoNetwork(h.app.db);
  const rows = await h.app.db('lanes').where({ etc_enabled: true }).orderBy('id');
  const specs: LaneSpec[] = rows.map((r) => ({
    laneId: r.id,
    network: '3401',
    station: r.station_id,
    laneNo: r.lane_no,
    direction: r.direction,
  }));
  for (const s of specs) await laneClient(s.laneId);
  return specs;
}

// One machine client per lane id for the whole run, shared with the status-list tests, which keep
// them in statuslist-support.ts: a second client for the same id cannot exist, and one deleted and
// made again would meet the service's cached secret.
export function laneClient(laneId: string): Promise<TestClient> {
  return machine('lane', laneId);
}

/** A lane controller with a fresh PSAM (random terminal id) holding the test's purchase master. */
export function controller(spec: LaneSpec, masters: MasterKeys): LaneController {
  return new LaneController(
    spec,
    new VirtualPsam(masters.purchase, { terminalId: randomBytes(6).toString('hex').toUpperCase() }),
  );
}

export async function upload(laneId: string, transactions: unknown[], key = `up-${randomBytes(6).toString('hex')}`) {
  return signed(
    await laneClient(laneId),
    'post',
    `/api/v1/lanes/${laneId}/transactions`,
    { transactions },
    { idempotencyKey: key },
  );
}

/** The traffic generator's view of the centre, over supertest and the harness's manual clock. */
export class HarnessCentre implements Centre {
  readonly #staff = new Map<StaffRole, Promise<string>>();
  readonly #clock: ManualClock;
  #bank: Promise<TestClient> | undefined;

  constructor(clock: ManualClock) {
    this.#clock = clock;
  }

  setTime(at: Date): void {
    this.#clock.set(at);
  }

  now(): Date {
    return this.#clock.now();
  }

  async #reply(r: request.Response): Promise<Reply> {
    return { status: r.status, body: r.body, headers: r.headers as Record<string, string> };
  }

  async staff(role: StaffRole, method: 'get' | 'post', path: string, body?: unknown): Promise<Reply> {
    const h = await harness();
    for (let attempt = 0; ; attempt++) {
      if (!this.#staff.has(role))
        this.#staff.set(
          role,
          loginAs(role).then((u) => u.auth),
        );
      const auth = await this.#staff.get(role)!;
      const r =
        method === 'get'
          ? await request(h.http).get(path).set('Authorization', auth)
          : await request(h.http)
              .post(path)
              .set('Authorization', auth)
              .send((body ?? {}) as object);
      // a simulated day outlives a session: log in again
      if (r.status !== 401 || attempt > 0) return this.#reply(r);
      this.#staff.delete(role);
    }
  }

  async lane(laneId: string, path: string, body: unknown, key: string): Promise<Reply> {
    return this.#reply(await signed(await laneClient(laneId), 'post', path, body, { idempotencyKey: key }));
  }

  async bank(path: string, body: unknown, key: string): Promise<Reply> {
    this.#bank ??= newClient('bank');
    return this.#reply(await signed(await this.#bank, 'post', path, body, { idempotencyKey: key }));
  }
}

/** The tariff lanes charge by on a day, read as a lane operator would from the network API. */
export async function dayTariff(staffAuth: string, date: string): Promise<LaneTariff> {
  const h = await harness();
  const network = (
    await request(h.http).get(`/api/v1/network?date=${date}`).set('Authorization', staffAuth).expect(200)
  ).body;
  const discounts = (await request(h.http).get('/api/v1/network/discounts').set('Authorization', staffAuth).expect(200))
    .body;
  return new LaneTariff(network, discounts);
}

/** One trip: the entry transaction (0) and the exit transaction charged by the tariff. */
export function tripTxs(
  card: VirtualCard,
  entry: LaneController,
  exit: LaneController,
  tariff: LaneTariff,
  entryAt: Date,
  exitAt: Date,
  o: { own?: boolean; cardType?: 22 | 23; vehicleClass?: number; sendSections?: boolean } = {},
): [WireTransaction, WireTransaction] {
  const v: Vehicle = {
    plate: '皖A12345',
    plateColor: 0,
    vehicleClass: o.vehicleClass ?? 1,
    obuId: '3401190220052902',
    cardType: o.cardType ?? 22,
  };
  const e = entry.entry(card, v, entryAt);
  const charge = tariff.charge(entry.spec.station, exit.spec.station, v.vehicleClass, o.own ?? true);
  return [e.tx, exit.exit(card, v, exitAt, e.point, { ...charge, sendSections: o.sendSections ?? false })];
}

/** What most lane suites set up, registered as the calling suite's hooks: a bank client, the test
 *  masters of key version `kv`, the demo lanes, the clock put back afterwards and the ledger checked
 *  after each test. Its fields are filled once the suite's `before` has run. */
export function laneSuite(kv: number) {
  const s = {
    bank: undefined as unknown as TestClient,
    masters: undefined as unknown as MasterKeys,
    lanes: [] as LaneSpec[],
    realNow: new Date(0),
    /** a controller at this station's lane of that direction */
    lane: (station: number, direction: 'entry' | 'exit'): LaneController =>
      controller(
        s.lanes.find((l) => l.station === station && l.direction === direction)!,
        s.masters,
      ),
  };
  before(async () => {
    const h = await harness();
    s.realNow = h.clock.now();
    s.bank = await newClient('bank');
    s.masters = await testMasters(kv);
    s.lanes = await testLanes();
  });
  after(async () => (await harness()).clock.set(s.realNow));
  afterEach(assertLedgerHolds);
  return s;
}
