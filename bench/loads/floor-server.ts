// The floor: a bare Express + pg endpoint doing one single-row transaction per request, no auth,
// no validation, no ledger. A "floor load" is two such requests, the least any load could cost.
import express from 'express';
import pg from 'pg';

// idle connections kept: the bench drives the floor in slices, and reconnecting at each would be
// work no service does in steady state; as many connections as the service keeps (ETC_DB_POOL_SIZE)
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.ETC_DB_POOL_SIZE ?? 10),
  idleTimeoutMillis: 0,
});
await pool.query('create table if not exists floor_counters (id integer primary key, n bigint not null)');
await pool.query('insert into floor_counters select g, 0 from generate_series(1, 10000) g on conflict do nothing');
const app = express();
app.use(express.json());
app.post('/floor/:id', async (req, res) => {
  const c = await pool.connect();
  try {
    await c.query('begin');
    const r = await c.query('update floor_counters set n = n + 1 where id = $1 returning n', [Number(req.params.id)]);
    await c.query('commit');
    res.status(200).json({ n: r.rows[0]?.n ?? null });
  } catch (e) {
    await c.query('rollback');
    res.status(500).json({ error: String(e) });
  } finally {
    c.release();
  }
});
const server = app.listen(Number(process.env.PORT), () => process.stdout.write('floor listening\n'));
process.once('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
