// Where a PostgreSQL backend's CPU goes, read from `perf script` output of a system-wide
// `perf record -g` taken during a bench. PostgreSQL exports most of its functions, so each sample's
// stack names the executor phase it was in. Samples are grouped by backend: a backend that ran a
// PL/pgSQL function at any sample (the service's load phases, migrations 0175 and 0198) is a
// "function" backend; the others are "plain": the loads floor's, whose every statement is plain SQL,
// and PostgreSQL's own processes (WAL writer, checkpointer, autovacuum), which perf also names
// postgres. Each phase is the share of that group's samples whose stack holds it (inclusive), in a
// fixed order of first match, so the phases of one group add up to 100 %.

export type Sample = { pid: string; frames: string[] }; // frames: innermost first, offsets removed

/** Samples of the `postgres` command from `perf script` text (the default fields, call graphs on). */
export function parsePerfScript(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    if (lines.length === 0) continue;
    const head = lines[0].trim().split(/\s+/);
    if (head[0] !== 'postgres') continue;
    const frames = lines.slice(1).map((l) => (l.trim().split(/\s+/)[1] ?? '').replace(/\+0x[0-9a-f]+$/, ''));
    samples.push({ pid: head[1], frames });
  }
  return samples;
}

// [phase, test on the stack]; the first that matches takes the sample
const PHASES: ReadonlyArray<[string, (s: Set<string>) => boolean]> = [
  [
    'statement triggers (ledger balance, entry check)',
    (s) => s.has('plpgsql_exec_trigger') && !s.has('AfterTriggerFireDeferred'),
  ],
  ['foreign-key checks', (s) => s.has('AfterTriggerEndQuery') && s.has('SPI_execute_snapshot')],
  ['commit-time entry check', (s) => s.has('AfterTriggerFireDeferred')],
  ['WAL flush at commit', (s) => s.has('XLogFlush')],
  ['rest of commit', (s) => s.has('CommitTransactionCommand')],
  ['function: index inserts', (s) => s.has('plpgsql_exec_function') && s.has('ExecInsertIndexTuples')],
  ['function: CHECK constraints', (s) => s.has('plpgsql_exec_function') && s.has('ExecConstraints')],
  ['function: executor start', (s) => s.has('plpgsql_exec_function') && s.has('standard_ExecutorStart')],
  ['function: planning', (s) => s.has('plpgsql_exec_function') && s.has('pg_plan_queries')],
  ['function: heap inserts', (s) => s.has('plpgsql_exec_function') && s.has('heap_insert')],
  ['function: opening indexes', (s) => s.has('plpgsql_exec_function') && s.has('ExecOpenIndices')],
  // the unique-index look-up before an insert … on conflict (the idempotency claim)
  ['function: conflict pre-check', (s) => s.has('plpgsql_exec_function') && s.has('ExecCheckIndexConstraints')],
  ['function: rest', (s) => s.has('plpgsql_exec_function')],
  [
    'parse and plan (protocol)',
    (s) => s.has('pg_plan_queries') || s.has('raw_parser') || s.has('parse_analyze_varparams'),
  ],
  ['executor (plain statements)', (s) => s.has('standard_ExecutorStart') || s.has('standard_ExecutorRun')],
  ['reading the socket', (s) => s.has('pq_getbyte')],
  ['other', () => true],
];

export type GroupSummary = { backends: number; samples: number; phases: Record<string, number> };

export function summarise(samples: Sample[]): { function: GroupSummary; plain: GroupSummary } {
  const functionPids = new Set(samples.filter((s) => s.frames.includes('plpgsql_exec_function')).map((s) => s.pid));
  // per group: its backends, its samples, and each phase's count
  const tally = () => ({ pids: new Set<string>(), n: 0, counts: {} as Record<string, number> });
  const groups = { function: tally(), plain: tally() };
  for (const { pid, frames } of samples) {
    const g = functionPids.has(pid) ? groups.function : groups.plain;
    const stack = new Set(frames);
    const phase = PHASES.find(([, test]) => test(stack))![0];
    g.n++;
    g.pids.add(pid);
    g.counts[phase] = (g.counts[phase] ?? 0) + 1;
  }
  const percent = ({ pids, n, counts }: ReturnType<typeof tally>): GroupSummary => ({
    backends: pids.size,
    samples: n,
    phases: Object.fromEntries(
      PHASES.map(([p]) => p)
        .filter((p) => counts[p])
        .map((p) => [p, Math.round((1000 * counts[p]) / n) / 10]),
    ),
  });
  return { function: percent(groups.function), plain: percent(groups.plain) };
}
