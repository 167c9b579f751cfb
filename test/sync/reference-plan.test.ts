import type { Connection } from '@mikro-orm/core';
import { synchronize } from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import { SynchroReference } from '../../packages/core/src/log/entities.js';
import { metadataOf } from '../../packages/core/src/natural-keys/metadataOf.js';
import { TupleIn } from '../../packages/core/src/natural-keys/tupleIn.js';
import { referenceLookupSql } from '../../packages/core/src/sync/resolve/RemoteResolver.js';
import { postgresArray } from '../../packages/core/src/util/jsonRows.js';
import { sqlEm } from '../../packages/core/src/util/sqlEm.js';
import { PAIRS } from '../support/databases.js';
import { Author, Book } from '../support/model.js';
import { openSyncPair } from '../support/sync.js';

/** PostgreSQL's plan of `sql` (with `params` inlined), one line per node. */
async function explain(conn: Connection, sql: string, params: unknown[] = []): Promise<string> {
  const rows: Record<string, string>[] = await conn.execute(`explain ${sql}`, params);
  return rows.map((row) => Object.values(row)[0]).join('\n');
}

const POSTGRES_PAIRS = PAIRS.filter((p) => p.remote === 'pglite' || p.remote === 'postgresql');

describe.each(POSTGRES_PAIRS)('lookups in tables without statistics on $name', (kinds) => {
  it('look each key up on the whole primary key, also in a reference table without statistics', async () => {
    const p = await openSyncPair(kinds);
    try {
      const em = p.local.orm.em.fork();
      const authors = ['a', 'b', 'c'].map((n) => em.create(Author, { email: `${n}@x`, name: n }));
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      // a reference table that grew since it was last analyzed (here: never), as during a long first sync
      const conn = p.remote.orm.em.getConnection();
      const [{ source }] = await conn.execute<{ source: string }[]>(
        'select source from synchro_reference limit 1',
      );
      await conn.execute(
        `insert into synchro_reference (source, entity, local_pk, remote_pk) ` +
          `select '${source}', 'Author', '"k' || i || '"', to_jsonb(i) from generate_series(1, 20000) i`,
      );
      authors[0].name = 'changed';
      await em.flush();
      p.remote.queries.reset();
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', updated: 1 });
      const sent = p.remote.queries.matching(/^select .* from unnest\(.*synchro_reference/i);
      expect(sent.length).toBeGreaterThan(0);
      const remoteEm = p.remote.orm.em.fork();
      const sql = referenceLookupSql(remoteEm, metadataOf(remoteEm, SynchroReference));
      const keys = postgresArray('text', ['"k5"', '"k17"', JSON.stringify(authors[0].id)]);
      const plan = await explain(conn, sql, [keys, source, 'Author']);
      // the key is part of the index condition, not a filter over every reference of the entity
      expect(plan).toMatch(/Index Cond: .*local_pk.* = k\.local_pk/);
      expect(plan).not.toMatch(/Filter: .*local_pk/);
    } finally {
      await p.close();
    }
  });

  it('look natural keys under a unique constraint up key by key, then the rows by primary key', async () => {
    const p = await openSyncPair(kinds);
    try {
      const conn = p.remote.orm.em.getConnection();
      // a book table that grew since it was last analyzed (here: never), as during a long first sync
      await conn.execute(`insert into author (id, email, name) values (1, 'a@x', 'A')`);
      await conn.execute(
        `insert into book (id, title, author_id) select i, 't' || i, 1 from generate_series(1, 20000) i`,
      );
      const em = p.remote.orm.em.fork();
      const meta = em.getMetadata().getByClassName('Book');
      const key = TupleIn.of(em, [meta.properties.author, meta.properties.title], meta);
      const where = key!.where([
        [1, 't5'],
        [1, 't17'],
        [1, 'missing'],
      ]);
      const books = await em.find(Book, where as never, { orderBy: { id: 'asc' } });
      expect(books.map((b) => b.title)).toEqual(['t5', 't17']);
      const sql = sqlEm(em).createQueryBuilder(Book, 'b0').select('*').where(where).getFormattedQuery();
      const plan = await explain(conn, sql);
      expect(plan).toMatch(/Index Cond: .*author_id.* = k\.k0/);
      expect(plan).not.toMatch(/Seq Scan on book/);
    } finally {
      await p.close();
    }
  });
});
