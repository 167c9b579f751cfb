import { defineEntity, EntityRepository, EntityRepositoryType, p } from '@mikro-orm/core';
import { SqlEntityRepository } from '@mikro-orm/sql';
import { type NaturalKeyRepository, naturalKeyRepository, resolveNaturalKey } from '@mikro-synchro/core';
import { afterEach, beforeEach, describe, expect, expectTypeOf, test } from 'vitest';
import { KINDS } from '../support/databases.js';
import { openOrm, type TestOrm } from '../support/orm.js';
import { Book, BookBaseRepository, BookRepository, entities } from './model.js';
import { seedLibrary } from './seed.js';

// A natural-key repository on the SQL driver's repository, which brings createQueryBuilder().
class Shelf {
  declare [EntityRepositoryType]?: ShelfRepository;
  declare id: number;
  declare code: string;
}
class ShelfRepository extends naturalKeyRepository<Shelf, typeof SqlEntityRepository<Shelf>>(['code'], {
  base: SqlEntityRepository<Shelf>,
}) {}
const ShelfSchema = defineEntity({
  class: Shelf,
  repository: () => ShelfRepository,
  properties: { id: p.integer().primary(), code: p.string() },
});

describe('repository types', () => {
  test('the returned class keeps the base methods and adds the natural-key ones', () => {
    expectTypeOf<BookRepository>().toHaveProperty('titles');
    expectTypeOf<BookRepository['titles']>().returns.toEqualTypeOf<Promise<string[]>>();
    expectTypeOf<BookRepository['findByNaturalKey']>().returns.toEqualTypeOf<Promise<Book | null>>();
    expectTypeOf<BookRepository['getByNaturalKey']>().returns.toEqualTypeOf<Promise<Book>>();
    expectTypeOf<BookRepository['findByNaturalKeys']>().returns.toEqualTypeOf<Promise<Book[]>>();
    expectTypeOf<BookRepository>().toExtend<NaturalKeyRepository<Book>>();
    expectTypeOf<BookRepository>().toExtend<BookBaseRepository>();
    expectTypeOf<ShelfRepository>().toHaveProperty('createQueryBuilder');
    expectTypeOf<typeof BookRepository.naturalKey>().toEqualTypeOf<readonly string[]>();
    // @ts-expect-error the base has no such method, so neither has the result
    expectTypeOf<BookRepository>().toHaveProperty('nope');
  });
});

describe.each(KINDS)('naturalKeyRepository with a base (%s)', (kind) => {
  let t: TestOrm;
  beforeEach(async () => {
    t = await openOrm(kind, { entities: [...entities, ShelfSchema] });
  });
  afterEach(async () => {
    await t.close();
  });

  test('every method of the custom base repository survives', async () => {
    await seedLibrary(t.orm.em);
    const repo = t.orm.em.fork().getRepository(Book);
    expect(repo).toBeInstanceOf(BookRepository);
    expect(repo).toBeInstanceOf(BookBaseRepository);
    expect(repo).toBeInstanceOf(EntityRepository);
    expect(await repo.titles()).toEqual(['Beloved', 'Dune', 'Dune', 'Emma', 'Ulysses']);
    const books = await repo.findByNaturalKeys([
      [['cyd@example.com'], 'Beloved'],
      [['nobody@example.com'], 'Nope'],
      [['ann@example.com'], 'Emma'],
    ]);
    expect(books.map((b) => b.title)).toEqual(['Beloved', 'Emma']);
  });

  test('the SQL EntityRepository as base keeps createQueryBuilder and declares the key', async () => {
    const em = t.orm.em.fork();
    em.create(Shelf, { code: 'A1' });
    em.create(Shelf, { code: 'B2' });
    await em.flush();
    const repo = t.orm.em.fork().getRepository(Shelf);
    expect(repo).toBeInstanceOf(SqlEntityRepository);
    const count = await repo
      .createQueryBuilder('s')
      .where({ code: { $like: '%2' } })
      .getCount();
    expect(count).toBe(1);
    expect((await repo.getByNaturalKey('B2')).code).toBe('B2');
    expect(resolveNaturalKey(t.orm.getMetadata().get(Shelf))).toEqual({
      entity: 'Shelf',
      properties: ['code'],
      allowMany: false,
      source: 'repository',
    });
  });
});
