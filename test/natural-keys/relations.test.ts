import { wrap } from '@mikro-orm/core';
import { findByNaturalKeys, NaturalKeyError, naturalKeyString, naturalKeyValues } from '@mikro-synchro/core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { KINDS } from '../support/databases.js';
import { openOrm, type TestOrm } from '../support/orm.js';
import { Author, Book, Category, Edition, entities } from './model.js';
import { seedCategories, seedLibrary } from './seed.js';

describe.each(KINDS)('relation keys (%s)', (kind) => {
  let t: TestOrm;
  beforeEach(async () => {
    t = await openOrm(kind, { entities });
  });
  afterEach(async () => {
    await t.close();
  });

  test('a relation component is the related natural key, loaded in one query per entity type', async () => {
    await seedLibrary(t.orm.em);
    const seed = t.orm.em.fork();
    for (const book of await seed.find(Book, {})) seed.create(Edition, { book, number: 1 });
    await seed.flush();

    const em = t.orm.em.fork();
    const books = await em.find(Book, {}, { orderBy: { id: 'asc' } });
    expect(books.some((b) => wrap(b.author).isInitialized())).toBe(false);
    let keys: unknown[][] = [];
    expect(await t.queries.count(async () => (keys = await naturalKeyValues(em, Book, books)))).toBe(1);
    expect(keys).toEqual([
      [['ann@example.com'], 'Dune'],
      [['ann@example.com'], 'Emma'],
      [['bob@example.com'], 'Dune'],
      [['bob@example.com'], 'Ulysses'],
      [['cyd@example.com'], 'Beloved'],
    ]);
    // JSON-safe: a snapshot read back gives the same keys
    expect(JSON.parse(JSON.stringify(keys))).toEqual(keys);
    expect(await t.queries.count(() => naturalKeyValues(em, Book, books))).toBe(0);

    // two levels: Edition (book, number) -> Book (author, title) -> Author (email): one query per level
    const em2 = t.orm.em.fork();
    const editions = await em2.find(Edition, {}, { orderBy: { id: 'asc' } });
    let editionKeys: unknown[][] = [];
    expect(
      await t.queries.count(async () => (editionKeys = await naturalKeyValues(em2, Edition, editions))),
    ).toBe(2);
    expect(editionKeys[0]).toEqual([[['ann@example.com'], 'Dune'], 1]);
    expect(editionKeys).toHaveLength(5);
  });

  test('keys taken from another database find the same rows although primary keys differ', async () => {
    const local = await openOrm('sqlite', { entities });
    try {
      await seedLibrary(local.orm.em, 'forward');
      await seedLibrary(t.orm.em, 'reverse');
      const localEm = local.orm.em.fork();
      const remoteEm = t.orm.em.fork();
      const localBooks = await localEm.find(Book, {}, { populate: ['author'], orderBy: { id: 'asc' } });
      const remoteIds = new Map((await t.orm.em.fork().find(Book, {})).map((b) => [b.id, b]));
      // a snapshot as the change log would keep it
      const keys = JSON.parse(
        JSON.stringify(await naturalKeyValues(localEm, Book, localBooks)),
      ) as unknown[][];
      let found = new Map<string, Book>();
      expect(await t.queries.count(async () => (found = await findByNaturalKeys(remoteEm, Book, keys)))).toBe(
        1,
      );
      expect(found.size).toBe(5);
      let moved = 0;
      localBooks.forEach((book, i) => {
        const match = found.get(naturalKeyString(keys[i]!))!;
        expect(match.title).toBe(book.title);
        expect(match.author.email).toBe(book.author.email);
        expect(remoteIds.has(match.id)).toBe(true);
        if (match.id !== book.id) moved++;
      });
      expect(moved).toBeGreaterThan(0);

      // LOCAL entities as relation components: their unloaded authors load on LOCAL, the lookup runs on REMOTE
      const localEm2 = local.orm.em.fork();
      const unloaded = await localEm2.find(Book, {}, { orderBy: { id: 'asc' } });
      const remoteEm2 = t.orm.em.fork();
      const before = local.queries.queries.length;
      let found2 = new Map<string, Book>();
      const remoteQueries = await t.queries.count(async () => {
        found2 = await findByNaturalKeys(
          remoteEm2,
          Book,
          unloaded.map((b) => [b.author, b.title]),
        );
      });
      expect(remoteQueries).toBe(1);
      expect(local.queries.queries.length - before).toBe(1);
      expect([...found2.values()].map((b) => `${b.author.email}/${b.title}`).sort()).toEqual(
        localBooks.map((b) => `${b.author.email}/${b.title}`).sort(),
      );
    } finally {
      await local.close();
    }
  });

  test('a self-referencing key nests to any depth, with null at the top', async () => {
    await seedCategories(t.orm.em);
    const em = t.orm.em.fork();
    const leaves = await em.find(Category, { name: 'leaf' }, { orderBy: { id: 'asc' } });
    expect(() => leaves[0]!.naturalKey()).toThrow(
      "Cannot compute the natural key of Category: relation 'parent' (Category) is not loaded; " +
        'populate it first, or use naturalKeyValues(em, ...) which loads it',
    );
    let keys: unknown[][] = [];
    expect(await t.queries.count(async () => (keys = await naturalKeyValues(em, Category, leaves)))).toBe(1);
    const deep = [[[null, 'root'], 'child'], 'leaf'];
    const shallow = [[null, 'root'], 'leaf'];
    expect(keys).toEqual([deep, shallow]);
    expect(leaves[0]!.naturalKey()).toEqual(deep);

    const fresh = t.orm.em.fork();
    const wanted = [deep, shallow, [null, 'root'], [[null, 'nope'], 'leaf']];
    let found = new Map<string, Category>();
    expect(
      await t.queries.count(async () => (found = await findByNaturalKeys(fresh, Category, wanted))),
    ).toBe(1);
    expect(found.size).toBe(3);
    expect(found.get(naturalKeyString(deep))?.parent?.name).toBe('child');
    expect(found.get(naturalKeyString(shallow))?.parent?.name).toBe('root');
    expect(found.get(naturalKeyString([null, 'root']))?.parent).toBeNull();
  });

  test('the instance naturalKey() of a NaturalKeyEntity', async () => {
    await seedLibrary(t.orm.em);
    const em = t.orm.em.fork();
    const ann = await em.findOneOrFail(Author, { email: 'ann@example.com' });
    expect(ann.naturalKey()).toEqual(['ann@example.com']);
    ann.email = 'ann@new.example.com';
    expect(ann.naturalKey()).toEqual(['ann@new.example.com']);
    class Loose extends Author {}
    expect(() => Object.create(Loose.prototype, { __helper: { value: undefined } }).naturalKey()).toThrow(
      NaturalKeyError,
    );
  });
});
