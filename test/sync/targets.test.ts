import { EntityFactory, type EntityManager, helper, type MikroORM } from '@mikro-orm/core';
import { synchronize } from '@mikro-synchro/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RemoteKeyMemo, relationTargets } from '../../packages/core/src/sync/resolve/RemoteKeyMemo.js';
import { Author, Book, MODEL, Tag } from '../support/model.js';
import { openOrm, type TestPair } from '../support/orm.js';
import { jsonColumn, openSyncPair, PATH_PAIRS, syncedBook } from '../support/sync.js';

/** Statements that read a table (not the inserts and updates writing it). */
const reads = (sqls: string[], table: string) =>
  sqls.filter((sql) => /^\s*select/i.test(sql) && new RegExp(`from [\`"]${table}[\`"]`, 'i').test(sql));

/**
 * Counts, per entity, the rows `orm` builds as loaded entities (not references) from now on, whichever of its
 * EntityManagers builds them; `restore()` ends the count.
 */
function builtRows(orm: MikroORM) {
  const built = new Map<string, number>();
  const create = EntityFactory.prototype.create;
  const spy = vi.spyOn(EntityFactory.prototype, 'create').mockImplementation(function (
    this: EntityFactory,
    ...args: Parameters<EntityFactory['create']>
  ) {
    const entity = create.apply(this, args) as object;
    const wrapped = helper(entity);
    if (wrapped.__initialized && wrapped.__em?.getMetadata() === orm.getMetadata()) {
      built.set(wrapped.__meta.className, (built.get(wrapped.__meta.className) ?? 0) + 1);
    }
    return entity as never;
  });
  return { built, restore: () => spy.mockRestore() };
}

describe.each(PATH_PAIRS)('FK targets across batches $name, $path path', ({ path, ...kinds }) => {
  let p: TestPair;
  beforeEach(async () => {
    p = await openSyncPair(kinds, { writePath: path });
  });
  afterEach(() => p.close());

  /** Sets the synced book's price to 2 on LOCAL and syncs. */
  const repriced = async (em: EntityManager, book: { price?: number | null }) => {
    book.price = 2;
    await em.flush();
    return synchronize(p.local.orm, p.remote.orm);
  };

  it('resolves an FK target once per run: later batches neither look it up nor load it on either side', async () => {
    const em = p.local.orm.em.fork();
    const authors = Array.from({ length: 5 }, (_, i) =>
      em.create(Author, { email: `a${i}@x`, name: `A${i}` }),
    );
    await em.flush();
    for (let i = 0; i < 40; i++) em.create(Book, { title: `B${i}`, author: authors[i % 5]!, price: i });
    await em.flush();
    p.local.queries.reset();
    p.remote.queries.reset();
    let batches = 0;
    const report = await synchronize(p.local.orm, p.remote.orm, {
      batchSize: 10,
      onProgress: () => batches++,
    });
    expect(report).toMatchObject({ status: 'synced', created: 45 });
    expect(batches).toBe(5);
    // batch 1 creates the authors (LOCAL rows loaded once, one natural-key lookup on REMOTE); the four
    // batches of books after it point at them without reading either author table again
    expect(
      reads(
        p.local.queries.queries.map((q) => q.sql),
        'author',
      ),
    ).toHaveLength(1);
    expect(
      reads(
        p.remote.queries.queries.map((q) => q.sql),
        'author',
      ),
    ).toHaveLength(1);
    const rows = await p.remote.orm.em
      .fork()
      .find(Book, {}, { populate: ['author'], orderBy: { title: 'asc' } });
    expect(rows).toHaveLength(40);
    for (const book of rows) {
      expect(book.author.email).toBe(`a${Number(book.title.slice(1)) % 5}@x`);
    }
    expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'no-changes' });
  });

  it('matches rows REMOTE already holds by natural key on the foreign-key column, loading no related row', async () => {
    const em = p.local.orm.em.fork();
    const author = em.create(Author, { email: 'a@x', name: 'A' });
    em.create(Author, { email: 'other@x', name: 'O' });
    await em.flush();
    const books = Array.from({ length: 6 }, (_, i) => em.create(Book, { title: `B${i}`, author, price: i }));
    await em.flush();
    await synchronize(p.local.orm, p.remote.orm);
    // REMOTE as after an import: same rows, no references
    await p.remote.orm.em.getConnection().execute('delete from synchro_reference');
    for (const book of books) book.price = 100 + book.price!;
    await em.flush();
    p.local.queries.reset();
    p.remote.queries.reset();
    const report = await synchronize(p.local.orm, p.remote.orm, { batchSize: 3 });
    expect(report).toMatchObject({ status: 'synced', created: 0, updated: 6 });
    const lookups = reads(
      p.remote.queries.queries.map((q) => q.sql),
      'book',
    );
    expect(lookups).toHaveLength(2); // one per batch
    for (const sql of lookups) {
      expect(sql).toMatch(/author_id/);
      // on the foreign-key column: the author table is not joined
      expect(sql).not.toMatch(/join\s+[`"]?author\b/i);
      expect(sql).not.toMatch(/from\s+[`"]?author\b/i);
    }
    // the author is found once by its own key (batch 1) and remembered for batch 2; LOCAL loads it for that once.
    // Only pointed at, it is read as its key columns, not loaded.
    const authorReads = reads(
      p.remote.queries.queries.map((q) => q.sql),
      'author',
    );
    expect(authorReads).toHaveLength(1);
    expect(authorReads[0]).toMatch(/^select [`"]a0[`"]\.[`"]id[`"], [`"]a0[`"]\.[`"]email[`"] from/i);
    expect(
      reads(
        p.local.queries.queries.map((q) => q.sql),
        'author',
      ),
    ).toHaveLength(1);
    const rows = await p.remote.orm.em.fork().find(Book, {}, { orderBy: { title: 'asc' } });
    expect(rows.map((b) => b.price)).toEqual([100, 101, 102, 103, 104, 105]);
  });

  it.runIf(kinds.remote === 'mariadb')(
    'finds an FK target by a natural key the database matches by collation (MariaDB ignores case)',
    async () => {
      const { em, book, conn } = await syncedBook(p);
      // REMOTE as after an import, and its copy of the author's key differs in case
      await conn.execute('delete from synchro_reference');
      await conn.execute(`update author set email = 'A@X'`);
      expect(await repriced(em, book)).toMatchObject({ status: 'synced', created: 0, updated: 1 });
      const books = await p.remote.orm.em.fork().find(Book, {}, { populate: ['author'] });
      expect(books.map((b) => [b.price, b.author.email])).toEqual([[2, 'A@X']]);
      expect(await p.remote.orm.em.fork().count(Author)).toBe(1);
    },
  );

  it('builds no LOCAL entity for a target only pointed at that REMOTE has: its key is read as plain values', async () => {
    const { em, book, conn } = await syncedBook(p);
    // REMOTE as after an import: the author is found by its natural key, which LOCAL reads for it
    await conn.execute('delete from synchro_reference');
    const { built, restore } = builtRows(p.local.orm);
    try {
      expect(await repriced(em, book)).toMatchObject({ status: 'synced', created: 0, updated: 1 });
    } finally {
      restore();
    }
    expect([built.get('Book'), built.get('Author')]).toEqual([1, undefined]);
    const [remoteBook] = await p.remote.orm.em.fork().find(Book, {}, { populate: ['author'] });
    expect([remoteBook!.price, remoteBook!.author.email]).toEqual([2, 'a@x']);
    expect(await p.remote.orm.em.fork().count(Author)).toBe(1);
  });

  it('creates a pointed-at target REMOTE has under no key, with every LOCAL value', async () => {
    const { em, book, conn } = await syncedBook(p);
    // REMOTE as after an import, and its author now has another key: the LOCAL author is new there, and so is
    // the book (its natural key is author + title)
    await conn.execute('delete from synchro_reference');
    await conn.execute(`update author set email = 'other@x'`);
    p.local.queries.reset();
    expect(await repriced(em, book)).toMatchObject({ status: 'synced', created: 2, updated: 0 });
    // the LOCAL author is read once: its key and the values it is created with come from the same row
    expect(
      reads(
        p.local.queries.queries.map((q) => q.sql),
        'author',
      ),
    ).toHaveLength(1);
    const authors = await p.remote.orm.em.fork().find(Author, {}, { orderBy: { email: 'asc' } });
    expect(authors.map((a) => [a.email, a.name])).toEqual([
      ['a@x', 'A'],
      ['other@x', 'A'],
    ]);
    const books = await p.remote.orm.em
      .fork()
      .find(Book, {}, { populate: ['author'], orderBy: { price: 'asc' } });
    expect(books.map((b) => [b.author.email, b.price])).toEqual([
      ['other@x', 1],
      ['a@x', 2],
    ]);
  });

  it('reads only the key of an FK target found through its reference in a later run', async () => {
    const { em, book } = await syncedBook(p);
    p.remote.queries.reset();
    expect(await repriced(em, book)).toMatchObject({ status: 'synced', updated: 1 });
    const authorReads = reads(
      p.remote.queries.queries.map((q) => q.sql),
      'author',
    );
    // the author's existence is checked, its row is not loaded (the changed book is)
    expect(authorReads).toHaveLength(1);
    expect(authorReads[0]).toMatch(/^select [`"]a0[`"]\.[`"]id[`"] from/i);
    const [remoteBook] = await p.remote.orm.em.fork().find(Book, {}, { populate: ['author'] });
    expect([remoteBook!.price, remoteBook!.author.email]).toEqual([2, 'a@x']);
  });

  it('finds an FK target again by natural key when its reference points at a row REMOTE no longer has', async () => {
    const { em, book, conn } = await syncedBook(p);
    await conn.execute(`update synchro_reference set remote_pk = '99999' where entity = 'Author'`);
    expect(await repriced(em, book)).toMatchObject({ status: 'synced', created: 0, updated: 1 });
    const [remoteAuthor] = await p.remote.orm.em.fork().find(Author, {});
    const [ref] = (await conn.execute(`select remote_pk from synchro_reference where entity = 'Author'`)) as {
      remote_pk: unknown;
    }[];
    expect(jsonColumn(ref!.remote_pk)).toBe(remoteAuthor!.id);
    expect(await p.remote.orm.em.fork().count(Author)).toBe(1);
  });
});

describe.each(PATH_PAIRS)('many-to-many items $name, $path path', ({ path, ...kinds }) => {
  let p: TestPair;
  beforeEach(async () => {
    p = await openSyncPair(kinds, { writePath: path });
  });
  afterEach(() => p.close());

  it('reads LOCAL items from the pivot table as keys: remembered items are never loaded', async () => {
    const em = p.local.orm.em.fork();
    const author = em.create(Author, { email: 'a@x', name: 'A' });
    const tags = Array.from({ length: 3 }, (_, i) => em.create(Tag, { name: `t${i}` }));
    await em.flush();
    for (let i = 0; i < 12; i++) {
      const book = em.create(Book, { title: `B${i}`, author });
      book.tags.set(tags.filter((_, j) => j !== i % 3));
    }
    await em.flush();
    p.local.queries.reset();
    const report = await synchronize(p.local.orm, p.remote.orm, { batchSize: 5 });
    expect(report).toMatchObject({ status: 'synced', created: 16 });
    const local = p.local.queries.queries.map((q) => q.sql);
    const pivotReads = reads(local, 'book_tags');
    expect(pivotReads.length).toBeGreaterThan(0);
    for (const sql of pivotReads) expect(sql).not.toMatch(/join/i);
    // the tags are LOCAL rows of batch 1 (loaded as changed rows) and remembered after it
    expect(reads(local, 'tag')).toHaveLength(1);
    if (kinds.local === 'sqlite') {
      // keys travel as one JSON array, not one parameter each (better-sqlite3 keeps every statement it prepares)
      for (const sql of [...pivotReads, ...reads(local, 'book')])
        expect(sql).toMatch(/in \(select value from json_each\(/);
    }
    const books = await p.remote.orm.em
      .fork()
      .find(Book, {}, { populate: ['tags'], orderBy: { title: 'asc' } });
    for (const book of books) {
      const i = Number(book.title.slice(1));
      expect(
        book.tags
          .getItems()
          .map((t) => t.name)
          .sort(),
      ).toEqual(['t0', 't1', 't2'].filter((_, j) => j !== i % 3));
    }
  });
});

describe('RemoteKeyMemo', () => {
  it('keeps committed REMOTE keys of target entities, forgets deleted rows, and drops the oldest past its capacity', () => {
    const memo = new RemoteKeyMemo(new Set(['Author']), 2);
    memo.commit(
      [
        { entity: 'Author', localPk: '1', remotePk: 11 },
        { entity: 'Book', localPk: '1', remotePk: 21 },
      ],
      [],
    );
    expect(memo.get('Author', '1')).toBe(11);
    expect(memo.get('Book', '1')).toBeUndefined(); // nothing points at books
    memo.commit([{ entity: 'Author', localPk: '2', remotePk: 12 }], [{ entity: 'Author', localPk: '1' }]);
    expect(memo.get('Author', '1')).toBeUndefined();
    memo.commit(
      [
        { entity: 'Author', localPk: '3', remotePk: 13 },
        { entity: 'Author', localPk: '4', remotePk: 14 },
      ],
      [],
    );
    expect(memo.size).toBe(2);
    expect([memo.get('Author', '2'), memo.get('Author', '3'), memo.get('Author', '4')]).toEqual([
      undefined,
      13,
      14,
    ]);
  });

  it('keeps integer and other keys apart, and drops the least recently used per entity', () => {
    const memo = new RemoteKeyMemo(new Set(['Author', 'Tag']), 2);
    memo.commit(
      [
        { entity: 'Author', localPk: '1', remotePk: 11 },
        { entity: 'Author', localPk: '"1"', remotePk: 'string key' },
        { entity: 'Tag', localPk: '1', remotePk: 31 },
        { entity: 'Tag', localPk: '9007199254740993', remotePk: 32 }, // above 2^53: kept as the string
      ],
      [],
    );
    expect([memo.get('Author', '1'), memo.get('Author', '"1"'), memo.get('Tag', '1')]).toEqual([
      11,
      'string key',
      31,
    ]);
    expect(memo.get('Tag', '9007199254740992')).toBeUndefined();
    expect(memo.get('Tag', '9007199254740993')).toBe(32);
    // Author 1 was used again (committed by a later batch), so "1" is the least recently used
    memo.commit(
      [
        { entity: 'Author', localPk: '1', remotePk: 11 },
        { entity: 'Author', localPk: '2', remotePk: 12 },
      ],
      [],
    );
    expect([memo.get('Author', '1'), memo.get('Author', '"1"'), memo.get('Author', '2')]).toEqual([
      11,
      undefined,
      12,
    ]);
    expect(memo.size).toBe(4);
  });
});

describe('relationTargets', () => {
  it('counts what relations point at, but not what a generated pivot table points at', async () => {
    const orm = await openOrm('sqlite', { entities: MODEL });
    try {
      const targets = relationTargets(orm.orm.getMetadata().getAll().values());
      // Book.author and Book.tags (owning side) point at Author and Tag; Enrollment, a pivot entity of its
      // own, points at Student and Course
      expect([...targets]).toEqual(expect.arrayContaining(['Author', 'Tag', 'Student', 'Course']));
      // only the generated book_tags pivot points at Book
      expect(targets.has('Book')).toBe(false);
    } finally {
      await orm.close();
    }
  });
});
