// The daily pull of each configured bank's statement file of the centre's collection account (CMB's
// XML, ICBC's fixed-width): a statement source for corporate's daily fetch. Asks the bank's statement
// service for the previous local day's file, and again for any earlier day (within the retry window)
// the bank could not be reached for or had no file yet. The file is imported as an upload or a dropped
// file would be (corporate's importFetched); the outcome is recorded per bank and day
// (bank_statement_fetches). An unreachable bank or a refused file is a finance exception (resolved when
// the day is imported) and a log line; neither ever carries the token or a certificate.
//
// The bank's side (docs/BANK-STATEMENTS.md): GET <url>/statements/<account>/<YYYY-MM-DD>?format=<format>
// with `Authorization: Bearer <token>` and/or the client certificate; 200 with the file, 404 when the
// day's file is not ready yet, anything else is a failure.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Knex } from 'knex';
import { DAY_MS, localDate } from '../../platform/clock/clock.ts';
import type { StatementFetchConfig, StatementFetchSettings } from '../../config.ts';
import type { AppContext } from '../../platform/http/context.ts';
import { registerStatementSource, type ImportOutcome, type StatementFile } from '../corporate/index.ts';
import { raiseExceptions, resolveExceptionByReference } from '../finance/index.ts';

type Answer = { status: number; body: Buffer };
const MAX_FILE = 64 * 1024 * 1024; // a day's statement of one collection account is far smaller
const EXT = { 'cmb-xml': 'xml', 'icbc-fixed': 'txt', csv: 'csv' } as const;

// the local calendar day `back` days before `at`'s
const localDay = (at: Date, back: number) => localDate(new Date(at.getTime() - back * DAY_MS));

/** One GET of a day's file. Rejects with a reason fit for a log: a status or a network error code. */
export function askBank(bank: StatementFetchConfig, day: string, timeoutSeconds: number): Promise<Answer> {
  const url = new URL(`${bank.url}/statements/${encodeURIComponent(bank.account)}/${day}`);
  url.searchParams.set('format', bank.format);
  const headers: Record<string, string> = { Accept: 'application/octet-stream' };
  if (bank.token) headers.Authorization = `Bearer ${bank.token}`;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Answer>((resolve, reject) => {
    const req = send(
      url,
      { method: 'GET', headers, timeout: timeoutSeconds * 1000, ...bank.tls },
      (res: IncomingMessage) => {
        const parts: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_FILE) req.destroy(new Error(`answer larger than ${MAX_FILE} bytes`));
          else parts.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
        res.on('error', (e) => reject(new Error(reasonOf(e))));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutSeconds} s`)));
    // only the code (ECONNREFUSED, CERT_HAS_EXPIRED…) or our own text: never the request's headers
    req.on('error', (e) => reject(new Error(reasonOf(e))));
    req.end();
  });
}
const reasonOf = (e: Error) => (e as NodeJS.ErrnoException).code ?? e.message.slice(0, 200);

type Fetch = { state: 'imported' | 'refused' | 'unreachable' | 'not-ready'; detail: string; importId?: bigint };

async function record(db: Knex, bank: string, day: string, at: Date, f: Fetch): Promise<void> {
  await db.raw(
    `insert into bank_statement_fetches as b
       (bank, statement_date, state, attempts, first_attempt_at, last_attempt_at, detail, import_id)
     values (?, ?, ?, 1, ?, ?, ?, ?)
     on conflict (bank, statement_date) do update
       set state = excluded.state, attempts = b.attempts + 1, last_attempt_at = excluded.last_attempt_at,
           detail = excluded.detail, import_id = coalesce(excluded.import_id, b.import_id)`,
    [bank, day, f.state, at, at, f.detail, f.importId === undefined ? null : String(f.importId)],
  );
}

const reference = (bank: string, day: string) => `${bank}:${day}`;

/** The days to ask for now: the previous day, and earlier ones of the window not yet had. */
async function daysToAsk(db: Knex, bank: string, at: Date, retryDays: number): Promise<string[]> {
  const yesterday = localDay(at, 1);
  const again: string[] = (
    await db('bank_statement_fetches')
      .where({ bank })
      .whereIn('state', ['unreachable', 'not-ready'])
      .where('statement_date', '>=', localDay(at, retryDays))
      .where('statement_date', '<', yesterday)
      .orderBy('statement_date')
      .select(db.raw(`to_char(statement_date, 'YYYY-MM-DD') as day`))
  ).map((r: { day: string }) => r.day);
  return [...again, yesterday];
}

export function bankStatementSource(app: AppContext, bank: StatementFetchConfig, settings: StatementFetchSettings) {
  const source = `banks.statement-fetch:${bank.bank}`;
  const failed = async (day: string, at: Date, state: 'unreachable' | 'refused', detail: string) => {
    await app.db.transaction(async (trx) => {
      await record(trx, bank.bank, day, at, { state, detail });
      await raiseExceptions(trx, at, [
        {
          kind: state === 'refused' ? 'bank-statement-refused' : 'bank-statement-unreachable',
          reference: reference(bank.bank, day),
          source,
          detail: { bank: bank.bank, day, reason: detail },
        },
      ]);
    });
  };
  return async (at: Date): Promise<StatementFile[]> => {
    const files: StatementFile[] = [];
    for (const day of await daysToAsk(app.db, bank.bank, at, settings.retryDays)) {
      let answer: Answer;
      try {
        answer = await askBank(bank, day, settings.timeoutSeconds);
      } catch (err) {
        const reason = (err as Error).message;
        await failed(day, at, 'unreachable', reason);
        app.log.error({ bank: bank.bank, day, reason }, 'bank statement service unreachable: asked again next run');
        continue;
      }
      if (answer.status === 404) {
        await record(app.db, bank.bank, day, at, { state: 'not-ready', detail: 'HTTP 404: no file for the day yet' });
        app.log.warn({ bank: bank.bank, day }, 'bank statement not ready: asked again next run');
        continue;
      }
      if (answer.status !== 200) {
        await failed(day, at, 'unreachable', `HTTP ${answer.status}`);
        app.log.error(
          { bank: bank.bank, day, status: answer.status },
          'bank statement service failed: asked again next run',
        );
        continue;
      }
      files.push({
        format: bank.format,
        fileName: `${bank.bank}-${bank.account}-${day}.${EXT[bank.format]}`,
        content: answer.body,
        settled: (outcome: ImportOutcome) => settle(day, outcome),
      });
    }
    return files;
  };

  async function settle(day: string, outcome: ImportOutcome): Promise<void> {
    const at = app.clock.now();
    if (outcome.ok) {
      await app.db.transaction(async (trx) => {
        await record(trx, bank.bank, day, at, {
          state: 'imported',
          // the same file again answers its first import: nothing of it is new
          detail: outcome.duplicateFile
            ? `the same file again (${outcome.lineCount} lines): nothing new`
            : `${outcome.newLines} new of ${outcome.lineCount} lines`,
          importId: outcome.importId,
        });
        for (const kind of ['bank-statement-unreachable', 'bank-statement-refused'] as const)
          await resolveExceptionByReference(trx, at, `system:${source}`, kind, reference(bank.bank, day), 'imported');
      });
      app.log.info(
        { bank: bank.bank, day, newLines: outcome.duplicateFile ? 0 : outcome.newLines },
        'bank statement imported',
      );
    } else if (outcome.refused) await failed(day, at, 'refused', outcome.reason);
    else await failed(day, at, 'unreachable', outcome.reason); // ours failed: asked again next run
  }
}

/** Registers a source per configured bank (ETC_BANK_STATEMENT_BANKS); answers how to remove them. */
export function registerBankStatementSources(app: AppContext, settings = app.config.bankStatements): () => void {
  const off = settings.banks.map((b) =>
    registerStatementSource(`banks.statement-fetch:${b.bank}`, bankStatementSource(app, b, settings)),
  );
  return () => off.forEach((f) => f());
}
