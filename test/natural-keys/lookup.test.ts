import { findByNaturalKeys, NaturalKeyError, naturalKeyString } from '@mikro-synchro/core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { KINDS } from '../support/databases.js';
import { openOrm, type TestOrm } from '../support/orm.js';
import { Author, Book, entities, Person } from './model.js';
import { seedLibrary } from './seed.js';

describe.each(KINDS)('natural key lookups (%s)', (kind) => {
  let t: TestOrm;
  beforeEach(async () => {
    t = await openOrm(kind, { entities });
  });
  afterEach(async () => {
    await t.close();
  });

  test('findByNaturalKey / getByNaturalKey take the relation as natural-key array or entity', async () => {
    await seedLibrary(t.orm.em);
    const em = t.orm.em.fork();
    const repo = em.getRepository(Book);
    const dune = await repo.getByNaturalKey(['bob@example.com'], 'Dune');
    expect(dune.author.email).toBe('bob@example.com');
    expect(dune.title).toBe('Dune');
    const bob = await em.findOneOrFail(Author, { email: 'bob@example.com' });
    expect(await repo.findByNaturalKey(bob, 'Dune')).toBe(dune);
    expect(await repo.findByNaturalKey(em.getReference(Author, bob.id), 'Ulysses')).toMatchObject({
      title: 'Ulysses',
    });
    expect(dune.author).toBe(bob);
  });

  test('not found: findByNaturalKey gives null, getByNaturalKey throws naming entity, key and fix', async () => {
    await seedLibrary(t.orm.em);
    const repo = t.orm.em.fork().getRepository(Book);
    expect(await repo.findByNaturalKey(['ann@example.com'], 'Ulysses')).toBeNull();
    const error = await repo.getByNaturalKey(['nobody@example.com'], 'Nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NaturalKeyError);
    expect((error as Error).message).toBe(
      'No Book found for natural key (author, title) = (("nobody@example.com"), "Nope"); ' +
        'check the key values, or use findByNaturalKey() to get null instead',
    );
    expect((error as NaturalKeyError).key).toEqual([['nobody@example.com'], 'Nope']);
  });

  test('a wrong number of values or a bad relation value is a clear error', async () => {
    const repo = t.orm.em.fork().getRepository(Book);
    await expect(repo.findByNaturalKey('Dune')).rejects.toThrow(
      'Natural key for Book (author, title) takes 2 value(s), got 1: ("Dune"); pass one value per key property, in that order',
    );
    await expect(repo.findByNaturalKey(42, 'Dune')).rejects.toThrow(
      "Natural key for Book: relation 'author' (to Author) got 42; pass an entity or reference of Author, null, " +
        'or the natural key array of Author',
    );
  });

  test('several rows for one key throw NaturalKeyError with entity, key and count', async () => {
    const fork = t.orm.em.fork();
    for (const age of [30, 40, 50])
      fork.create(Person, { firstName: 'Ann', lastName: 'Lee', city: 'Paris', age });
    fork.create(Person, { firstName: 'Bob', lastName: 'Lee', city: 'Paris', age: 20 });
    await fork.flush();
    // the options override the class's allowMany
    const options = { naturalKeys: { Person: ['firstName', 'lastName', 'city'] }, side: 'REMOTE' };
    const error = await findByNaturalKeys(t.orm.em.fork(), Person, [['Ann', 'Lee', 'Paris']], options).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(NaturalKeyError);
    expect(error.message).toBe(
      'Natural key for Person (firstName, lastName, city) = ("Ann", "Lee", "Paris") matched 3 rows on REMOTE; ' +
        'declare allowMany or choose a unique key',
    );
    expect(error).toMatchObject({ entity: 'Person', key: ['Ann', 'Lee', 'Paris'], count: 3 });
    // the same when the rows are managed already: found in the identity map, no query
    const em = t.orm.em.fork();
    await em.find(Person, {});
    const managed = await t.queries.count(async () => {
      await expect(findByNaturalKeys(em, Person, [['Ann', 'Lee', 'Paris']], options)).rejects.toMatchObject({
        count: 3,
      });
    });
    expect(managed).toBe(0);
    // a unique key among them is still found
    const bob = await findByNaturalKeys(t.orm.em.fork(), Person, [['Bob', 'Lee', 'Paris']], options);
    expect(bob.get(naturalKeyString(['Bob', 'Lee', 'Paris']))?.age).toBe(20);
  });

  test('a key the database matches by collation is attributed to the key asked for (MariaDB ignores case)', async () => {
    await seedLibrary(t.orm.em);
    const found = await findByNaturalKeys(t.orm.em.fork(), Author, [['ANN@example.com']]);
    expect(found.size).toBe(kind === 'mariadb' ? 1 : 0);
    if (kind === 'mariadb') {
      expect(found.get(naturalKeyString(['ANN@example.com']))?.email).toBe('ann@example.com');
    }
  });

  test('allowMany returns the first row in primary-key order, whatever is loaded', async () => {
    const fork = t.orm.em.fork();
    const people = [50, 30, 40].map((age) =>
      fork.create(Person, { firstName: 'Ann', lastName: 'Lee', city: 'Paris', age }),
    );
    await fork.flush();
    const firstId = Math.min(...people.map((p) => p.id));
    const key = naturalKeyString(['Ann', 'Lee', 'Paris']);
    for (let i = 0; i < 3; i++) {
      const em = t.orm.em.fork();
      // load a later row first: the identity map must not change the answer
      await em.findOneOrFail(Person, { id: firstId + 2 });
      const found = await findByNaturalKeys(em, Person, [['Ann', 'Lee', 'Paris']]);
      expect(found.get(key)?.id).toBe(firstId);
      expect(found.get(key)?.age).toBe(50);
    }
  });
});
