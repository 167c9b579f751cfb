import { findByNaturalKeys, naturalKeyString, platformLimits } from '@mikro-synchro/core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { chunkKeys, keyWeight } from '../../packages/core/src/natural-keys/chunkKeys.js';
import { KINDS } from '../support/databases.js';
import { openOrm, type TestOrm } from '../support/orm.js';
import { Author, Book, entities } from './model.js';
import { seedLibrary } from './seed.js';

describe('statement chunking', () => {
  test('keys are packed up to the value budget and never split', () => {
    const keys = [[['a'], 't1'], [['b'], 't2'], ['x'], [['c'], 't3']];
    expect(keys.map(keyWeight)).toEqual([2, 2, 1, 2]);
    expect(chunkKeys(keys, keyWeight, 4)).toEqual([
      [keys[0], keys[1]],
      [keys[2], keys[3]],
    ]);
    expect(chunkKeys(keys, keyWeight, 1)).toHaveLength(4);
    expect(chunkKeys(keys, keyWeight, 100, 3)).toHaveLength(2);
  });
});

describe.each(KINDS)('bulk lookups (%s)', (kind) => {
  let t: TestOrm;
  beforeEach(async () => {
    t = await openOrm(kind, { entities });
  });
  afterEach(async () => {
    await t.close();
  });

  test('the platform limits bound each statement', () => {
    const expected = { sqlite: 32_766, pglite: 65_535, postgresql: 65_535, mariadb: 65_535 }[kind];
    expect(platformLimits(t.orm.em.getPlatform()).maxParams).toBe(expected);
  });

  test('a managed entity is found by its current values with no query', async () => {
    await seedLibrary(t.orm.em);
    const em = t.orm.em.fork();
    const books = await em.find(Book, {}, { populate: ['author'] });
    const ann = books.find((b) => b.author.email === 'ann@example.com')!.author;
    let authors = new Map<string, Author>();
    expect(
      await t.queries.count(
        async () => (authors = await findByNaturalKeys(em, Author, [['ann@example.com']])),
      ),
    ).toBe(0);
    expect(authors.get(naturalKeyString(['ann@example.com']))).toBe(ann);
    const keys = [
      [['ann@example.com'], 'Dune'],
      [['bob@example.com'], 'Dune'],
      [ann, 'Emma'],
    ];
    let found = new Map<string, Book>();
    expect(await t.queries.count(async () => (found = await findByNaturalKeys(em, Book, keys)))).toBe(0);
    expect(found.size).toBe(3);
    expect(found.get(naturalKeyString([['ann@example.com'], 'Emma']))?.author).toBe(ann);
    const repo = em.getRepository(Book);
    expect(await t.queries.count(() => repo.getByNaturalKey(['bob@example.com'], 'Ulysses'))).toBe(0);

    // never stale: an unflushed change moves the entity to its new key
    ann.email = 'ann@new.example.com';
    expect(
      await t.queries.count(
        async () => (authors = await findByNaturalKeys(em, Author, [['ann@new.example.com']])),
      ),
    ).toBe(0);
    expect(authors.size).toBe(1);
    expect(
      await t.queries.count(
        async () => (authors = await findByNaturalKeys(em, Author, [['ann@example.com']])),
      ),
    ).toBe(1);
    expect(authors.size).toBe(0);
  });

  test('missing keys take one statement; managed ones are not asked for', async () => {
    await seedLibrary(t.orm.em);
    const em = t.orm.em.fork();
    await em.find(Book, { title: 'Emma' }, { populate: ['author'] });
    const keys = [
      [['ann@example.com'], 'Emma'],
      [['ann@example.com'], 'Dune'],
      [['bob@example.com'], 'Dune'],
      [['bob@example.com'], 'Ulysses'],
      [['nobody@example.com'], 'Nope'],
    ];
    let found = new Map<string, Book>();
    const sql = await t.queries.capture(async () => (found = await findByNaturalKeys(em, Book, keys)));
    expect(sql).toHaveLength(1);
    expect(sql[0]!.match(/ or /g)?.length).toBe(3); // 4 keys asked: not the managed one
    expect(found.size).toBe(4);
  });

  test('relation keys query the foreign-key column: through managed related rows, or after a prefilter', async () => {
    const fork = t.orm.em.fork();
    const keys: unknown[][] = [];
    for (let a = 0; a < 5; a++) {
      const author = fork.create(Author, { email: `author${a}@example.com`, name: `Author ${a}` });
      for (let b = 0; b < 3; b++) {
        fork.create(Book, { author, title: `Book ${b}`, year: b });
        keys.push([[`author${a}@example.com`], `Book ${b}`]);
      }
    }
    await fork.flush();

    // related keys as arrays: one statement, the related rows narrowed by an `in` list on their key
    const em = t.orm.em.fork();
    t.queries.reset();
    const found = await findByNaturalKeys(em, Book, keys);
    expect(found.size).toBe(15);
    expect(t.queries.queries).toHaveLength(1);
    expect(t.queries.queries[0]!.sql).toMatch(/join .author. as .a1. on .*\.?email.? in \(/i);

    // related rows the EntityManager manages: no join, the books matched on the key's columns — one tuple `in`
    // over a list sent as one parameter per column (SQLite, PostgreSQL), or one term per author (MariaDB)
    const other = t.orm.em.fork();
    const authors = await other.find(Author, {}, { orderBy: { email: 'asc' } });
    const byRows = keys.map(([author, title]) => [
      authors.find((a) => a.email === (author as string[])[0]),
      title,
    ]);
    t.queries.reset();
    const again = await findByNaturalKeys(other, Book, byRows);
    expect(t.queries.queries).toHaveLength(1);
    expect(t.queries.queries[0]!.sql).not.toMatch(/join/i);
    expect(t.queries.queries[0]!.sql).toMatch(
      {
        sqlite:
          /\(b0\..author_id., b0\..title.\) in \(select json_extract\(value, '\$\[0\]'\), json_extract\(value, '\$\[1\]'\) from json_each\(\?\)\)/,
        pglite:
          /\(b0\..author_id., b0\..title.\) in \(select \* from unnest\(\?::int\[\], \?::varchar\[\]\)\)/,
        postgresql:
          /\(b0\..author_id., b0\..title.\) in \(select \* from unnest\(\?::int\[\], \?::varchar\[\]\)\)/,
        mariadb: /author_id.? = \? and .*title.? in \(\?, \?, \?\)/,
      }[kind],
    );
    expect(again.size).toBe(15);
    expect(again.get(naturalKeyString([['author3@example.com'], 'Book 2']))?.year).toBe(2);
  });

  test('tuple keys carry quotes, backslashes, commas and braces intact; a null component is matched apart', async () => {
    const titles = ['He said "no"', 'C:\\path\\to', 'a, b', '{braces}', "it's", 'NULL', ' padded '];
    const fork = t.orm.em.fork();
    const author = fork.create(Author, { email: 'odd@example.com', name: 'Odd' });
    for (const [year, title] of titles.entries()) fork.create(Book, { author, title, year });
    await fork.flush();

    const em = t.orm.em.fork();
    const [managed] = await em.find(Author, { email: 'odd@example.com' });
    const keys = [...titles.map((title) => [managed, title]), [managed, 'absent'], [null, 'He said "no"']];
    t.queries.reset();
    const found = await findByNaturalKeys(em, Book, keys);
    // the keys with a null component are asked apart (`is null`), after the others
    expect(t.queries.queries).toHaveLength(2);
    expect(t.queries.queries[1]!.sql).toMatch(/author_id.? is null and .*title.? = \?/);
    expect(found.size).toBe(titles.length);
    for (const [year, title] of titles.entries()) {
      expect(found.get(naturalKeyString([['odd@example.com'], title]))?.year).toBe(year);
    }
  });

  test('2,500 relation keys: one statement, nested or-groups stay under SQLite expression depth', async () => {
    const fork = t.orm.em.fork();
    const keys: unknown[][] = [];
    for (let a = 0; a < 50; a++) {
      const author = fork.create(Author, { email: `author${a}@example.com`, name: `Author ${a}` });
      for (let b = 0; b < 50; b++) {
        fork.create(Book, { author, title: `Book ${b}`, year: b });
        keys.push([[`author${a}@example.com`], `Book ${b}`]);
      }
    }
    await fork.flush();
    let found = new Map<string, Book>();
    expect(
      await t.queries.count(async () => (found = await findByNaturalKeys(t.orm.em.fork(), Book, keys))),
    ).toBe(1);
    expect(found.size).toBe(2500);
    expect(found.get(naturalKeyString([['author7@example.com'], 'Book 9']))?.year).toBe(9);

    // a smaller budget splits into chunks of whole keys, 1000 values per statement: 3 values per key (email and
    // title, and the email again in the prefilter on authors), so 333 keys per statement
    const chunked = await t.queries.count(async () => {
      found = await findByNaturalKeys(t.orm.em.fork(), Book, keys, { chunkSize: 1000 });
    });
    expect(chunked).toBe(8);
    expect(found.size).toBe(2500);
    expect(found.get(naturalKeyString([['author49@example.com'], 'Book 49']))?.author.email).toBe(
      'author49@example.com',
    );
  });
});
