// The PostgreSQL profile summariser of bench/pg-profile: samples are read from `perf script` text,
// backends that ran a PL/pgSQL function are told from the others, and each sample counts once, in
// the first phase its stack matches.
import assert from 'node:assert/strict';
import { parsePerfScript, summarise } from '../../bench/pg-profile/phases.ts';

const sample = (pid: string, frames: string[], comm = 'postgres') =>
  `${comm} ${pid} [000]  10.000000:    2004008 cpu-clock:ppp: \n` +
  frames
    .map((f, i) => `\t          ${(0x1000 + i).toString(16)} ${f}+0x1a (/usr/lib/postgresql/15/bin/postgres)`)
    .join('\n');

const TEXT = [
  // a function backend: an index insert inside load_init, then a commit's WAL flush
  sample('101', [
    '_bt_doinsert',
    'btinsert',
    'ExecInsertIndexTuples',
    'standard_ExecutorRun',
    'plpgsql_exec_function',
    'PostgresMain',
  ]),
  sample('101', ['fdatasync', 'XLogFlush', 'CommitTransactionCommand', 'PostgresMain']),
  // a statement trigger fired inside the function: a trigger, not the function's own work
  sample('101', [
    'heap_insert',
    'plpgsql_exec_trigger',
    'AfterTriggerEndQuery',
    'plpgsql_exec_function',
    'PostgresMain',
  ]),
  // a plain backend: parsing, twice
  sample('202', ['base_yyparse', 'raw_parser', 'PostgresMain']),
  sample('202', ['base_yyparse', 'raw_parser', 'PostgresMain']),
  // another command is not PostgreSQL
  sample('303', ['ExecInsertIndexTuples', 'plpgsql_exec_function'], 'node'),
].join('\n\n');

describe('PostgreSQL profile phases (bench/pg-profile)', () => {
  it('reads the postgres samples with their frames, offsets removed', () => {
    const s = parsePerfScript(TEXT);
    assert.equal(s.length, 5);
    assert.deepEqual(s[1], {
      pid: '101',
      frames: ['fdatasync', 'XLogFlush', 'CommitTransactionCommand', 'PostgresMain'],
    });
  });

  it('groups backends by whether they ran a function and counts each sample in its first phase', () => {
    const r = summarise(parsePerfScript(TEXT));
    assert.equal(r.function.backends, 1);
    assert.equal(r.function.samples, 3);
    assert.deepEqual(r.function.phases, {
      'statement triggers (ledger balance, entry check)': 33.3,
      'WAL flush at commit': 33.3,
      'function: index inserts': 33.3,
    });
    assert.deepEqual(r.plain, { backends: 1, samples: 2, phases: { 'parse and plan (protocol)': 100 } });
  });
});
