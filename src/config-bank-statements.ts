// The daily pull of the banks' statement files (banks' statement fetch): which banks, where, which
// collection account, in which format, and with which credentials. Read from the environment given to
// loadConfig (config.ts stays the only reader of process.env); files are read here, once, so a missing
// certificate or token stops the start with the variable's name. A credential never appears in an error.
import { readFileSync } from 'node:fs';

export type StatementFetchFormat = 'cmb-xml' | 'icbc-fixed' | 'csv';
export type StatementFetchConfig = {
  bank: string; // the bank's code, as its machine client (CMB, ICBC)
  url: string; // base URL of the bank's statement service (its corporate-banking front end)
  account: string; // the centre's collection account at that bank
  format: StatementFetchFormat;
  token: string | undefined; // bearer token; never logged
  tls: { cert?: Buffer; key?: Buffer; ca?: Buffer }; // client certificate (mutual TLS) and the bank's CA
};
export type StatementFetchSettings = { banks: StatementFetchConfig[]; timeoutSeconds: number; retryDays: number };

const DEFAULT_FORMAT: Record<string, StatementFetchFormat> = { CMB: 'cmb-xml', ICBC: 'icbc-fixed' };
const FORMATS: StatementFetchFormat[] = ['cmb-xml', 'icbc-fixed', 'csv'];
const LOCAL = ['localhost', '127.0.0.1', '[::1]'];

export function statementFetchConfig(
  env: NodeJS.ProcessEnv,
  fail: (variable: string, why: string) => never,
  int: (name: string, dflt: number, min: number, max: number) => number,
): StatementFetchSettings {
  const list = (env.ETC_BANK_STATEMENT_BANKS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const banks = list.map((bank): StatementFetchConfig => {
    if (!/^[A-Z0-9]{2,16}$/.test(bank))
      fail('ETC_BANK_STATEMENT_BANKS', `must list bank codes (A-Z, 0-9), got "${bank}"`);
    const v = (suffix: string) => `ETC_BANK_STATEMENT_${bank}_${suffix}`;
    const file = (suffix: string): Buffer | undefined => {
      const path = env[v(suffix)];
      if (!path) return undefined;
      try {
        return readFileSync(path);
      } catch (err) {
        return fail(v(suffix), `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}): ${path}`);
      }
    };
    const rawUrl = env[v('URL')] ?? '';
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return fail(v('URL'), "is required: the base URL of the bank's statement service (https://…)");
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(v('URL'), 'must be an https:// URL');
    if (url.username || url.password) fail(v('URL'), 'must not carry credentials (use the _TOKEN_FILE or _CERT)');
    // a credential travels only encrypted, except to a front end on this machine
    if (url.protocol === 'http:' && !LOCAL.includes(url.hostname))
      fail(v('URL'), "must be https:// unless the bank's front end runs on this machine");
    const account = env[v('ACCOUNT')] ?? '';
    if (!/^[0-9A-Za-z-]{4,40}$/.test(account)) fail(v('ACCOUNT'), 'is required: the collection account number');
    const format = (env[v('FORMAT')] || DEFAULT_FORMAT[bank]) as StatementFetchFormat | undefined;
    if (!format || !FORMATS.includes(format)) fail(v('FORMAT'), `must be one of ${FORMATS.join(', ')}`);
    if (env[v('TOKEN')] && env[v('TOKEN_FILE')]) fail(v('TOKEN'), `and ${v('TOKEN_FILE')} exclude each other`);
    const token = (env[v('TOKEN')] || file('TOKEN_FILE')?.toString('utf8'))?.trim() || undefined;
    if (token !== undefined && !/^[\x21-\x7e]+$/.test(token))
      fail(v('TOKEN'), 'must be printable ASCII without spaces');
    const tls = { cert: file('CERT'), key: file('KEY'), ca: file('CA') };
    if (!tls.cert !== !tls.key) fail(v('CERT'), `and ${v('KEY')} go together`);
    if (tls.cert && url.protocol !== 'https:') fail(v('CERT'), 'needs an https:// URL');
    if (!token && !tls.cert) fail(v('TOKEN_FILE'), `or ${v('CERT')} is required: the bank must know the centre`);
    return { bank, url: url.href.replace(/\/+$/, ''), account, format, token, tls };
  });
  return {
    banks,
    timeoutSeconds: int('ETC_BANK_STATEMENT_TIMEOUT_SECONDS', 30, 1, 600),
    retryDays: int('ETC_BANK_STATEMENT_RETRY_DAYS', 7, 1, 60),
  };
}
