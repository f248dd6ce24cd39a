// One clearing day of accepted lane transactions for bench/clearing, generated in SQL on the demo
// network (migrated and seeded database): the day's partitions, its open clearing_days row, the lane
// uploads and the transactions, then vacuum, analyze and a checkpoint.
import pg from 'pg';

export const BATCH = 1000; // transactions per lane upload

// The mix. Vehicle classes: one slot per percent (passenger cars dominate). Other issuers' cards:
// 20 % of the trips, their network by the percentages below; their plates by province.
export const CLASS_SLOTS = [
  ...Array<number>(72).fill(1),
  ...Array<number>(6).fill(2),
  ...Array<number>(3).fill(3),
  ...Array<number>(3).fill(4),
  11,
  11,
  11,
  12,
  12,
  13,
  13,
  14,
  14,
  15,
  15,
  16,
  16,
  21,
  22,
  23,
];
if (CLASS_SLOTS.length !== 100) throw new Error('class slots must be 100');
const OWN_PERCENT = 80;
const FOREIGN = [
  { issuer: '3201', upTo: 40 },
  { issuer: '3301', upTo: 65 },
  { issuer: '3101', upTo: 85 },
  { issuer: '4401', upTo: 100 },
];
const PLATE_PROVINCE: Record<string, string> = { '3401': '皖', '3201': '苏', '3301': '浙', '3101': '沪', '4401': '粤' };
const OWN_CARDS = 2_000_000;
const FOREIGN_CARDS = 500_000;

// One day of accepted lane transactions, set-based: a few INSERT … SELECT over generate_series, no
// row leaves PostgreSQL. Every trip ends at one of the network's exit lanes (transaction i belongs to
// upload (i − 1) / 1000, uploads go round the exit lanes); its entry station, and so its path, and its
// vehicle class come from a hash of i; its sections, operators, weights and fee from the tolls in
// force on D, exactly as ingest prices them (operators sorted in byte order, weight = the sum of the
// operator's section tolls for the class). Own cards pay fee − round-half-up(fee × the own-card
// discount in force); others' cards pay the fee.
export type Generated = { longest: number }; // the most sections of a trip

export async function generate(
  db: pg.Client,
  D: string,
  N: number,
  chunk: number,
  log: (m: string) => void,
): Promise<Generated> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(D)) throw new Error(`not a date: ${D}`);
  const q = (sql: string, params: unknown[] = []) => db.query(sql, params);
  // the day's lane partition, as the daily job makes it ahead; the splits' partition is the
  // clearing run's own (its own-card split makes it)
  await q(`select ensure_daily_partitions('lane_transactions'::regclass, $1::date, 1)`, [D]);
  await q(
    `insert into clearing_days (clearing_date, state, opened_at) values ($1::date, 'open', ($1::date)::timestamp at time zone '+08:00')`,
    [D],
  );
  // the exit lanes, each with its PSAM's terminal id, and the trips ending at their stations: every
  // simple path of at most 6 sections from any station of the network
  await q(`create temp table bench_lanes as
    select (row_number() over (order by l.id) - 1)::int as idx, l.id as lane_id, l.station_id as station, l.lane_no,
           'A0' || lpad(l.station_id::text, 8, '0') || lpad(l.lane_no::text, 2, '0') as terminal_id, 0 as trips
      from lanes l join stations s on s.id = l.station_id
     where l.direction = 'exit' and l.etc_enabled and s.network = '3401'`);
  await q(`create temp table bench_paths as
    with recursive e as (
      select id, from_station as a, to_station as b from sections union all select id, to_station, from_station from sections
    ), p as (
      select s.id as entry, s.id as at, array[]::text[] as secs, array[s.id] as seen from stations s where s.network = '3401'
      union all
      select p.entry, e.b, p.secs || e.id, p.seen || e.b from p join e on e.a = p.at where e.b <> all(p.seen) and cardinality(p.secs) < 6
    )
    select entry, at as exit, secs from p where cardinality(secs) >= 1`);
  await q(`update bench_lanes l set trips = (select count(*) from bench_paths p where p.exit = l.station)`);
  await q(`create temp table bench_trips as
    with tolls as (
      select distinct on (section_id, vehicle_class) section_id, vehicle_class, toll from section_tolls
       where effective_from <= '${D}'::date order by section_id, vehicle_class, effective_from desc
    ), rate as (
      select coalesce((select percent from discount_rates where kind = 'own-card' and effective_from <= '${D}'::date order by effective_from desc limit 1), 0) as percent
    ), paths as (
      select p.*, (row_number() over (partition by p.exit order by p.entry, p.secs) - 1)::int as slot from bench_paths p
    ), per_op as (
      select p.exit, p.slot, p.entry, p.secs, t.vehicle_class as vc, s.operator_id as op, sum(t.toll)::bigint as w, count(*) as n
        from paths p cross join lateral unnest(p.secs) as sid join sections s on s.id = sid join tolls t on t.section_id = sid
       group by 1, 2, 3, 4, 5, 6
    ), per_trip as (
      select exit, slot, entry, secs, vc, array_agg(op order by op collate "C") as ops, array_agg(w order by op collate "C") as ws, sum(w)::bigint as fee, sum(n) as priced
        from per_op group by 1, 2, 3, 4, 5
    )
    select l.idx as lane_idx, t.slot, t.vc, t.entry, t.secs, t.ops, t.ws, t.fee,
           t.fee - round(t.fee * (select percent from rate) / 100)::bigint as own_amount -- numeric round: half away from zero = half up here
      from per_trip t join bench_lanes l on l.station = t.exit
     where t.priced = cardinality(t.secs)`); // a section without a toll for the class: no such trip. D is inlined: DDL takes no parameters
  const shape = (
    await q(`select (select count(*) from bench_lanes)::int as lanes, (select count(*) from bench_paths)::int as paths,
      (select count(*) from bench_trips)::int as trips, (select sum(trips) * 16 from bench_lanes)::int as expected,
      (select max(cardinality(secs)) from bench_paths)::int as longest`)
  ).rows[0];
  if (shape.lanes === 0 || shape.trips !== shape.expected)
    throw new Error(`demo network not as expected: ${JSON.stringify(shape)}`);
  log(
    `network: ${shape.lanes} exit lanes, ${shape.paths} paths of 1–${shape.longest} sections, ${shape.trips} (path, exit lane, class) fares`,
  );
  await q(`create index on bench_trips (lane_idx, vc, slot)`);
  await q('analyze bench_lanes; analyze bench_trips');

  const uploads = Math.ceil(N / BATCH);
  // an upload arrives 90 s after its last transaction; transactions are spread evenly over the day
  const atMs = (i: string) =>
    `(($1::date)::timestamp at time zone '+08:00') + interval '1 millisecond' * ((${i} - 1) * 86400000 / $2::bigint)`;
  await q(
    `insert into lane_uploads (id, lane_id, received_at, received, accepted, duplicate, rejected, accepted_amount)
    select b + 1, l.lane_id, ${atMs(`least((b + 1) * ${BATCH}, $2::bigint)`)} + interval '90 seconds',
           least((b + 1) * ${BATCH}, $2::bigint) - b * ${BATCH}, least((b + 1) * ${BATCH}, $2::bigint) - b * ${BATCH}, 0, 0, 0
      from generate_series(0::bigint, $3::bigint - 1) b join bench_lanes l on l.idx = b % (select count(*) from bench_lanes)`,
    [D, N, uploads],
  );
  await q(`select setval('lane_uploads_id_seq', $1)`, [uploads]);

  const issuerOf = `case ${FOREIGN.map((f) => `when (h1 / 100) % 100 < ${f.upTo} then '${f.issuer}'`).join(' ')} end`;
  const plateOf = `case c.issuer ${Object.entries(PLATE_PROVINCE)
    .map(([k, v]) => `when '${k}' then '${v}'`)
    .join(' ')} end`;
  const t0 = performance.now();
  for (let lo = 1; lo <= N; lo += chunk) {
    const hi = Math.min(N, lo + chunk - 1);
    const r = await q(
      `insert into lane_transactions (id, clearing_date, upload_id, lane_id, terminal_id, terminal_seq, trans_type, tx_time,
        card_no, card_type, issuer, own_card, obu_id, plate, plate_color, vehicle_class,
        entry_network, entry_station, entry_lane, entry_time, exit_network, exit_station, exit_lane, exit_time,
        sections, path_derived, split_operators, split_weights, fee, amount, balance_before, balance_after, offline_seq, tac, account_id,
        disposition, code, received_at)
      select c.i, $1::date, c.b + 1, l.lane_id, l.terminal_id, c.i, '09', c.t,
             c.issuer || lpad(c.card::text, 16, '0'), c.ctype, c.issuer, c.own, c.issuer || lpad(c.card::text, 12, '0'),
             ${plateOf} || chr(65 + (c.card % 26)::int) || upper(lpad(to_hex(c.card % 1048576), 5, '0')),
             case when t.vc <= 4 then 0 else 1 end, t.vc,
             '3401', t.entry, 1, c.t - interval '1 minute' * (12 * cardinality(t.secs) + c.h2 % 20), '3401', l.station, l.lane_no, c.t,
             t.secs, c.h2 % 4 = 0, t.ops, t.ws, t.fee, a.amount,
             case when c.ctype = 22 then c.bb end, case when c.ctype = 22 then c.bb - a.amount end,
             ((c.h1 / 10000000000) % 65536)::int, upper(lpad(to_hex((c.h2 >> 24) & 4294967295), 8, '0')), null,
             'accepted', null, ${atMs(`least((c.b + 1) * ${BATCH}, $2::bigint)`)} + interval '90 seconds'
        from (
          select g.*, case when own then '3401' else ${issuerOf} end as issuer,
                 (h1 / 10000) % (case when own then ${OWN_CARDS} else ${FOREIGN_CARDS} end) as card,
                 case when (h1 / 10000) % 100 < 85 then 22 else 23 end::smallint as ctype,
                 100000 + (h2 / 100000) % 900000 as bb
            from (
              select i, (i - 1) / ${BATCH} as b, ${atMs('i')} as t, h1, h2, h1 % 100 < ${OWN_PERCENT} as own
                from generate_series($3::bigint, $4::bigint) i,
                     lateral (select hashint8extended(i, 1) & 9223372036854775807 as h1, hashint8extended(i, 2) & 9223372036854775807 as h2) h
            ) g
        ) c
        join bench_lanes l on l.idx = c.b % ${shape.lanes}
        join bench_trips t on t.lane_idx = l.idx and t.vc = (array[${CLASS_SLOTS.join(',')}]::smallint[])[1 + c.h2 % 100] and t.slot = (c.h2 / 100) % l.trips
        cross join lateral (select case when c.own then t.own_amount else t.fee end as amount) a`,
      [D, N, lo, hi],
    );
    if (r.rowCount !== hi - lo + 1) throw new Error(`generated ${r.rowCount} rows for ${lo}…${hi}`);
    const s = (performance.now() - t0) / 1000;
    log(
      `generated ${hi.toLocaleString('en')} of ${N.toLocaleString('en')} transactions (${Math.round(hi / s).toLocaleString('en')}/s)`,
    );
  }
  await q(`select setval('lane_transactions_id_seq', $1)`, [N]);
  // what each upload's own-card transactions posted (lane_uploads.accepted_amount)
  await q(
    `update lane_uploads u set accepted_amount = s.amount
             from (select upload_id, sum(amount) as amount from lane_transactions where clearing_date = $1::date and own_card group by upload_id) s
            where u.id = s.upload_id`,
    [D],
  );
  // a day of ingest has been vacuumed (hint bits set, visibility map) and checkpointed by the time it
  // is cleared; without this the run's first scan would pay for setting hint bits on every page
  log('vacuum analyze, checkpoint');
  await q(`vacuum (analyze) lane_transactions_${D.replaceAll('-', '')}`);
  await q('vacuum (analyze) lane_uploads');
  await q('checkpoint');
  return { longest: shape.longest };
}
