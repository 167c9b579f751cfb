// Which INSERT form PostgreSQL takes fastest for 1,000 new books (title, author, decimal, date, JSON), sequence
// ids returned: `SYNCHRO_PG_URL=postgres://… npx node bench/explore/insertForms.mjs` (a PostgreSQL server only).
// Creates a scratch database, inserts 17 rounds of 1,000 rows into one table per form inside one transaction per
// round, prints the median per form and drops the database. Forms: a VALUES list with bound parameters
// (`pg`'s own), the same with explicit ids and ON CONFLICT (as the floor), a VALUES list of inlined literals
// (as MikroORM's execute() sends it), unnest of typed array parameters, and unnest of text array literals each
// cast to its column's type (what BulkWriter.insertPlain sends on PostgreSQL).
import { median, scratchPg, sqlLiteral, textArrayLiteral } from '../lib/scratchPg.mjs';

const scratch = await scratchPg('synchro_ins_probe');
const c = scratch.client;
await c.query(`create table author (id serial primary key, email varchar(191) unique not null)`);
await c.query(`insert into author (email) select 'a'||g||'@x' from generate_series(1,5000) g`);
for (const t of ['book_a', 'book_b', 'book_c', 'book_d', 'book_e']) {
  await c.query(
    `create table ${t} (id serial primary key, title varchar(191) not null, author_id int not null references author(id), price numeric(10,2) not null, published_on date not null, meta jsonb not null, unique (author_id, title))`,
  );
}
const rows = (n, off) =>
  Array.from({ length: n }, (_, i) => [
    `title ${off + i}`,
    1 + ((off + i) % 5000),
    '12.50',
    '2024-01-02',
    JSON.stringify({ pages: i, tags: ['a', 'b'], note: 'x'.repeat(20) }),
  ]);
const res = { a: [], b: [], c: [], d: [], e: [] };
const lit = sqlLiteral;
const arr = textArrayLiteral;
for (let round = 0; round < 17; round++) {
  const data = rows(1000, round * 1000);
  // a: parameterised values, returning id (as MikroORM's insertMany)
  await c.query('begin');
  let t = performance.now();
  const ph = data
    .map((_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`)
    .join(', ');
  await c.query(
    `insert into book_a (title, author_id, price, published_on, meta) values ${ph} returning id`,
    data.flat(),
  );
  res.a.push(performance.now() - t);
  // b: unnest of array parameters, returning id
  t = performance.now();
  const cols = [0, 1, 2, 3, 4].map((k) => data.map((r) => r[k]));
  await c.query(
    `insert into book_b (title, author_id, price, published_on, meta) select * from unnest($1::varchar[], $2::int[], $3::numeric[], $4::date[], $5::jsonb[]) returning id`,
    cols,
  );
  res.b.push(performance.now() - t);
  // c: parameterised values with explicit ids, on conflict do update (as the floor)
  t = performance.now();
  const ph6 = data
    .map(
      (_, i) => `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`,
    )
    .join(', ');
  await c.query(
    `insert into book_c (id, title, author_id, price, published_on, meta) values ${ph6} on conflict (id) do update set title = excluded.title, author_id = excluded.author_id, price = excluded.price, published_on = excluded.published_on, meta = excluded.meta`,
    data.flatMap((r, i) => [round * 1000 + i + 1, ...r]),
  );
  res.c.push(performance.now() - t);
  t = performance.now();
  await c.query(
    `insert into book_d (title, author_id, price, published_on, meta) values ${data.map((r, i) => (i === 0 ? `(${lit(r[0])}::varchar, ${r[1]}::int, ${lit(r[2])}::numeric, ${lit(r[3])}::date, ${lit(r[4])}::jsonb)` : `(${r.map(lit).join(', ')})`)).join(', ')} returning id`,
  );
  res.d.push(performance.now() - t);
  t = performance.now();
  await c.query(
    `insert into book_e (title, author_id, price, published_on, meta) select c0, c1::int, c2::numeric, c3::date, c4::jsonb from unnest(${cols.map((col) => `${arr(col)}::text[]`).join(', ')}) as t(c0, c1, c2, c3, c4) returning id`,
  );
  res.e.push(performance.now() - t);
  await c.query('commit');
}
const med = median;
console.log(
  'median ms per 1000 rows: values+returning',
  med(res.a),
  '| unnest+returning',
  med(res.b),
  '| values ids on conflict',
  med(res.c),
  '| literal values',
  med(res.d),
  '| unnest text literals',
  med(res.e),
);
await scratch.drop();
