import { synchronize } from '@mikro-synchro/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Author, Book } from '../support/model.js';
import type { TestPair } from '../support/orm.js';
import { openSyncPair, PATH_PAIRS } from '../support/sync.js';

/** The UPDATE statements a sync sent to a table. */
const updates = (p: TestPair, table: string) =>
  p.remote.queries.queries
    .map((q) => q.sql)
    .filter((sql) => new RegExp(`^update [\`"]${table}[\`"]`, 'i').test(sql));

describe.each(PATH_PAIRS.filter((x) => x.path === 'bulk'))('bulk UPDATEs $name', ({ path, ...kinds }) => {
  const postgres = kinds.remote === 'pglite' || kinds.remote === 'postgresql';
  let p: TestPair;
  beforeEach(async () => {
    p = await openSyncPair(kinds, { writePath: path });
  });
  afterEach(() => p.close());

  /** Six books of two authors, synced; returns LOCAL's EntityManager, the books and the second author. */
  const synced = async () => {
    const em = p.local.orm.em.fork();
    const [a, b] = [
      em.create(Author, { email: 'a@x', name: 'A' }),
      em.create(Author, { email: 'b@x', name: 'B' }),
    ];
    const books = Array.from({ length: 6 }, (_, i) =>
      em.create(Book, {
        title: `B${i}`,
        author: a,
        price: i,
        publishedAt: new Date(Date.UTC(2020, 0, i + 1)),
        meta: { i },
      }),
    );
    await em.flush();
    await synchronize(p.local.orm, p.remote.orm);
    return { em, books, b };
  };

  it('writes rows that change the same columns with one statement, each value as its type', async () => {
    const { em, books, b } = await synced();
    for (const [i, book] of books.entries()) {
      book.price = 100.5 + i;
      book.meta = { i, list: [1, 'two'], quote: `it's "${i}"` };
      book.publishedAt = new Date(Date.UTC(2024, 1, i + 1, 12, 30, 0, 250));
      book.author = b;
    }
    await em.flush();
    p.remote.queries.reset();
    expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', updated: 6 });
    const sent = updates(p, 'book');
    if (postgres) {
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatch(/ from \(select .* from unnest\(/s);
    } else {
      expect(sent.length).toBeGreaterThan(0); // MikroORM's batched UPDATE
    }
    const rows = await p.remote.orm.em
      .fork()
      .find(Book, {}, { populate: ['author'], orderBy: { title: 'asc' } });
    expect(rows.map((r) => [r.title, r.price, r.meta, r.publishedAt?.toISOString(), r.author.email])).toEqual(
      books.map((_, i) => [
        `B${i}`,
        100.5 + i,
        { i, list: [1, 'two'], quote: `it's "${i}"` },
        new Date(Date.UTC(2024, 1, i + 1, 12, 30, 0, 250)).toISOString(),
        'b@x',
      ]),
    );
  });

  it('sets only the columns each row changed: one statement per set of changed columns', async () => {
    const { em, books } = await synced();
    books[0]!.price = 50;
    books[1]!.price = 51;
    books[2]!.meta = null;
    books[3]!.price = null;
    books[3]!.meta = { changed: true };
    await em.flush();
    p.remote.queries.reset();
    expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', updated: 4 });
    if (postgres) {
      const sets = updates(p, 'book')
        .map((sql) => /^update .*? set (.*?) from \(select/is.exec(sql)![1]!)
        .map((set) => [...set.matchAll(/"(\w+)" = "synchro_v"/g)].map((m) => m[1]).join(','))
        .sort();
      expect(sets).toEqual(['meta', 'meta,price', 'price']);
    }
    const rows = await p.remote.orm.em.fork().find(Book, {}, { orderBy: { title: 'asc' } });
    expect(rows.map((r) => [r.price, r.meta])).toEqual([
      [50, { i: 0 }],
      [51, { i: 1 }],
      [2, null],
      [null, { changed: true }],
      [4, { i: 4 }],
      [5, { i: 5 }],
    ]);
  });
});
