// npm run reader -- [--port 8790] [--origin http://localhost:8080] [--stock FILE]... [--state FILE]
//                   [--token T] [--terminal 12HEX] [--insert blank-card-22|blank-card-23|blank-obu]
// The virtual card reader for the demo and the tests (docs/CARD-READER.md).
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createReaderServer } from './server.ts';
import { mergeStocks, readStockFile } from './stock.ts';
import { VirtualReader } from './virtual-reader.ts';
import { DEFAULT_READER_PORT, type InsertRequest } from './protocol.ts';

const INSERTS: Record<string, InsertRequest> = {
  'blank-card-22': { kind: 'blank-card', cardType: 22 },
  'blank-card-23': { kind: 'blank-card', cardType: 23 },
  'blank-obu': { kind: 'blank-obu' },
  card22: { kind: 'blank-card', cardType: 22 },
  card23: { kind: 'blank-card', cardType: 23 },
  obu: { kind: 'blank-obu' },
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: String(DEFAULT_READER_PORT) },
      origin: { type: 'string', multiple: true },
      stock: { type: 'string', multiple: true },
      state: { type: 'string' },
      token: { type: 'string' },
      terminal: { type: 'string' },
      insert: { type: 'string' },
    },
    strict: true,
  });
  const stockFiles = (
    values.stock?.length ? values.stock : [join(process.env.ETC_DATA_DIR || 'var', 'card-stock.json')]
  ).map((f) => resolve(f));
  const stock = mergeStocks(stockFiles.map(readStockFile));
  const statePath = resolve(values.state ?? join(dirname(stockFiles[0]), 'reader-state.json'));
  const reader = new VirtualReader({ stock, statePath, terminalId: values.terminal });
  if (values.insert) {
    const req = INSERTS[values.insert];
    if (!req) throw new Error(`--insert takes ${Object.keys(INSERTS).join(', ')}`);
    reader.insert(req);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number');
  const srv = createReaderServer({
    reader,
    origin: values.origin?.length ? values.origin : ['http://localhost:8080', 'http://127.0.0.1:8080'],
    token: values.token,
  });
  const url = await srv.listen(port);
  const held = reader.media().media.length;
  process.stdout.write(
    [
      `virtual card reader on ${url} for the console at ${srv.origins.join(', ')}`,
      `pairing token: ${srv.token}`,
      `stock: ${stock.cards.length} cards and ${stock.obus.length} OBUs from ${stockFiles.join(', ')}; ${held} media held (state in ${statePath})`,
      `slot: ${JSON.stringify(reader.status().medium)}`,
      '',
    ].join('\n'),
  );
  // the terminal as the slot's control too: card22 | card23 | obu | remove | list | <card or OBU number>
  if (process.stdin.isTTY) {
    process.stdout.write(`page: ${url}/ ; or type card22, card23, obu, remove, list, or a card/OBU number\n`);
    const rl = createInterface({ input: process.stdin });
    rl.on('line', (line) => {
      const cmd = line.trim();
      try {
        if (cmd === 'list') process.stdout.write(JSON.stringify(reader.media(), null, 1) + '\n');
        else if (cmd === 'remove') reader.remove();
        else if (cmd) {
          const req: InsertRequest | undefined =
            INSERTS[cmd] ??
            (/^\d{20}$/.test(cmd)
              ? { kind: 'card', cardNo: cmd }
              : /^\d{16}$/.test(cmd)
                ? { kind: 'obu', obuNo: cmd }
                : undefined);
          if (!req) process.stdout.write('card22 | card23 | obu | remove | list | <card or OBU number>\n');
          else reader.insert(req);
        }
        process.stdout.write(`slot: ${JSON.stringify(reader.status().medium)}\n`);
      } catch (err) {
        process.stdout.write(`${err instanceof Error ? err.message : String(err)}\n`);
      }
    });
  }
  const stop = () => void srv.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`reader: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
