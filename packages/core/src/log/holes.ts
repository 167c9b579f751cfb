import type { EntityManager } from '@mikro-orm/core';
import { dialectOf, platformClassNames } from './dialect.js';
import type { SynchroHole } from './entities.js';

/**
 * @internal Gap-free reading. Log ids are assigned when a row is inserted, but transactions commit in another
 * order (PostgreSQL, MariaDB): a reader may see id 12 before id 11 exists. An id skipped by a read is kept as
 * a *hole* and read again until every transaction that was in flight when it was seen has ended; only then
 * is a still missing id known to be rolled back. The marker says when that is, per dialect:
 * - PostgreSQL/PGlite: `xmax` of the snapshot at detection; closed once no transaction on this database that
 *   started before it still runs (prepared ones included).
 * - MariaDB/MySQL: the database time at detection; closed once no InnoDB transaction started before it runs.
 * - SQLite: one writer at a time, so every committed id is below any uncommitted one: closed at once.
 */
export async function holeMarker(em: EntityManager): Promise<string | number | null> {
  const conn = em.getConnection();
  const ctx = em.getTransactionContext();
  switch (dialectOf(em)) {
    case 'postgres': {
      const [row] = await conn.execute<{ x: string }[]>(
        'select pg_snapshot_xmax(pg_current_snapshot())::text as x',
        [],
        'all',
        ctx,
      );
      return row.x;
    }
    case 'mysql': {
      const [row] = await conn.execute<{ t: string }[]>('select cast(now(6) as char) as t', [], 'all', ctx);
      return row.t;
    }
    default:
      return null;
  }
}

/** @internal Which of `holes` can no longer be filled (checked BEFORE the log is read again). */
export async function closableHoles(em: EntityManager, all: SynchroHole[]): Promise<Set<number>> {
  // 'deferred' holes are changes a run filtered out with `entities`: they stay until a run applies them.
  const holes = all.filter((h) => h.until !== 'deferred');
  if (holes.length === 0) return new Set();
  const conn = em.getConnection();
  const ctx = em.getTransactionContext();
  switch (dialectOf(em)) {
    case 'postgres': {
      // The snapshot's xmin counts every transaction of the server, so one left open on another database would
      // hold holes open as long as it runs. Only transactions connected to this database can own a log id:
      // their oldest xid is derived from `age()`, which counts back from our own xid when we have one, else
      // from the next xid, which is at least the snapshot's xmax, so the estimate errs towards "older".
      // Its own statement, outside any caller transaction: inside one, `pg_stat_activity` and the reference of
      // `age()` are fixed when first read, and a transaction started since would go unseen. A caller transaction
      // holding log rows of its own is then just another running transaction of this database. (PGlite has one
      // connection: a statement outside the caller's transaction would wait for it, so it stays inside.)
      const single = platformClassNames(em.getPlatform()).some((name) => name.includes('pglite'));
      const [row] = await conn.execute<{ x: string; l: string | null }[]>(
        'with running as (' +
          'select backend_xid as xid from pg_stat_activity ' +
          'where datname = current_database() and backend_xid is not null ' +
          'union all select transaction from pg_prepared_xacts where database = current_database()) ' +
          'select pg_snapshot_xmin(pg_current_snapshot())::text as x, ' +
          '(coalesce(pg_current_xact_id_if_assigned(), pg_snapshot_xmax(pg_current_snapshot()))::text::numeric ' +
          '- (select max(age(xid)) from running))::text as l',
        [],
        'all',
        single ? ctx : undefined,
      );
      const xmin = BigInt(row.x);
      const oldestHere = row.l == null ? null : BigInt(row.l);
      return new Set(
        holes
          .filter((h) => BigInt(h.until) <= xmin || oldestHere == null || BigInt(h.until) <= oldestHere)
          .map((h) => h.id),
      );
    }
    case 'mysql': {
      const [row] = await conn.execute<{ t: string | null }[]>(
        // only transactions of connections on this database: any other database's would hold holes open
        'select cast(min(t.trx_started) as char) as t from information_schema.innodb_trx t ' +
          'join information_schema.processlist p on p.id = t.trx_mysql_thread_id where p.db = database()',
        [],
        'all',
        ctx,
      );
      // trx_started has second precision: a transaction started in the same second keeps the hole open.
      return new Set(
        holes.filter((h) => row.t == null || row.t > String(h.until).slice(0, 19)).map((h) => h.id),
      );
    }
    default:
      return new Set(holes.map((h) => h.id));
  }
}
