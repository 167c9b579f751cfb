import { type Collection, defineEntity, EntityRepository, EntityRepositoryType, p } from '@mikro-orm/core';
import { NaturalKeyEntity, naturalKeyRepository } from '@mikro-synchro/core';

// Declared on the entity class: Author (email).
export class Author extends NaturalKeyEntity {
  static override naturalKey = ['email'] as const;
  declare id: number;
  declare email: string;
  declare name: string;
  declare books: Collection<Book>;
}

/** A custom repository whose own methods must survive naturalKeyRepository({ base }). */
export class BookBaseRepository extends EntityRepository<Book> {
  /** Titles of every book, sorted. */
  async titles(): Promise<string[]> {
    const books = await this.findAll({ orderBy: { title: 'asc' } });
    return books.map((b) => b.title);
  }
}

// Declared by the repository: Book (author, title), a relation key.
export class BookRepository extends naturalKeyRepository<Book, typeof BookBaseRepository>(
  ['author', 'title'],
  {
    base: BookBaseRepository,
  },
) {}

export class Book {
  declare [EntityRepositoryType]?: BookRepository;
  declare id: number;
  declare title: string;
  declare author: Author;
  declare year: number | null;
}

// Declared on the class with allowMany: Person (firstName, lastName, city) is not unique.
export class Person extends NaturalKeyEntity {
  static override naturalKey = ['firstName', 'lastName', 'city'] as const;
  static override allowMany = true;
  declare id: number;
  declare firstName: string;
  declare lastName: string;
  declare city: string;
  declare age: number;
}

// A self-referencing key: Category (parent, name), parent nullable.
export class Category extends NaturalKeyEntity {
  static override naturalKey = ['parent', 'name'] as const;
  declare id: number;
  declare name: string;
  declare parent: Category | null;
}

export const AuthorSchema = defineEntity({
  class: Author,
  properties: {
    id: p.integer().primary(),
    email: p.string(),
    name: p.string(),
    books: () => p.oneToMany(Book).mappedBy('author'),
  },
});

export const BookSchema = defineEntity({
  class: Book,
  repository: () => BookRepository,
  properties: {
    id: p.integer().primary(),
    title: p.string(),
    author: () => p.manyToOne(Author),
    year: p.integer().nullable(),
  },
});

export const PersonSchema = defineEntity({
  class: Person,
  properties: {
    id: p.integer().primary(),
    firstName: p.string(),
    lastName: p.string(),
    city: p.string(),
    age: p.integer(),
  },
});

export const CategorySchema = defineEntity({
  class: Category,
  properties: {
    id: p.integer().primary(),
    name: p.string(),
    parent: () => p.manyToOne(Category).nullable(),
  },
});

// Inferred from the single unique property.
export const Country = defineEntity({
  name: 'Country',
  properties: { id: p.integer().primary(), code: p.string().unique(), name: p.string() },
});

// Inferred from the single composite unique, through a relation: Edition (book, number).
export const Edition = defineEntity({
  name: 'Edition',
  properties: { id: p.integer().primary(), book: () => p.manyToOne(BookSchema), number: p.integer() },
  uniques: [{ properties: ['book', 'number'] }],
});

// Two unique constraints: ambiguous, no key inferred.
export const Tag = defineEntity({
  name: 'Tag',
  properties: { id: p.integer().primary(), slug: p.string().unique(), label: p.string().unique() },
});

// No key at all.
export const Note = defineEntity({
  name: 'Note',
  properties: { id: p.integer().primary(), text: p.string(), tags: () => p.manyToMany(Tag) },
});

// A unique over a relation to an entity without key: not usable, so no key inferred.
export const Attachment = defineEntity({
  name: 'Attachment',
  properties: { id: p.integer().primary(), note: () => p.manyToOne(Note), name: p.string() },
  uniques: [{ properties: ['note', 'name'] }],
});

/** Every entity of this suite. */
export const entities = [
  AuthorSchema,
  BookSchema,
  PersonSchema,
  CategorySchema,
  Country,
  Edition,
  Tag,
  Note,
  Attachment,
];
