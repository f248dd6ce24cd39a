// Documents from a peer that exchanges files instead of HTTP (ICD §3: "the same documents may be
// exchanged as files in a drop folder"): each `<data dir>/interchange/in/<network>/*.json` is read
// as if that province had POSTed it — the same checks, the same answers — then moved to `done/`
// (answered) or `refused/` (a refusal such as a bad signature), and the answer is written beside our
// outgoing documents as `out/<network>/answer-<file>`. Its signature is what vouches for a file.
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AppContext, RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { toJsonText } from '../../platform/http/json.ts';
import { refuseNul } from '../../platform/http/router.ts';
import { clearingDayAffected } from './day-affected.ts';
import { receiveConfirmation } from './confirmations.ts';
import { enqueueDelivery } from './delivery.ts';
import { receiveResolution } from './disputes.ts';
import { receivePackage } from './inbound.ts';

export type DropImport = { file: string; network: string; outcome: 'answered' | 'refused'; answer: unknown };

async function entries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).map((d) => (d.isDirectory() ? `${d.name}/` : d.name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function answerOne(
  app: AppContext,
  network: string,
  doc: Record<string, unknown>,
  file: string,
): Promise<unknown> {
  const ctx: RequestContext = {
    app,
    db: app.db,
    actor: { kind: 'client', id: network, role: 'province' },
    requestId: `drop-folder:${randomUUID()}`,
    ip: 'drop-folder',
  };
  const messageId = String((doc.header as { messageId?: unknown } | undefined)?.messageId ?? file);
  if (Array.isArray(doc.transactions)) {
    const a = await receivePackage(ctx, doc);
    if (a.packageId) await enqueueDelivery(app, 'confirmation', a.packageId);
    return { result: a.result, ...(a.message ? { message: a.message } : {}) };
  }
  if (Array.isArray(doc.disputed)) {
    const a = await receiveConfirmation(ctx, doc);
    if (a.date) await clearingDayAffected(app, a.date, `confirmation:${network}:${messageId}`);
    return { result: a.result, ...(a.message ? { message: a.message } : {}) };
  }
  if (Array.isArray(doc.items)) {
    const a = await receiveResolution(ctx, doc);
    if (a.date) await clearingDayAffected(app, a.date, `resolution:${network}:${messageId}`);
    return { result: a.result, ...(a.message ? { message: a.message } : {}) };
  }
  throw new AppError('invalid-request', 'the file is no package, confirmation or dispute resolution');
}

/** Reads every waiting file once, oldest name first. */
export async function importDropFolder(app: AppContext): Promise<DropImport[]> {
  const root = join(app.config.dataDir, 'interchange');
  const done: DropImport[] = [];
  for (const dir of (await entries(join(root, 'in'))).filter((d) => /^\d{4}\/$/.test(d)).sort()) {
    const network = dir.slice(0, 4);
    if (network === app.config.network) continue;
    const inbox = join(root, 'in', network);
    for (const file of (await entries(inbox)).filter((f) => f.endsWith('.json')).sort()) {
      let answer: unknown;
      let outcome: DropImport['outcome'] = 'answered';
      try {
        const doc = JSON.parse(await readFile(join(inbox, file), 'utf8'));
        if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
          throw new AppError('invalid-request', 'the file is not a JSON object');
        refuseNul(doc, 'body'); // as the router does for the same document POSTed
        answer = await answerOne(app, network, doc, file);
      } catch (err) {
        if (!(err instanceof AppError) && !(err instanceof SyntaxError)) throw err;
        outcome = 'refused';
        answer = { error: { code: err instanceof AppError ? err.code : 'invalid-request', message: err.message } };
      }
      await mkdir(join(inbox, outcome === 'answered' ? 'done' : 'refused'), { recursive: true });
      await mkdir(join(root, 'out', network), { recursive: true });
      await writeFile(join(root, 'out', network, `answer-${file}`), toJsonText(answer));
      await rename(join(inbox, file), join(inbox, outcome === 'answered' ? 'done' : 'refused', file));
      done.push({ file, network, outcome, answer });
    }
  }
  return done;
}
