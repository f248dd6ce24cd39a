// Prints where PostgreSQL's CPU went during a bench, by executor phase (see phases.ts).
//
//   npx tsx bench/loads/run.ts &                       # any bench
//   sleep 20; perf record -F 499 -a -g -o /tmp/pg.perf -- sleep 120
//   perf script -i /tmp/pg.perf --comm postgres > /tmp/pg.txt
//   npx tsx bench/pg-profile/summarise.ts /tmp/pg.txt
//
// A diagnostic, not a bench: it writes no row and no result file (perf itself takes CPU).
import { readFileSync } from 'node:fs';
import { parsePerfScript, summarise } from './phases.ts';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: summarise.ts <perf script output>\n');
  process.exit(2);
}
const s = summarise(parsePerfScript(readFileSync(file, 'utf8')));
for (const [name, g] of Object.entries(s)) {
  process.stdout.write(`${name} backends: ${g.backends}, ${g.samples} samples\n`);
  for (const [phase, pct] of Object.entries(g.phases))
    process.stdout.write(`  ${pct.toFixed(1).padStart(5)} %  ${phase}\n`);
}
