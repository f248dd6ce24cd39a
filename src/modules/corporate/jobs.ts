// Background work of corporate fleets: the daily replenishment of vehicle allocations, and the daily
// fetch of the banks' statements. A bank's adapter registers a statement source; the default source
// reads the drop folder <data dir>/corporate-statements/<format>/ (a file imported is moved to
// imported/, a refused one to refused/ with the reason beside it). Both go through importFetched: a
// malformed file is refused whole with its reason, the same file again changes nothing, and the source
// is told the outcome (a bank's source records it per day and asks again for what failed).
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppContext } from '../../platform/http/context.ts';
import type { Schedule } from '../../platform/queue/schedules.ts';
import { replenishAll } from './replenishment.ts';
import type { StatementFormat } from './statement-formats.ts';
import { AppError } from '../../platform/http/errors.ts';
import { importStatement } from './transfers.ts';

export const REPLENISH = 'corporate.replenish';
export const FETCH_STATEMENTS = 'corporate.fetch-statements';
const daySlot = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

export type ImportOutcome =
  | { ok: true; importId: bigint; lineCount: number; newLines: number; duplicateFile: boolean }
  // refused: the file is malformed (statement-malformed), asking again for the same file will not help;
  // otherwise the import failed for a reason of ours (the database) and may be retried
  | { ok: false; refused: boolean; reason: string };
export type StatementFile = {
  format: StatementFormat;
  fileName: string;
  content: Buffer;
  settled?: (outcome: ImportOutcome) => Promise<void>;
};
export type StatementSource = (at: Date) => Promise<StatementFile[]>;
const sources = new Map<string, StatementSource>();
/** Adds a source the daily fetch asks; answers a function that removes it again. */
export function registerStatementSource(name: string, source: StatementSource): () => void {
  sources.set(name, source);
  return () => {
    if (sources.get(name) === source) sources.delete(name);
  };
}

/** One fetched file imported as an upload would be; never throws. */
export async function importFetched(app: AppContext, actor: string, file: StatementFile): Promise<ImportOutcome> {
  try {
    const r = await importStatement(app.db, app.clock.now(), { label: actor }, file);
    return {
      ok: true,
      importId: r.importId,
      lineCount: r.lineCount,
      newLines: r.newLines,
      duplicateFile: r.duplicateFile,
    };
  } catch (err) {
    const refused = err instanceof AppError && err.code === 'statement-malformed';
    // an internal error's text may be the database's: the log gets the error, the record a generic reason
    if (!refused) app.log.error({ err, file: file.fileName }, 'statement import failed');
    return { ok: false, refused, reason: refused ? (err as Error).message : 'import failed (internal error)' };
  }
}

/** The daily fetch: every registered source, then the drop folder. A failing source stops only itself. */
export async function fetchStatements(app: AppContext): Promise<void> {
  for (const [name, source] of sources) {
    let files: StatementFile[];
    try {
      files = await source(app.clock.now());
    } catch (err) {
      app.log.error({ source: name, reason: (err as Error).message }, 'statement source failed');
      continue;
    }
    for (const f of files) {
      const outcome = await importFetched(app, `system:${name}`, f);
      if (!outcome.ok) app.log.warn({ source: name, file: f.fileName, reason: outcome.reason }, 'statement refused');
      await f.settled?.(outcome);
    }
  }
  const dropped = await importDropFolder(app);
  if (dropped.length) app.log.info({ files: dropped }, 'corporate statements imported');
}

const FORMATS: StatementFormat[] = ['cmb-xml', 'icbc-fixed', 'csv'];

/** Imports every file waiting in the drop folder; answers what happened to each. */
export async function importDropFolder(
  app: AppContext,
  root = join(app.config.dataDir, 'corporate-statements'),
): Promise<Array<{ file: string; ok: boolean; detail: string }>> {
  const out: Array<{ file: string; ok: boolean; detail: string }> = [];
  for (const format of FORMATS) {
    const dir = join(root, format);
    await mkdir(join(dir, 'imported'), { recursive: true });
    await mkdir(join(dir, 'refused'), { recursive: true });
    for (const name of (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isFile())
      .map((d) => d.name)
      .sort()) {
      const content = await readFile(join(dir, name));
      const r = await importFetched(app, 'system:statement-fetch', { format, fileName: name, content });
      if (r.ok) {
        await rename(join(dir, name), join(dir, 'imported', name));
        out.push({ file: name, ok: true, detail: `${r.newLines} new of ${r.lineCount}` });
      } else if (r.refused) {
        await rename(join(dir, name), join(dir, 'refused', name));
        await writeFile(join(dir, 'refused', `${name}.reason.txt`), r.reason);
        out.push({ file: name, ok: false, detail: r.reason });
      } else out.push({ file: name, ok: false, detail: r.reason }); // left in place: read again next run
    }
  }
  return out;
}

export function registerCorporateJobs(app: AppContext): Schedule[] {
  app.queue.process(REPLENISH, async () => {
    const r = await replenishAll(app.db, app.clock.now());
    app.log.info({ ...r, total: r.total.toString() }, 'corporate allocations replenished');
  });
  app.queue.process(FETCH_STATEMENTS, () => fetchStatements(app));
  return [
    { name: FETCH_STATEMENTS, cron: '0 7 * * *', slot: daySlot },
    { name: REPLENISH, cron: '30 7 * * *', slot: daySlot },
  ];
}
