import { withCpuProfile } from '../lib/cpuProfile.mjs';
import { createBook, createTagsAndAuthors, shape } from '../lib/data.mjs';
import { createDatabase, openOrm, truncateAll } from '../lib/db.mjs';
import { gc, timed } from '../lib/measure.mjs';
import { Book } from '../lib/model.mjs';

/**
 * Scenario 1, logging overhead: on a fresh database, one flush creating `n` books (with their tags), then one
 * flush updating all of them (price and JSON column), with and without `withSynchro`. The two variants
 * alternate (order flipped every iteration) so drift on a shared machine hits both alike.
 */
export async function logging({
  kind,
  n,
  runs,
  warmup = 1,
  variants = ['plain', 'logged'],
  cpuProfile = null,
}) {
  const results = Object.fromEntries(variants.map((v) => [v, []]));
  // one database per variant for the whole child, emptied before every run (a fresh PGlite costs ~10 s)
  const dbs = {};
  try {
    for (const variant of variants) {
      const db = await createDatabase(kind);
      const orm = await openOrm(db, { synchro: variant === 'plain' ? false : { remote: 'server' } });
      // variants of the log's indexes (bench/explore/logIndexes.mjs): 'logged-<name>' runs its SQL first
      for (const sql of LOG_INDEX_VARIANTS[variant] ?? []) await orm.em.getConnection().execute(sql);
      dbs[variant] = { db, orm };
    }
    for (let it = 0; it < warmup + runs; it++) {
      const order = it % 2 ? [...variants].reverse() : variants;
      for (const variant of order) {
        const r = await once(dbs[variant].orm, n, variant !== 'plain', it >= warmup ? cpuProfile : null);
        if (it >= warmup) results[variant].push(r);
      }
    }
  } finally {
    for (const { db, orm } of Object.values(dbs)) {
      await orm.close(true);
      await db.drop();
    }
  }
  return { kind, n, runs: results };
}

/** Statements that turn the log's indexes into another shape, per variant name. */
export const LOG_INDEX_VARIANTS = {
  // what withSynchro({ originIndex: true }) adds
  'logged-origin-id': ['create index synchro_change_origin_id_index on synchro_change (origin, id)'],
  'logged-entity-origin-id': [
    'create index synchro_change_entity_origin_id_index on synchro_change (entity, origin, id)',
  ],
};

async function once(orm, n, logged, cpuProfile) {
  await truncateAll(orm);
  {
    const s = shape(n);
    const seed = orm.em.fork();
    createTagsAndAuthors(seed, s);
    await seed.flush();
    const conn = orm.em.getConnection();
    const logRows = async () =>
      logged ? Number((await conn.execute('select count(*) as n from synchro_change'))[0].n) : 0;
    const log0 = await logRows();

    const em = orm.em.fork();
    for (let i = 1; i <= n; i++) createBook(em, i, s);
    gc();
    const create = await timed(() =>
      withCpuProfile(cpuProfile?.replace('.cpuprofile', '-create.cpuprofile'), () => em.flush()),
    );
    const log1 = await logRows();

    const em2 = orm.em.fork();
    const books = await em2.find(Book, {});
    for (const b of books) {
      b.price = Number(b.price) + 1;
      b.meta = { ...b.meta, v: 1 };
    }
    gc();
    const update = await timed(() =>
      withCpuProfile(cpuProfile?.replace('.cpuprofile', '-update.cpuprofile'), () => em2.flush()),
    );
    const log2 = await logRows();
    return { createMs: create.ms, updateMs: update.ms, loggedCreate: log1 - log0, loggedUpdate: log2 - log1 };
  }
}
