// The demo's model: a small bookshop. Natural keys come from the unique constraints, so the same author, book
// or tag is recognised on both databases although their primary keys differ.
import { defineEntity, p } from '@mikro-orm/core';

/** An author, known everywhere by e-mail. */
export const Author = defineEntity({
  name: 'Author',
  properties: {
    id: p.integer().primary(),
    email: p.string().unique(),
    name: p.string(),
    books: () => p.oneToMany(Book).mappedBy('author'),
  },
});

/** A tag, known by its name. */
export const Tag = defineEntity({
  name: 'Tag',
  properties: {
    id: p.integer().primary(),
    name: p.string().unique(),
    books: () => p.manyToMany(Book).mappedBy('tags'),
  },
});

/** A book, known by its author and title. */
export const Book = defineEntity({
  name: 'Book',
  uniques: [{ properties: ['author', 'title'] }],
  properties: {
    id: p.integer().primary(),
    title: p.string(),
    author: () => p.manyToOne(Author),
    price: p.decimal('number').precision(10).scale(2),
    publishedOn: p.date(),
    tags: () => p.manyToMany(Tag).inversedBy('books'),
  },
});

export const ENTITIES = [Author, Book, Tag];
