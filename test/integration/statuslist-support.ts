// Shared pieces of the status-list tests: the demo lanes with their machine clients, a listening
// server for the lane simulator, cards with life-cycle steps through the API, a peer province with
// its own key and certificate, and packages signed as ICD §2 says.
import forge from 'node-forge';
import { createHash, createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createClient } from '../../src/modules/access/service.ts';
import { stringToSign } from '../../src/platform/http/auth.ts';
import { seedDemoNetwork } from '../../src/modules/lanes/demo-network.ts';
import { publisherTick } from '../../src/modules/statuslist/index.ts';
import { LaneListClient, type LaneListClientOptions } from '../../lanes-sim/status-list/client.ts';
import { customerWithVehicle } from '../helpers/fixtures.ts';
import { harness, type TestClient } from '../helpers/harness.ts';

export const DEMO_LANES = [
  'L340102-01',
  'L340102-02',
  'L340104-01',
  'L340104-02',
  'L340106-01',
  'L340106-02',
  'L340201-01',
  'L340201-02',
  'L340204-01',
  'L340204-02',
];

let base: Promise<string> | undefined;
const clients = new Map<string, Promise<TestClient>>();

// The service on a real port (the simulator speaks HTTP with fetch), and the demo lanes registered.
export function centre(): Promise<string> {
  base ??= (async () => {
    const h = await harness();
    await seedDemoNetwork(h.app.db);
    const server = h.http.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    server.unref();
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  })();
  return base;
}

// One machine client per lane or province id for the whole run (ids are unique).
export function machine(role: 'lane' | 'province', id: string): Promise<TestClient> {
  let c = clients.get(id);
  if (!c) {
    c = (async () => {
      const h = await harness();
      const { secret } = await createClient(h.app.db, h.app.keys.hsm, null, { id, role });
      return { id, secret, role };
    })();
    clients.set(id, c);
  }
  return c;
}

export async function simLane(laneId: string, opts: Partial<LaneListClientOptions> = {}): Promise<LaneListClient> {
  const h = await harness();
  const url = await centre();
  const c = await machine('lane', laneId);
  return new LaneListClient({ centre: url, laneId, secret: c.secret, now: () => h.clock.now().getTime(), ...opts });
}

export const tick = async () => publisherTick((await harness()).app);

export async function issueCard(clerk: string, cardType: 22 | 23 = 22) {
  const h = await harness();
  const f = await customerWithVehicle(clerk);
  const res = await request(h.http)
    .post('/api/v1/cards')
    .set('Authorization', clerk)
    .send({ customerId: f.customerId, vehicleId: f.vehicleId, cardType, payment: { method: 'cash' } })
    .expect(201);
  return { ...f, cardNo: res.body.card.cardNo as string };
}

export async function cardStep(
  clerk: string,
  cardNo: string,
  step: 'loss-report' | 'loss-cancellation' | 'suspension' | 'resumption',
  body: Record<string, unknown> = {},
) {
  const h = await harness();
  await request(h.http)
    .post(`/api/v1/cards/${cardNo}/${step}`)
    .set('Authorization', clerk)
    .send({ reason: 'customer request', ...body })
    .expect(200);
}

export type Line = { medium: 'card' | 'obu'; id: string; issuer: string; reason: number; action: 'enter' | 'leave' };

// A package as ICD §2 specifies, signed with the given key.
export function buildPackage(
  key: KeyObject,
  header: { kind: 'full' | 'delta'; from: number; version: number; publishedAt?: string | null },
  lines: Line[],
): string {
  const headerLine = JSON.stringify({
    kind: header.kind,
    from: header.from,
    version: header.version,
    publishedAt: header.publishedAt ?? new Date().toISOString(),
    count: lines.length,
  });
  const body = lines
    .map(
      (l) =>
        JSON.stringify({ medium: l.medium, id: l.id, issuer: l.issuer, reason: l.reason, action: l.action }) + '\n',
    )
    .join('');
  const sha256 = createHash('sha256').update(body).digest('hex');
  const signature = sign('sha256', Buffer.from(`${headerLine}\n${sha256}`), key).toString('base64');
  return `${headerLine}\n${body}${JSON.stringify({ sha256, signature })}\n`;
}

// Another province: its own key pair and self-signed certificate (made with node-forge).
export function peerProvince(network: string): { network: string; key: KeyObject; certificatePem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const subject = [{ name: 'commonName', value: `ETC ${network} status-list signing` }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(
    forge.pki.privateKeyFromPem(
      privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    ) as forge.pki.rsa.PrivateKey,
    forge.md.sha256.create(),
  );
  return { network, key: privateKey, certificatePem: forge.pki.certificateToPem(cert) };
}

// A card number of another network that no one has issued here.
let serial = 0;
export function foreignCard(network: string): string {
  serial++;
  return `${network}${String(Date.now() % 1e9).padStart(9, '0')}${String(serial).padStart(7, '0')}`;
}

// A signed GET whose body is kept as text whatever its type (NDJSON, PEM), gzip when asked.
export async function signedText(
  client: TestClient,
  path: string,
  opts: { gzip?: boolean } = {},
): Promise<{ status: number; text: string; headers: Record<string, string> }> {
  const h = await harness();
  const ts = String(h.clock.now().getTime());
  const sig = createHmac('sha256', client.secret)
    .update(stringToSign('get', path, ts, Buffer.alloc(0)))
    .digest('hex');
  const res = await request(h.http)
    .get(path)
    .set('X-Client-Id', client.id)
    .set('X-Timestamp', ts)
    .set('X-Signature', sig)
    .set('Accept-Encoding', opts.gzip ? 'gzip' : 'identity')
    .buffer(true)
    .parse((r, cb) => {
      let d = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => {
        d += c;
      });
      r.on('end', () => cb(null, d));
    });
  return {
    status: res.status,
    text: typeof res.body === 'string' ? res.body : '',
    headers: res.headers as Record<string, string>,
  };
}
