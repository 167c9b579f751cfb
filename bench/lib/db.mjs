import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { withSynchro } from '@mikro-synchro/core';
import { MODEL } from './model.mjs';

/** The PostgreSQL server to use, when `SYNCHRO_PG_URL` is set; else REMOTE is PGlite on a temp directory. */
export const PG_URL = process.env.SYNCHRO_PG_URL || null;

/** 'postgresql' (real server) or 'pglite' (WASM, on a temporary directory). */
export function pgKind() {
  return PG_URL ? 'postgresql' : 'pglite';
}

let counter = 0;

/** Tag of the bench run (set by bench/run.mjs for its children), in every database and directory name. */
export const RUN_TAG = (process.env.BENCH_RUN_ID ?? 'adhoc').replace(/[^a-z0-9]/gi, '').toLowerCase();

async function adminPg(sql) {
  const url = new URL(PG_URL);
  const base = `${url.protocol}//${url.username ? `${url.username}@` : ''}${url.host}`;
  const admin = await MikroORM.init({
    driver: PostgreSqlDriver,
    clientUrl: base,
    dbName: 'postgres',
    entities: [],
    discovery: { warnWhenNoEntities: false },
    debug: false,
  });
  try {
    await admin.em.getConnection().execute(sql);
  } finally {
    await admin.close(true);
  }
  return base;
}

/**
 * A fresh empty database: `sqlite` (a file in a temp directory), `pglite` (a temp directory) or `postgresql`
 * (a uniquely named database on the server). `ref` is a JSON form another process reopens with
 * {@link openRef}; `drop()` removes the database.
 */
export async function createDatabase(kind) {
  counter += 1;
  switch (kind) {
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), `synchro-bench-${RUN_TAG}-sqlite-`));
      return openRef({ kind, dir, dbName: join(dir, 'local.sqlite') });
    }
    case 'pglite': {
      const dir = mkdtempSync(join(tmpdir(), `synchro-bench-${RUN_TAG}-pglite-`));
      // initdb in WASM takes ~10 s: copy an empty cluster made once per bench run (0.5 s to open)
      if (process.env.BENCH_PGLITE_TEMPLATE)
        cpSync(process.env.BENCH_PGLITE_TEMPLATE, dir, { recursive: true });
      return openRef({ kind, dir, dbName: dir });
    }
    case 'postgresql': {
      const name = `synchro_bench_${RUN_TAG}_${process.pid}_${Date.now().toString(36)}_${counter}`;
      const base = await adminPg(`create database "${name}"`);
      return openRef({ kind, clientUrl: base, dbName: name });
    }
    default:
      throw new Error(`unknown database kind ${kind}`);
  }
}

// Loaded on first use: a child that never opens PGlite (or SQLite) does not hold its code, which would count in
// the memory scenario's peak RSS (V8 sizes its heap at a multiple of what is live).
const DRIVERS = {
  sqlite: async () => (await import('@mikro-orm/sqlite')).SqliteDriver,
  pglite: async () => (await import('@mikro-orm/pglite')).PgliteDriver,
  postgresql: async () => PostgreSqlDriver,
};

/** An empty PGlite cluster in a new directory, to be copied by {@link createDatabase} (BENCH_PGLITE_TEMPLATE). */
export async function createPgliteTemplate() {
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = mkdtempSync(join(tmpdir(), `synchro-bench-${RUN_TAG}-pglite-template-`));
  const db = await PGlite.create({ dataDir: dir });
  const [{ v }] = (await db.query('select version() as v')).rows;
  await db.close();
  return { dir, version: v };
}

/** A database created by {@link createDatabase} (possibly in another process), from its `ref`. */
export function openRef(ref) {
  const { kind, dir, dbName, clientUrl } = ref;
  return {
    kind,
    ref,
    file: kind === 'sqlite' ? dbName : undefined,
    config: { dbName, ...(clientUrl ? { clientUrl } : {}) },
    drop: async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      else await adminPg(`drop database if exists "${dbName}" with (force)`);
    },
  };
}

/** Size on disk of a database (bytes), when it is a file or a directory. */
export function sizeOnDisk(ref) {
  if (!ref.dir) return null;
  let total = 0;
  const walk = (p) => {
    const st = statSync(p);
    if (st.isDirectory()) for (const f of readdirSync(p)) walk(join(p, f));
    else total += st.size;
  };
  walk(ref.dir);
  return total;
}

/**
 * Opens MikroORM on `db` with the bench model. `synchro`: false (no withSynchro), or the WithSynchroOptions.
 * `create`: create the schema.
 */
export async function openOrm(db, { synchro = false, create = true } = {}) {
  let config = {
    ...db.config,
    driver: await DRIVERS[db.kind](),
    entities: MODEL,
    debug: false,
    allowGlobalContext: false,
    pool: db.kind === 'postgresql' ? { min: 1, max: 4 } : undefined,
  };
  if (synchro) config = withSynchro(config, { quiet: true, ...synchro });
  const orm = await MikroORM.init(config);
  if (create) await orm.schema.create();
  return orm;
}

/** A native query function on an ORM's connection: `(sql, params) => rows` (better-sqlite3, pg or PGlite). */
export async function nativeQuery(orm) {
  const client = await orm.em.getConnection().getNativeClient();
  const name = orm.em.getPlatform().constructor.name.toLowerCase();
  if (name.includes('sqlite')) {
    const cache = new Map();
    const stmt = (sql) => {
      let s = cache.get(sql);
      if (!s) {
        s = client.prepare(sql);
        cache.set(sql, s);
      }
      return s;
    };
    return {
      dialect: 'sqlite',
      client,
      all: async (sql, params = []) => stmt(sql).all(...params),
      run: async (sql, params = []) => stmt(sql).run(...params).changes,
      exec: async (sql) => client.exec(sql),
      release: () => {},
    };
  }
  // PGlite is one connection; a pg.Pool hands out one client kept for the whole session (transactions work).
  const pooled = typeof client.connect === 'function' && !('exec' in client);
  const conn = pooled ? await client.connect() : client;
  return {
    dialect: 'postgres',
    client: conn,
    all: async (sql, params = []) => (await conn.query(sql, params)).rows,
    run: async (sql, params = []) => {
      const r = await conn.query(sql, params);
      return r.rowCount ?? r.affectedRows ?? 0;
    },
    exec: async (sql) => (conn.exec ? conn.exec(sql) : conn.query(sql)),
    release: () => (pooled ? conn.release() : undefined),
  };
}

/**
 * Empties every table of an ORM's database (model and synchro tables; identities restart), so one database
 * serves several runs: a fresh PGlite costs ~10 s and ~500 MB, a fresh PostgreSQL database ~0.5 s.
 */
export async function truncateAll(orm) {
  const tables = [...orm.getMetadata().getAll().values()]
    .filter((m) => !m.embeddable && !m.virtual && m.tableName)
    .map((m) => m.tableName);
  const conn = orm.em.getConnection();
  if (orm.em.getPlatform().constructor.name.toLowerCase().includes('sqlite')) {
    await conn.execute('pragma foreign_keys = off');
    for (const t of tables) await conn.execute(`delete from \`${t}\``);
    await conn.execute('delete from sqlite_sequence').catch(() => {});
    await conn.execute('pragma foreign_keys = on');
    return;
  }
  await conn.execute(`truncate table ${tables.map((t) => `"${t}"`).join(', ')} restart identity cascade`);
}
