/**
 * The examples quoted by docs/testing.md, region by region; test/testing/docs.test.ts runs them and checks that
 * the document quotes them verbatim.
 */
import { defineEntity, MikroORM, OptionalProps, type Options, p } from '@mikro-orm/core';
import { assertOptimisticLocking, QueryCounter } from '@mikro-synchro/core/testing';

// #region entities
export class Author {
  declare id: number;
  declare name: string;
}

export class Book {
  declare [OptionalProps]?: 'version'; // set by MikroORM on insert
  declare id: number;
  declare title: string;
  declare author: Author;
  declare version: number;
}

export const AuthorSchema = defineEntity({
  class: Author,
  properties: { id: p.integer().primary(), name: p.string() },
});

export const BookSchema = defineEntity({
  class: Book,
  properties: {
    id: p.integer().primary(),
    title: p.string(),
    author: () => p.manyToOne(Author),
    version: p.integer().version(), // what assertOptimisticLocking() looks for
  },
});

// No version property: saving a stale copy silently overwrites a newer one.
export const Draft = defineEntity({
  name: 'Draft',
  properties: { id: p.integer().primary(), text: p.string() },
});
// #endregion entities

/** Opens an ORM on `config` (driver and database) with a QueryCounter, runs the counts of the document. */
export async function countQueries(config: Pick<Options, 'driver' | 'dbName' | 'clientUrl'>) {
  // #region counter
  const counter = new QueryCounter();
  const orm = await MikroORM.init(counter.attach({ ...config, entities: [AuthorSchema, BookSchema, Draft] }));
  await orm.schema.create();

  const em = orm.em.fork();
  em.create(Book, { title: 'Dune', author: em.create(Author, { name: 'Frank' }) });
  await em.flush();
  const inserts = counter.matching(/^insert/i).length; // 2: one per table

  // Count, or capture, what one call sends: the author is joined, so this is a single select.
  const reads = await counter.count(() => orm.em.fork().find(Book, {}, { populate: ['author'] }));
  const sql = await counter.capture(() => orm.em.fork().findOne(Book, { title: 'Dune' }));
  // #endregion counter
  return { orm, inserts, reads, sql };
}

/** The optimistic-locking check of the document; `orm` has the entities above. */
export async function checkLocking(orm: MikroORM) {
  // #region locking
  // In a vitest, jest or node:test test: it throws an AssertionError naming what is wrong and the fix.
  const report = await assertOptimisticLocking(orm, Book, {
    create: (em) => em.create(Book, { title: 'Dune', author: em.create(Author, { name: 'Frank' }) }),
    mutate: (book) => {
      book.title += ' (2nd edition)';
    },
  });
  // report.initialVersion === 1, report.savedVersion === 2, report.error is the stale save's OptimisticLockError

  const failure = await assertOptimisticLocking(orm, Draft, {
    create: (em) => em.create(Draft, { text: 'draft' }),
    mutate: (draft) => {
      draft.text += '!';
    },
  }).catch((error: Error) => error); // Draft has no version property, ...
  // #endregion locking
  return { report, failure };
}
