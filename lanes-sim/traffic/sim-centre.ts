// A centre made ready for a simulation, in this process on a manual clock: its province's demo
// network, staff users, a bank client, a client per lane, a load/TAC/purchase key set of the
// simulation's own (imported with check values like any key file), served over HTTP on an
// ephemeral port. Two of them can be paired as each other's interchange peers. Used by the
// traffic commands and by the tests.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { buildApp } from '../../src/app.ts';
import { createClient, createUser } from '../../src/modules/access/index.ts';
import { importKeys, listKeys } from '../../src/modules/keys/index.ts';
import { DEMO_NETWORK_IDS, seedDemoNetwork } from '../../src/modules/lanes/index.ts';
import { kcv } from '../../src/platform/crypto/pboc.ts';
import type { ManualClock } from '../../src/platform/clock/clock.ts';
import type { AppContext } from '../../src/platform/http/context.ts';
import type { MasterKeys } from '../card/virtual-card.ts';
import { HttpCentre, signatureHeaders, type StaffRole } from './centre.ts';

export type SimRole = StaffRole | 'admin';
export type SimCentre = {
  network: string;
  app: AppContext;
  clock: ManualClock;
  base: string;
  masters: MasterKeys;
  keyVersion: number;
  staff: Record<SimRole, { username: string; password: string }>;
  centre: HttpCentre;
  /** the province client a paired centre uses here, and its secret */
  peerClient?: { id: string; secret: string };
  request: (
    role: SimRole,
    method: 'get' | 'post' | 'put',
    path: string,
    body?: unknown,
  ) => Promise<{ status: number; body: any }>;
  stop: () => Promise<void>;
};

export async function startSimCentre(
  app: AppContext,
  clock: ManualClock,
  o: { masters?: MasterKeys; keyVersion?: number } = {},
): Promise<SimCentre> {
  const network = app.config.network;
  const run = randomBytes(3).toString('hex');
  await seedDemoNetwork(app.db, DEMO_NETWORK_IDS.includes(network) ? network : '3401');
  const keyVersion = o.keyVersion ?? Math.max(0, ...(await listKeys(app.db)).map((k) => k.version)) + 1;
  if (keyVersion > 255) throw new Error('no key version left for the simulation (255 used)');
  const masters = o.masters ?? { load: randomBytes(16), tac: randomBytes(16), purchase: randomBytes(16) };
  await importKeys(app.db, app.keys.hsm, {
    keys: (['load', 'tac', 'purchase'] as const).map((purpose) => ({
      purpose,
      version: keyVersion,
      value: masters[purpose].toString('hex'),
      kcv: kcv(masters[purpose]).toString('hex'),
    })),
  });
  await app.keys.load(app.db);
  await app.keys.ensurePki(app.db, { network, now: clock.now() });
  const staff = {} as SimCentre['staff'];
  for (const role of ['clerk', 'supervisor', 'finance', 'admin'] as const) {
    const username = `sim-${role}-${run}`;
    const { password } = await createUser(app.db, null, { username, displayName: `simulation ${role}`, role });
    staff[role] = { username, password };
  }
  const bank = { id: `SIM-BANK-${run}`, secret: '' };
  bank.secret = (await createClient(app.db, app.keys.hsm, null, { id: bank.id, role: 'bank' })).secret;
  const lanes = new Map<string, string>();
  for (const id of await app.db('lanes').where({ etc_enabled: true }).orderBy('id').pluck('id')) {
    const row = await app.db('api_clients').where({ id }).first();
    lanes.set(
      id,
      row
        ? app.keys.hsm.open('client-secret', row.secret_sealed).toString('utf8')
        : (await createClient(app.db, app.keys.hsm, null, { id, role: 'lane' })).secret,
    );
  }
  const server: Server = createServer(buildApp(app).express);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokens = new Map<SimRole, string>();
  const request: SimCentre['request'] = async (role, method, path, body) => {
    for (let attempt = 0; ; attempt++) {
      if (!tokens.has(role)) {
        const r = await fetch(`${base}/api/v1/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(staff[role]),
        });
        tokens.set(role, ((await r.json()) as { token: string }).token);
      }
      const r = await fetch(`${base}${path}`, {
        method: method.toUpperCase(),
        headers: {
          authorization: `Bearer ${tokens.get(role)}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      // the simulated clock outran the session: log in again
      if (r.status === 401 && attempt === 0) {
        tokens.delete(role);
        continue;
      }
      return { status: r.status, body: text ? JSON.parse(text) : null };
    }
  };
  return {
    network,
    app,
    clock,
    base,
    masters,
    keyVersion,
    staff,
    request,
    centre: new HttpCentre({ base, clock, staff, lanes, bank }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Each centre registers the other's signing certificate, issues it a province client and points
 *  its peer endpoint at the other's URL with the secret the other issued. */
export async function pairSimCentres(a: SimCentre, b: SimCentre): Promise<void> {
  for (const [here, there] of [
    [a, b],
    [b, a],
  ] as const) {
    here.peerClient = {
      id: there.network,
      secret: (await createClient(here.app.db, here.app.keys.hsm, null, { id: there.network, role: 'province' }))
        .secret,
    };
  }
  for (const [here, there] of [
    [a, b],
    [b, a],
  ] as const) {
    const cert = await here.request('admin', 'put', `/api/v1/interchange/peers/${there.network}/certificate`, {
      certificatePem: there.app.keys.statusListCertificatePem(),
    });
    if (cert.status !== 200) throw new Error(`certificate: ${cert.status} ${JSON.stringify(cert.body)}`);
    const ep = await here.request('admin', 'put', `/api/v1/interchange/peers/${there.network}/endpoint`, {
      url: there.base,
      clientId: here.network,
      secret: there.peerClient!.secret,
    });
    if (ep.status !== 200) throw new Error(`endpoint: ${ep.status} ${JSON.stringify(ep.body)}`);
  }
}

/** A request to `to` signed as the province `to` issued a client to (ICD §0). */
export async function asProvince(
  to: SimCentre,
  method: 'GET' | 'POST',
  path: string,
  doc?: unknown,
  idempotencyKey?: string,
): Promise<{ status: number; body: any }> {
  const client = to.peerClient!;
  const raw = doc === undefined ? '' : JSON.stringify(doc);
  const r = await fetch(`${to.base}${path}`, {
    method,
    body: doc === undefined ? undefined : raw,
    headers: {
      ...(doc !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
      ...signatureHeaders(client.id, client.secret, method, path, raw, to.clock.now().getTime()),
    },
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}
