import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineEntity, MikroORM, p } from '@mikro-orm/core';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { createDatabase, nativeQuery, openOrm, pgKind } from '../lib/db.mjs';
import { gc, memNow, round } from '../lib/measure.mjs';
import { Author, Book, MODEL, Tag } from '../lib/model.mjs';

const require = createRequire(import.meta.url);

function pkgVersion(name) {
  try {
    return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
  } catch {
    // packages whose exports hide package.json: walk up from the entry point
    try {
      let dir = require.resolve(name);
      for (let i = 0; i < 6; i++) {
        dir = dir.slice(0, dir.lastIndexOf('/'));
        try {
          const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
          if (pkg.name === name) return pkg.version;
        } catch {}
      }
    } catch {}
    return null;
  }
}

/** Versions of the runtime, the ORM and the databases (machine facts for the report). */
export async function versionsTask() {
  const out = {
    node: process.version,
    mikroOrm: pkgVersion('@mikro-orm/core'),
    betterSqlite3: pkgVersion('better-sqlite3'),
    pg: pkgVersion('pg'),
    pglite: pkgVersion('@electric-sql/pglite'),
    remoteKind: pgKind(),
  };
  const sqlite = await createDatabase('sqlite');
  const orm = await openOrm(sqlite, { create: false });
  out.sqlite = (await orm.em.getConnection().execute('select sqlite_version() as v'))[0].v;
  await orm.close(true);
  await sqlite.drop();
  // A fresh PGlite costs ~10 s: its version is read by the first sync child instead (remoteVersion).
  if (pgKind() === 'postgresql') {
    const pg = await createDatabase(pgKind());
    const pgOrm = await openOrm(pg, { create: false });
    out.postgres = (await pgOrm.em.getConnection().execute('select version() as v'))[0].v;
    const settings = await pgOrm.em
      .getConnection()
      .execute(
        "select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'shared_buffers')",
      );
    out.postgresSettings = Object.fromEntries(settings.map((r) => [r.name, r.setting]));
    await pgOrm.close(true);
    await pg.drop();
  }
  return out;
}

async function sqliteMemory(entities = MODEL, extra = {}) {
  const orm = await MikroORM.init({
    driver: SqliteDriver,
    dbName: ':memory:',
    entities,
    debug: false,
    allowGlobalContext: false,
    ...extra,
  });
  await orm.schema.create();
  return orm;
}

function countQueries(orm) {
  const queries = [];
  const logger = orm.config.getLogger();
  logger.setDebugMode(['query']);
  logger.logQuery = (ctx) => queries.push(ctx.query);
  logger.log = () => {};
  return queries;
}

/** A long-lived EntityManager: every flush walks the whole identity map, so per-flush time grows with it. */
async function longLivedEm(n) {
  const orm = await sqliteMemory();
  try {
    const measure = async (fresh) => {
      let em = orm.em.fork();
      const times = [];
      for (let i = 0; i < n; i++) {
        if (fresh) em = orm.em.fork();
        em.create(Author, { email: `${fresh ? 'f' : 'l'}${i}@x`, name: 'x' });
        const t = performance.now();
        await em.flush();
        times.push(performance.now() - t);
      }
      const avg = (a) => round(a.reduce((x, y) => x + y, 0) / a.length, 3);
      const q = Math.floor(n / 5);
      return { firstFifthMs: avg(times.slice(0, q)), lastFifthMs: avg(times.slice(-q)) };
    };
    const longLived = await measure(false);
    const fresh = await measure(true);
    const growth = round(longLived.lastFifthMs / longLived.firstFifthMs, 2);
    return {
      fact: 'a long-lived EntityManager makes every flush walk the whole identity map (time per flush grows with it)',
      confirmed: growth > 2 && fresh.lastFifthMs / fresh.firstFifthMs < growth / 2,
      detail: `${n} one-row flushes: long-lived EM ${longLived.firstFifthMs} → ${longLived.lastFifthMs} ms/flush (first vs last fifth, ×${growth}); fresh fork per flush ${fresh.firstFifthMs} → ${fresh.lastFifthMs} ms/flush`,
    };
  } finally {
    await orm.close(true);
  }
}

/** insertMany: the ids it returns, and the statements it sends for rows carrying many-to-many data. */
async function insertMany() {
  const orm = await sqliteMemory();
  try {
    const em = orm.em.fork();
    const [a] = await em.insertMany(Author, [{ email: 'a@x', name: 'a' }]);
    await em.insertMany(Tag, [{ name: 't1' }, { name: 't2' }]);
    const queries = countQueries(orm);
    const ids = await em.insertMany(
      Book,
      [1, 2, 3].map((i) => ({
        title: `b${i}`,
        author: a,
        price: 1,
        publishedOn: '2024-01-01',
        meta: {},
        tags: [1, 2],
      })),
    );
    const pivotInserts = queries.filter((q) => /insert into .book_tags/i.test(q)).length;
    return {
      fact: 'insertMany returns only the first id; with m:n data it sends one pivot INSERT per row',
      confirmed: ids.length === 1 && pivotInserts === 3,
      detail: `insertMany of 3 books returned ${JSON.stringify(ids)}; statements: ${queries.length} (${pivotInserts} pivot INSERTs)`,
    };
  } finally {
    await orm.close(true);
  }
}

/**
 * better-sqlite3 prepares every statement MikroORM sends and keeps it until the connection closes: RSS
 * growth per query, for small queries sent with `execute()` and for `em.find()` with the same SQL text each
 * time (only the bound value differs). Runs first in its process, before anything else frees native memory
 * malloc could reuse.
 */
async function sqliteStatements(n) {
  const orm = await sqliteMemory();
  try {
    const conn = orm.em.getConnection();
    await conn.execute('select 1');
    const step = async (label, fn) => {
      gc();
      const before = memNow().rssMb;
      for (let i = 0; i < n; i++) await fn(i);
      gc();
      gc();
      await new Promise((r) => setTimeout(r, 50));
      const after = memNow().rssMb;
      return { label, before, after, kb: round(((after - before) * 1024) / n, 2) };
    };
    const distinct = await step('distinct execute() statements', (i) => conn.execute(`select ${i} as x`));
    const same = await step('em.find() with the same SQL text', (i) =>
      orm.em.fork().find(Author, { email: `x${i}@x` }),
    );
    return {
      fact: 'on SQLite every query is prepare()d and better-sqlite3 keeps ~3 KB per statement for good',
      confirmed: distinct.kb > 1 && same.kb > 1,
      detail: [distinct, same]
        .map((r) => `${n} ${r.label}: RSS ${r.before} → ${r.after} MB after GC (${r.kb} KB per query)`)
        .join('; '),
    };
  } finally {
    await orm.close(true);
  }
}

/** execute() inlines parameters into the SQL text. */
async function executeInlines() {
  const orm = await sqliteMemory();
  try {
    const queries = countQueries(orm);
    const client = await orm.em.getConnection().getNativeClient();
    const prepared = [];
    const prepare = client.prepare.bind(client);
    client.prepare = (sql) => {
      prepared.push(sql);
      return prepare(sql);
    };
    await orm.em.getConnection().execute('select ? as x', ['inlined-value']);
    client.prepare = prepare;
    const inlined = prepared.some((s) => s.includes("'inlined-value'"));
    return {
      fact: 'execute() inlines parameters (every distinct value is a distinct statement)',
      confirmed: inlined,
      detail: `SQL handed to better-sqlite3: ${JSON.stringify(prepared.at(-1))}; logged: ${JSON.stringify(queries.at(-1))}`,
    };
  } finally {
    await orm.close(true);
  }
}

/** One flush inserting rows of one entity, some with explicit ids and some without, on SQLite. */
async function mixedIds() {
  const orm = await sqliteMemory();
  try {
    const em = orm.em.fork();
    em.create(Tag, { id: 100, name: 'explicit' });
    em.create(Tag, { name: 'generated' });
    try {
      await em.flush();
      return {
        fact: "one flush mixing explicit and generated ids of one entity crashes on SQLite (TypeError … reading 'id')",
        confirmed: false,
        detail: 'flush succeeded',
      };
    } catch (e) {
      return {
        fact: "one flush mixing explicit and generated ids of one entity crashes on SQLite (TypeError … reading 'id')",
        confirmed: e instanceof TypeError && /reading 'id'/.test(e.message),
        detail: `${e.constructor.name}: ${e.message}`,
      };
    }
  } finally {
    await orm.close(true);
  }
}

const BigRow = defineEntity({
  name: 'BigRow',
  properties: { id: p.integer().primary(), big: p.bigint() },
});

/** SQLite and bigints above 2^53. */
async function sqliteBigint() {
  const orm = await sqliteMemory([BigRow]);
  try {
    const value = 2n ** 53n + 1n;
    const em = orm.em.fork();
    em.create(BigRow, { id: 1, big: value });
    await em.flush();
    const back = (await orm.em.fork().findOneOrFail(BigRow, 1)).big;
    const raw = (await orm.em.getConnection().execute('select big from big_row'))[0].big;
    return {
      fact: 'SQLite loses bigint precision above 2^53',
      confirmed: String(back) !== value.toString(),
      detail: `stored ${value}, read back ${String(back)} (${typeof back}); raw driver value ${String(raw)}`,
    };
  } finally {
    await orm.close(true);
  }
}

/** findOne with an empty where. */
async function emptyWhere() {
  const orm = await sqliteMemory();
  try {
    try {
      await orm.em.fork().findOne(Tag, {});
      return { fact: 'findOne(E, {}) throws "empty where" in 7.2.1', confirmed: false, detail: 'no error' };
    } catch (e) {
      return {
        fact: 'findOne(E, {}) throws "empty where" in 7.2.1',
        confirmed: /empty 'where'|empty where/i.test(e.message),
        detail: `${e.constructor.name}: ${e.message.split('\n')[0]}`,
      };
    }
  } finally {
    await orm.close(true);
  }
}

/**
 * The same multi-row INSERTs (1,000 rows each) through MikroORM's `execute()` (parameters inlined) and through
 * the native driver (parameters bound; better-sqlite3: one prepared statement reused), alternating, median of
 * 3 after a warm-up, on SQLite and on REMOTE's PostgreSQL.
 */
async function executeVsNative(rows) {
  const out = [];
  for (const kind of ['sqlite', pgKind()]) {
    const db = await createDatabase(kind);
    const orm = await openOrm(db);
    try {
      const native = await nativeQuery(orm);
      const conn = orm.em.getConnection();
      const chunk = 1000;
      const q = kind === 'sqlite' ? '`' : '"';
      const make = (ph) => {
        const vals = [];
        let n = 0;
        for (let i = 0; i < chunk; i++) vals.push(ph === '$' ? `($${++n}, $${++n})` : '(?, ?)');
        return `insert into ${q}author${q} (${q}email${q}, ${q}name${q}) values ${vals.join(', ')}`;
      };
      const nativeSql = make(kind === 'sqlite' ? '?' : '$');
      const run = async (mode, r) => {
        const t = performance.now();
        for (let k = 0; k < rows / chunk; k++) {
          const params = [];
          for (let i = 0; i < chunk; i++) params.push(`${mode}${r}-${k}-${i}@x`, 'x');
          if (mode === 'native') await native.run(nativeSql, params);
          else await conn.execute(make('?'), params, 'run');
        }
        return performance.now() - t;
      };
      const times = { native: [], execute: [] };
      for (let r = 0; r < 4; r++) {
        for (const mode of r % 2 ? ['execute', 'native'] : ['native', 'execute']) {
          const ms = await run(mode, r);
          if (r > 0) times[mode].push(ms);
        }
      }
      native.release();
      const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
      out.push({ kind, native: round(med(times.native)), execute: round(med(times.execute)) });
    } finally {
      await orm.close(true);
      await db.drop();
    }
  }
  const ratios = out.map((o) => round(o.execute / o.native, 2));
  return {
    fact: 'execute() inlines parameters; the native driver is 1.0–1.4× faster',
    confirmed: ratios.every((r) => r >= 0.95),
    partly: ratios.some((r) => r >= 0.95),
    detail: out
      .map(
        (o, i) =>
          `${o.kind}: ${rows} rows in 1,000-row INSERTs, native ${o.native} ms, execute() ${o.execute} ms (×${ratios[i]})`,
      )
      .join('; '),
  };
}

export async function factsTask({ quick = false } = {}) {
  const facts = [];
  for (const f of [
    () => sqliteStatements(quick ? 2000 : 20_000),
    () => longLivedEm(quick ? 600 : 3000),
    insertMany,
    executeInlines,
    () => executeVsNative(quick ? 3000 : 30_000),
    mixedIds,
    sqliteBigint,
    emptyWhere,
  ]) {
    try {
      facts.push(await f());
    } catch (e) {
      facts.push({ fact: String(f), confirmed: false, detail: `bench error: ${e.message}` });
    }
  }
  return facts;
}

export { Book };
