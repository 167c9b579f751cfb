// What `receivedIndex` buys and costs: `npx node bench/explore/receivedLookup.mjs [references]` (1,000,000; a
// PostgreSQL run too when SYNCHRO_PG_URL is set). For each database and each setting: fill synchro_reference
// with N references of one entity received from a peer, then time (a) the lookup a sync makes per batch in two-way
// sync, "which of these 1,000 LOCAL keys did LOCAL receive?" (RemoteResolver.origins, same statement shape), and
// (b) writing 1,000 more references with increasing keys, as a sync does. Medians of 5 after a warm-up.
import { createDatabase, openOrm, PG_URL } from '../lib/db.mjs';

const total = Number(process.argv[2] ?? 1_000_000);
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

async function measure(kind, receivedIndex) {
  const db = await createDatabase(kind);
  const orm = await openOrm(db, { synchro: { remote: null, receivedIndex } });
  const conn = orm.em.getConnection();
  const sqlite = kind === 'sqlite';
  try {
    await conn.execute(
      sqlite
        ? `with recursive g(i) as (select 1 union all select i + 1 from g where i < ${total})
           insert into synchro_reference (source, entity, local_pk, remote_pk) select 'peer', 'Book', i, i + 7 from g`
        : `insert into synchro_reference (source, entity, local_pk, remote_pk)
           select 'peer', 'Book', g::text, to_jsonb(g + 7) from generate_series(1, ${total}) g`,
    );
    if (!sqlite) await conn.execute('analyze synchro_reference');
    let round = 0;
    const keys = () => Array.from({ length: 1000 }, (_, i) => 8 + ((i * 997 + round * 13) % total));
    const lookup = async () => {
      const k = keys();
      const sql = sqlite
        ? `select local_pk, remote_pk from synchro_reference where source = 'peer' and entity = 'Book' and remote_pk in (select json_quote(value) from json_each('${JSON.stringify(k)}'))`
        : `select local_pk, remote_pk from synchro_reference where source = 'peer' and entity = 'Book' and remote_pk in (${k.map((v) => `'${v}'`).join(', ')})`;
      const rows = await conn.execute(sql);
      if (rows.length !== 1000) throw new Error(`found ${rows.length} of 1000`);
    };
    const write = async () => {
      const from = total + 1 + round * 1000;
      const sql = sqlite
        ? `with recursive g(i) as (select ${from} union all select i + 1 from g where i < ${from + 999})
           insert into synchro_reference (source, entity, local_pk, remote_pk) select 'peer', 'Book', i, i + 7 from g`
        : `insert into synchro_reference (source, entity, local_pk, remote_pk)
           select 'peer', 'Book', g::text, to_jsonb(g + 7) from generate_series(${from}, ${from + 999}) g`;
      await conn.execute(sql);
    };
    const timings = { lookup: [], write: [] };
    for (; round < 6; round++) {
      for (const [name, fn] of [
        ['lookup', lookup],
        ['write', write],
      ]) {
        const t = performance.now();
        await fn();
        if (round > 0) timings[name].push(performance.now() - t);
      }
    }
    return { lookup: med(timings.lookup), write: med(timings.write) };
  } finally {
    await orm.close(true);
    await db.drop();
  }
}

for (const kind of ['sqlite', ...(PG_URL ? ['postgresql'] : [])]) {
  for (const receivedIndex of [false, true]) {
    const r = await measure(kind, receivedIndex);
    console.log(
      `${kind} ${total} references, receivedIndex ${receivedIndex}: lookup of 1,000 keys ${r.lookup.toFixed(1)} ms, ` +
        `writing 1,000 references ${r.write.toFixed(1)} ms`,
    );
  }
}
