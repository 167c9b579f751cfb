// Which UPDATE form PostgreSQL takes fastest for 1,000 rows of a 200,000-row table (a decimal and a JSON column
// changed): `SYNCHRO_PG_URL=postgres://… npx node bench/explore/updateForms.mjs` (a PostgreSQL server only).
// Creates a scratch database, runs 20 rounds (each its own transaction, the two forms alternating which goes
// first), prints the median per form and drops the database. Forms: `update … from (values …)` of inlined
// literals, the first row casting each column, and `update … from (select … from unnest(…))` of text array
// literals (what updateFromValues sends).
import { median, scratchPg, sqlLiteral, textArrayLiteral } from '../lib/scratchPg.mjs';

const scratch = await scratchPg('synchro_upd_probe');
const c = scratch.client;
await c.query(`create table author (id serial primary key, email varchar(191) unique not null)`);
await c.query(`insert into author (email) select 'a'||g||'@x' from generate_series(1,5000) g`);
await c.query(
  `create table book (id serial primary key, title varchar(191) not null, author_id int not null references author(id), price numeric(10,2) not null, published_on date not null, meta jsonb not null, unique (author_id, title))`,
);
await c.query(
  `insert into book (title, author_id, price, published_on, meta) select 't'||g, 1 + g % 5000, 1, '2024-01-01', '{"a":1}' from generate_series(1, 200000) g`,
);
await c.query('analyze');
const lit = sqlLiteral;
const arr = textArrayLiteral;
const res = { values: [], unnest: [] };
for (let round = 0; round < 20; round++) {
  const ids = Array.from({ length: 1000 }, (_, i) => 1 + ((round * 7919 + i * 191) % 200000));
  const rows = ids.map((id, i) => [id, `${round}.${i % 100}`, JSON.stringify({ v: round, i, s: "x'y" })]);
  await c.query('begin');
  const cols = [0, 1, 2].map((k) => rows.map((r) => r[k]));
  const runs = {
    values: () =>
      c.query(
        `update book as s set price = v.price, meta = v.meta from (values ${rows.map((r, i) => (i === 0 ? `(${r[0]}::int, (${lit(r[1])})::numeric, (${lit(r[2])})::jsonb)` : `(${r[0]}, ${lit(r[1])}, ${lit(r[2])})`)).join(', ')}) as v(id, price, meta) where s.id = v.id`,
      ),
    unnest: () =>
      c.query(
        `update book as s set price = v.price, meta = v.meta from (select c0::int as id, c1::numeric as price, c2::jsonb as meta from unnest(${cols.map((col) => `${arr(col)}::text[]`).join(', ')}) as t(c0, c1, c2)) as v where s.id = v.id`,
      ),
  };
  for (const k of round % 2 ? ['unnest', 'values'] : ['values', 'unnest']) {
    const t = performance.now();
    await runs[k]();
    res[k].push(performance.now() - t);
  }
  await c.query('commit');
}
const med = median;
console.log('median ms per 1000 rows: values', med(res.values), '| unnest', med(res.unnest));
await scratch.drop();
