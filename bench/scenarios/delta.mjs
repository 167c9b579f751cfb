import { synchronize } from '@mikro-synchro/core';
import { countRows, insertRawLog, insertRawRows, rowsFor } from '../lib/data.mjs';
import { createDatabase, nativeQuery, openOrm, openRef, sizeOnDisk } from '../lib/db.mjs';
import { floorCopy } from '../lib/floor.mjs';
import { gc, memNow, round, timed } from '../lib/measure.mjs';
import { Book } from '../lib/model.mjs';
import { queryStats } from '../lib/queryStats.mjs';
import { localOptions } from './sync.mjs';

/**
 * Creates a LOCAL SQLite file (synchro tables, nothing logged) holding the rows of `books` books written raw,
 * and, with `remoteKind`, a REMOTE database holding the same rows with the same ids (as after an
 * export/import: no references, so a sync finds them by natural key). With `log: true`, LOCAL also gets the
 * change log of that history (raw `synchro_change` rows; scenario 4).
 */
export async function populateRawTask({ books, remoteKind = null, log = false }) {
  const localDb = await createDatabase('sqlite');
  const local = await openOrm(localDb, { synchro: { remote: 'server' } });
  const out = { books, rows: rowsFor(books), localRef: localDb.ref };
  try {
    const db = await nativeQuery(local);
    out.localMs = (await timed(() => insertRawRows(db, books, { chunk: 500 }))).ms;
    if (log) {
      out.logMs = (await timed(() => insertRawLog(db, books))).ms;
      out.changes = Number((await db.all('select count(*) as n from synchro_change'))[0].n);
    }
  } finally {
    await local.close(true);
  }
  if (remoteKind) {
    const remoteDb = await createDatabase(remoteKind);
    const remote = await openOrm(remoteDb, { synchro: { remote: null } });
    out.remoteRef = remoteDb.ref;
    try {
      const db = await nativeQuery(remote);
      out.remoteMs = (await timed(() => insertRawRows(db, books, { chunk: 1000 }))).ms;
      await db.run('analyze');
      db.release();
    } finally {
      await remote.close(true);
    }
  }
  return out;
}

/** Books changed in iteration `k`: `delta` ids spread evenly over the table, a different set each time. */
export function changedIds(books, delta, k) {
  const step = Math.max(1, Math.floor(books / delta));
  const ids = [];
  for (let j = 0; j < delta; j++) ids.push(((k + j * step) % books) + 1);
  return ids;
}

/**
 * Changes books `ids` on LOCAL through the unit of work (logged): a higher price and `meta.v = v`, 5,000 to a
 * flush.
 */
export async function changeBooks(local, ids, v) {
  for (let i = 0; i < ids.length; i += 5000) {
    const em = local.em.fork();
    for (const b of await em.find(Book, { id: { $in: ids.slice(i, i + 5000) } })) {
      b.price = Number(b.price) + 1;
      b.meta = { ...b.meta, v };
    }
    await em.flush();
  }
}

/**
 * Scenario 3, one child per table size: `warmup + runs` iterations of (change `delta` books on LOCAL through
 * the unit of work with logging, then time `synchronize`), then `fullCopyRuns` timed full copies of every
 * LOCAL row to REMOTE at the floor's speed (multi-row upserts through the native driver).
 */
export async function deltaTask({
  localRef,
  remoteRef,
  books,
  delta,
  runs,
  warmup = 1,
  fullCopyRuns = 1,
  variant = 'auto',
  profile = false,
  budgetMs = null,
}) {
  const started = performance.now();
  const local = await openOrm(openRef(localRef), { synchro: localOptions(variant), create: false });
  const remote = await openOrm(openRef(remoteRef), { synchro: { remote: null }, create: false });
  const localNative = await nativeQuery(local);
  const remoteNative = await nativeQuery(remote);
  const syncs = [];
  const copies = [];
  let profiled = null;
  let stopped = null;
  try {
    // Warm-up iterations change a tenth of the delta (JIT and caches, not the measurement); with `profile`,
    // the first one runs with the query log on, to show the statements of a sync at this table size.
    for (let it = 0; it < warmup + runs; it++) {
      const isWarmup = it < warmup;
      if (!isWarmup && syncs.length && budgetMs !== null) {
        const per = (performance.now() - started) / (syncs.length + 1);
        if (performance.now() - started + per > budgetMs) {
          stopped = `${syncs.length} of ${runs} runs: the time budget (${Math.round(budgetMs / 1000)} s) is spent`;
          break;
        }
      }
      const count = isWarmup ? Math.max(1, Math.round(delta / 10)) : delta;
      const stats = isWarmup && it === 0 && profile ? queryStats({ LOCAL: local, REMOTE: remote }) : null;
      const ids = changedIds(books, count, it);
      globalThis.benchProgress = { iteration: it, warmup: isWarmup, changes: count, syncsDone: syncs.length };
      const change = await timed(() => changeBooks(local, ids, it + 1));
      gc();
      stats?.reset();
      const before = memNow();
      const { ms, value: report } = await timed(() => synchronize(local, remote, { batchSize: 1000 }));
      const queries = stats?.summary();
      stats?.stop();
      if (report.status !== 'synced' || report.updated !== count) {
        throw new Error(
          `delta sync: ${report.status}, updated ${report.updated} of ${count}: ${JSON.stringify(report.errors)}`,
        );
      }
      // REMOTE has the new values
      const [{ n }] = await remoteNative.all(
        `select count(*) as n from "book" where id = any($1::int[]) and (meta->>'v')::int = $2`,
        [ids, it + 1],
      );
      if (Number(n) !== count) throw new Error(`delta sync: ${n} of ${count} rows updated on REMOTE`);
      const rec = {
        ms,
        changeMs: change.ms,
        changes: count,
        changesPerSec: round(count / (ms / 1000)),
        rssBefore: before.rssMb,
        rssAfter: memNow().rssMb,
        paths: report.paths ?? null,
        ...(queries ? { queries } : {}),
      };
      if (queries) profiled = rec;
      if (!isWarmup) syncs.push(rec);
    }
    for (let i = 0; i < fullCopyRuns; i++) {
      globalThis.benchProgress = { fullCopy: i, syncsDone: syncs.length };
      gc();
      const { ms, value: rows } = await timed(() =>
        floorCopy(localNative, remoteNative, remote, { write: 'native' }),
      );
      copies.push({ ms, rows, rowsPerSec: round(rows / (ms / 1000)) });
    }
    const counts = await countRows(remoteNative);
    return {
      books,
      delta,
      rows: rowsFor(books),
      remoteCounts: counts,
      syncs,
      stopped,
      profiled,
      fullCopies: copies,
      localBytes: sizeOnDisk(localRef),
      remoteBytes: sizeOnDisk(remoteRef),
    };
  } finally {
    localNative.release();
    remoteNative.release();
    await local.close(true);
    await remote.close(true);
  }
}

/** Used by scenario 4: LOCAL with the raw logged history. */
export { insertRawLog };
