// The lane controller simulator: `npm run lanes-sim -- <command> …`. Commands:
//   status-list   many lanes pulling, verifying and applying the status list, with heartbeats
//   traffic       a simulated day of lane transactions with fault injection (traffic/main.ts)
//   interchange   a simulated day across two provinces, each with its own centre (traffic/interchange-main.ts)
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatSummary, parseSecrets, runFleet } from './status-list/fleet.ts';
import { TRAFFIC_USAGE, trafficCommand } from './traffic/main.ts';
import { INTERCHANGE_USAGE, interchangeCommand } from './traffic/interchange-main.ts';

const USAGE = `usage: lanes-sim <command> [options]
  status-list --centre URL --secrets-file F [--lanes N] [--interval S] [--rounds N | --duration S] [--ca-file F] [--no-entries] [--concurrency N]
      N simulated lane controllers (default: one per secret; more than the secrets cycle through them)
      each pull since the version they hold every S seconds (default 60), verify digest and
      signature, apply, and heartbeat; a summary of versions and errors after every round.
      The secrets file: JSON [{"id":"L340101-01","secret":"…"}] or lines "L340101-01 <secret>"
      (create lane clients with: npm run etc -- clients add --role lane --id L340101-01).
${TRAFFIC_USAGE}
${INTERCHANGE_USAGE}`;

async function statusList(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      centre: { type: 'string', default: 'http://localhost:8080' },
      'secrets-file': { type: 'string' },
      lanes: { type: 'string' },
      interval: { type: 'string', default: '60' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      'ca-file': { type: 'string' },
      'no-entries': { type: 'boolean', default: false },
      concurrency: { type: 'string', default: '64' },
    },
  });
  if (!values['secrets-file']) throw new Error('--secrets-file is required');
  const lanes = parseSecrets(readFileSync(values['secrets-file'], 'utf8'));
  const positive = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  const summary = await runFleet({
    centre: values.centre!,
    lanes,
    count: positive(values.lanes, 'lanes') ?? lanes.length,
    intervalSeconds: positive(values.interval, 'interval')!,
    rounds: positive(values.rounds, 'rounds'),
    durationSeconds: positive(values.duration, 'duration'),
    caPem: values['ca-file'] ? readFileSync(values['ca-file'], 'utf8') : undefined,
    keepEntries: !values['no-entries'],
    concurrency: positive(values.concurrency, 'concurrency'),
    log: (l) => process.stdout.write(`${new Date().toISOString()} ${l}\n`),
  });
  process.stdout.write(`final: ${formatSummary(summary)}\n`);
  return summary.errors + summary.rejected > 0 ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'status-list') return statusList(rest);
  if (cmd === 'traffic') return trafficCommand(rest);
  if (cmd === 'interchange') return interchangeCommand(rest);
  process.stdout.write(USAGE + '\n');
  return cmd ? 2 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`lanes-sim: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
