import { synchronize } from '@mikro-synchro/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Author, Book } from '../support/model.js';
import type { TestPair } from '../support/orm.js';
import { jsonColumn, openSyncPair, PATH_PAIRS, syncedBook } from '../support/sync.js';

describe.each(PATH_PAIRS)('reference rows $name, $path path', ({ path, ...kinds }) => {
  let p: TestPair;
  beforeEach(async () => {
    p = await openSyncPair(kinds, { writePath: path });
  });
  afterEach(() => p.close());

  const referenceWrites = () => p.remote.queries.matching(/^insert into .synchro_reference/i);
  type ReferenceRow = { entity: string; local_pk: string; remote_pk: unknown };
  const references = async () =>
    (
      (await p.remote.orm.em
        .getConnection()
        .execute(
          'select entity, local_pk, remote_pk from synchro_reference order by entity, local_pk',
        )) as ReferenceRow[]
    ).map((r) => {
      return `${r.entity}:${r.local_pk}->${JSON.stringify(jsonColumn(r.remote_pk))}`;
    });

  it('inserts the references of rows new to REMOTE plainly, and upserts only those that exist', async () => {
    const em = p.local.orm.em.fork();
    const author = em.create(Author, { email: 'a@x', name: 'A' });
    const books = Array.from({ length: 4 }, (_, i) => em.create(Book, { title: `B${i}`, author, price: i }));
    await em.flush();
    p.remote.queries.reset();
    expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', created: 5 });
    const literal = kinds.remote !== 'mariadb'; // MariaDB takes the parameterised upsert for every row
    if (literal) {
      expect(referenceWrites()).toHaveLength(1);
      expect(referenceWrites()[0]).not.toMatch(/on conflict/i);
    }
    const first = await references();
    expect(first).toHaveLength(5);

    // updated rows have references: their baselines are upserted, nothing is inserted twice
    books[0]!.price = 50;
    books[1]!.price = 51;
    await em.flush();
    p.remote.queries.reset();
    expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', updated: 2 });
    if (literal) {
      expect(referenceWrites()).toHaveLength(1);
      expect(referenceWrites()[0]).toMatch(/on conflict/i);
    }
    expect(await references()).toEqual(first);
  });

  it('rewrites a reference whose REMOTE row is gone, found again by natural key', async () => {
    const { em, book, conn } = await syncedBook(p);
    const [{ id }] = await conn.execute<{ id: number }[]>(`select id from book where title = 'B'`);
    // the reference points at a row REMOTE no longer has
    await conn.execute(`update synchro_reference set remote_pk = '99999' where entity = 'Book'`);
    book.price = 2;
    await em.flush();
    const report = await synchronize(p.local.orm, p.remote.orm);
    expect(report).toMatchObject({ status: 'synced', created: 0, updated: 1 });
    expect(await references()).toContain(`Book:${book.id}->${id}`);
    const rows = await p.remote.orm.em.fork().find(Book, {});
    expect(rows.map((b) => [b.title, Number(b.price)])).toEqual([['B', 2]]);
  });
});
