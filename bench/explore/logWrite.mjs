// How fast can one flush's change-log rows be written? `npx node bench/explore/logWrite.mjs [rows]`
// (REMOTE: SYNCHRO_PG_URL or PGlite). Compares what core does today (driver.nativeInsertMany of SynchroChange,
// 7 bound parameters a row) with one bound parameter per column (PostgreSQL: unnest of arrays; SQLite: json_each
// of one JSON array), alternating, median of 5 after a warm-up.
import { SynchroChange } from '@mikro-synchro/core';
import { createDatabase, openOrm, pgKind } from '../lib/db.mjs';

const rows = Number(process.argv[2] ?? 10_000);
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

for (const kind of ['sqlite', pgKind()]) {
  const db = await createDatabase(kind);
  const orm = await openOrm(db, { synchro: { remote: null } });
  const em = orm.em.fork();
  const conn = em.getConnection();
  const sqlite = kind === 'sqlite';
  const data = () => {
    const at = new Date();
    return Array.from({ length: rows }, (_, i) => ({
      entity: 'Book',
      action: 'update',
      pk: i + 1,
      naturalKey: null,
      property: null,
      origin: null,
      createdAt: at,
    }));
  };
  const ways = {
    'nativeInsertMany (today)': async () => {
      const d = data();
      const per = sqlite ? 4571 : 8571; // chunkByParameters: 32,000 / 60,000 parameters ÷ 7
      for (let i = 0; i < d.length; i += per)
        await em.getDriver().nativeInsertMany(SynchroChange, d.slice(i, i + per));
    },
    'one parameter per column': async () => {
      const d = data();
      if (sqlite) {
        const json = JSON.stringify(
          d.map((r) => [r.entity, r.action, JSON.stringify(r.pk), r.createdAt.getTime()]),
        );
        await conn.execute(
          "insert into `synchro_change` (`entity`, `action`, `pk`, `created_at`) select json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]') from json_each(?)",
          [json],
        );
      } else {
        const client = await conn.getNativeClient();
        await client.query(
          'insert into "synchro_change" ("entity", "action", "pk", "created_at") select * from unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[])',
          [
            d.map((r) => r.entity),
            d.map((r) => r.action),
            d.map((r) => JSON.stringify(r.pk)),
            d.map((r) => r.createdAt),
          ],
        );
      }
    },
  };
  const times = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
  for (let it = 0; it < 6; it++) {
    for (const [name, fn] of it % 2 ? Object.entries(ways).reverse() : Object.entries(ways)) {
      const t = performance.now();
      await fn();
      if (it > 0) times[name].push(performance.now() - t);
    }
  }
  for (const [name, t] of Object.entries(times))
    console.log(`${kind}: ${rows} log rows, ${name}: ${med(t).toFixed(0)} ms`);
  await orm.close(true);
  await db.drop();
}
