// Starts one bank adapter: `npm run adapter -- icbc` or `npm run adapter -- cmb`.
// Configuration comes from the environment only; a missing value stops the start with its name.
import type { Express } from 'express';
import { createCmbAdapter } from './cmb/adapter.ts';
import { createIcbcAdapter } from './icbc/adapter.ts';

const FACTORIES: Record<string, (o: { centreUrl: string; clientId: string; secret: string }) => Express> = {
  icbc: createIcbcAdapter,
  cmb: createCmbAdapter,
};
const DEFAULT_PORT: Record<string, number> = { icbc: 8181, cmb: 8182 };

function fail(message: string): never {
  process.stderr.write(`bank adapter: ${message}\n`);
  process.exit(2);
}

function required(name: string): string {
  const v = process.env[name];
  if (v === undefined || v.trim() === '')
    fail(`${name} is not set (needed: CENTRE_URL, BANK_CLIENT_ID, BANK_CLIENT_SECRET; optional: PORT)`);
  return v.trim();
}

const bank = (process.argv[2] ?? '').toLowerCase();
const factory = FACTORIES[bank];
if (!factory) fail(`usage: npm run adapter -- <${Object.keys(FACTORIES).join('|')}>`);

const centreUrl = required('CENTRE_URL');
try {
  const u = new URL(centreUrl);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
} catch {
  fail('CENTRE_URL must be an http(s) URL, e.g. http://localhost:8080');
}
const clientId = required('BANK_CLIENT_ID');
const secret = required('BANK_CLIENT_SECRET');
const portText = process.env.PORT?.trim() || String(DEFAULT_PORT[bank]);
if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535) fail(`PORT must be 0..65535, got "${portText}"`);

const server = factory({ centreUrl, clientId, secret }).listen(Number(portText), () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : portText;
  // the secret is never printed; the client id is what an operator needs to check the set-up
  process.stdout.write(
    `${bank.toUpperCase()} adapter for client ${clientId} listening on port ${port}, centre ${centreUrl}\n`,
  );
});
server.on('error', (err) => fail(`cannot listen on port ${portText}: ${err.message}`));
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => server.close(() => process.exit(0)));
