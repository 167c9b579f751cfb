import { defineEntity, p } from '@mikro-orm/core';

/**
 * The benchmark model: Author (natural key email), Book (natural key author + title; FK author, a decimal,
 * a date, a JSON column), Tag (natural key name), Book <-> Tag many-to-many (generated pivot `book_tags`).
 * Primary keys are database-assigned integers on both sides, as in an application exported/imported.
 */
export const Author = defineEntity({
  name: 'Author',
  properties: {
    id: p.integer().primary(),
    email: p.string().length(191).unique(),
    name: p.string().length(191),
    books: () => p.oneToMany(Book).mappedBy('author'),
  },
});

export const Book = defineEntity({
  name: 'Book',
  uniques: [{ properties: ['author', 'title'] }],
  properties: {
    id: p.integer().primary(),
    title: p.string().length(191),
    author: () => p.manyToOne(Author),
    price: p.decimal('number').precision(10).scale(2),
    publishedOn: p.date(),
    meta: p.json(),
    tags: () => p.manyToMany(Tag).inversedBy('books'),
  },
});

export const Tag = defineEntity({
  name: 'Tag',
  properties: {
    id: p.integer().primary(),
    name: p.string().length(191).unique(),
    books: () => p.manyToMany(Book).mappedBy('tags'),
  },
});

export const MODEL = [Author, Book, Tag];
