// Background work of corporate fleets: the daily replenishment of vehicle allocations, and the daily
// fetch of the banks' statements. A bank's adapter registers a statement source; the default source
// reads the drop folder <data dir>/corporate-statements/<format>/ (a file imported is moved to
// imported/, a refused one to refused/ with the reason beside it).
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppContext } from '../../platform/http/context.ts';
import type { Schedule } from '../../platform/queue/schedules.ts';
import { replenishAll } from './replenishment.ts';
import type { StatementFormat } from './statement-formats.ts';
import { importStatement } from './transfers.ts';

export const REPLENISH = 'corporate.replenish';
export const FETCH_STATEMENTS = 'corporate.fetch-statements';
const daySlot = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

export type StatementFile = { format: StatementFormat; fileName: string; content: Buffer };
export type StatementSource = (at: Date) => Promise<StatementFile[]>;
const sources = new Map<string, StatementSource>();
export function registerStatementSource(name: string, source: StatementSource): void {
  sources.set(name, source);
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
      try {
        const r = await importStatement(
          app.db,
          app.clock.now(),
          { label: 'system:statement-fetch' },
          { format, fileName: name, content },
        );
        await rename(join(dir, name), join(dir, 'imported', name));
        out.push({ file: name, ok: true, detail: `${r.newLines} new of ${r.lineCount}` });
      } catch (err) {
        await rename(join(dir, name), join(dir, 'refused', name));
        await writeFile(join(dir, 'refused', `${name}.reason.txt`), String((err as Error).message));
        out.push({ file: name, ok: false, detail: (err as Error).message });
      }
    }
  }
  return out;
}

export function registerCorporateJobs(app: AppContext): Schedule[] {
  app.queue.process(REPLENISH, async () => {
    const r = await replenishAll(app.db, app.clock.now());
    app.log.info({ ...r, total: r.total.toString() }, 'corporate allocations replenished');
  });
  app.queue.process(FETCH_STATEMENTS, async () => {
    for (const [name, source] of sources)
      for (const f of await source(app.clock.now()))
        await importStatement(app.db, app.clock.now(), { label: `system:${name}` }, f).catch((err) =>
          app.log.error({ err, source: name, file: f.fileName }, 'statement refused'),
        );
    const dropped = await importDropFolder(app);
    if (dropped.length) app.log.info({ files: dropped }, 'corporate statements imported');
  });
  return [
    { name: FETCH_STATEMENTS, cron: '0 7 * * *', slot: daySlot },
    { name: REPLENISH, cron: '30 7 * * *', slot: daySlot },
  ];
}
