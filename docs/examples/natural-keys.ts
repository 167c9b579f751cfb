/**
 * The examples quoted by docs/natural-keys.md, region by region; test/natural-keys/docs.test.ts runs them and
 * checks that the document quotes them verbatim.
 */
import { defineEntity, type EntityManager, EntityRepositoryType, p } from '@mikro-orm/core';
import {
  findByNaturalKeys,
  NaturalKeyEntity,
  naturalKeyRepository,
  naturalKeyString,
  naturalKeyValues,
  resolveNaturalKey,
  type SynchroOptions,
} from '@mikro-synchro/core';

// #region entity
/** 1. On the entity class: extend NaturalKeyEntity and list the key properties. */
export class Author extends NaturalKeyEntity {
  static override naturalKey = ['email'] as const;
  declare id: number;
  declare email: string;
  declare name: string;
}

export const AuthorSchema = defineEntity({
  class: Author,
  properties: { id: p.integer().primary(), email: p.string(), name: p.string() },
});
// #endregion entity

// #region repository
/** 2. With a repository: naturalKeyRepository() declares the key and adds the lookups. */
export class Book {
  declare [EntityRepositoryType]?: BookRepository;
  declare id: number;
  declare author: Author;
  declare title: string;
}

// `author` is a relation: its key value is the author's own natural key, e.g. [['ann@example.com'], 'Dune']
export class BookRepository extends naturalKeyRepository<Book>(['author', 'title']) {}

export const BookSchema = defineEntity({
  class: Book,
  repository: () => BookRepository,
  properties: { id: p.integer().primary(), author: () => p.manyToOne(Author), title: p.string() },
});
// #endregion repository

// #region options
/** 3. In the options: no change to the entity (this also overrides the two other ways). */
export class Person {
  declare id: number;
  declare firstName: string;
  declare lastName: string;
  declare city: string;
}

export const PersonSchema = defineEntity({
  class: Person,
  properties: { id: p.integer().primary(), firstName: p.string(), lastName: p.string(), city: p.string() },
});

export const synchroOptions: SynchroOptions = {
  naturalKeys: {
    // first name, last name and city do not make a person unique: allowMany picks the lowest primary key
    Person: { properties: ['firstName', 'lastName', 'city'], allowMany: true },
  },
};
// #endregion options

/** Runs the lookups of the document on `em` (an empty database with the three entities) and returns what they give. */
export async function example(em: EntityManager) {
  // #region usage
  const ann = em.create(Author, { email: 'ann@example.com', name: 'Ann' });
  em.create(Book, { author: ann, title: 'Dune' });
  em.create(Person, { firstName: 'Ann', lastName: 'Lee', city: 'Paris' });
  em.create(Person, { firstName: 'Ann', lastName: 'Lee', city: 'Paris' });
  await em.flush();
  em.clear();

  // The repository lookups take one value per key property; a relation takes its natural key or an entity.
  const books = em.getRepository(Book);
  const dune = await books.getByNaturalKey(['ann@example.com'], 'Dune');
  const same = await books.findByNaturalKey(dune.author, 'Dune'); // managed already: no query
  const missing = await books.findByNaturalKey(['ann@example.com'], 'Emma'); // null

  // The instance key, and the keys of many entities at once (JSON-safe, e.g. for a change-log snapshot).
  const authorKey = dune.author.naturalKey(); // ['ann@example.com']
  const keys = await naturalKeyValues(em, Book, [dune]); // [[['ann@example.com'], 'Dune']]

  // One query for many keys; the Map is keyed by naturalKeyString(key).
  const found = await findByNaturalKeys(em, Book, keys);
  const person = await findByNaturalKeys(em, Person, [['Ann', 'Lee', 'Paris']], synchroOptions);

  // What the rest of mikro-synchro sees.
  const definition = resolveNaturalKey(em.getMetadata().get(Person), synchroOptions);
  // #endregion usage
  return {
    dune,
    same,
    missing,
    authorKey,
    keys,
    found: found.get(naturalKeyString([['ann@example.com'], 'Dune'])),
    person: person.get(naturalKeyString(['Ann', 'Lee', 'Paris'])),
    definition,
  };
}
