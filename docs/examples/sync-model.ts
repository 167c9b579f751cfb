/**
 * The bookshop of docs/sync.md: the application that runs on the production server and on the office copy.
 * test/docs/sync.test.ts runs every example of the document on it.
 */
import { defineEntity, p } from '@mikro-orm/core';

// #region model
/** Known everywhere by e-mail: a single unique property is inferred as the natural key. */
export const Author = defineEntity({
  name: 'Author',
  properties: {
    id: p.integer().primary(),
    email: p.string().unique(),
    name: p.string(),
    books: () => p.oneToMany(Book).mappedBy('author'),
  },
});

/** Known by its name. */
export const Tag = defineEntity({
  name: 'Tag',
  properties: {
    id: p.integer().primary(),
    name: p.string().unique(),
    books: () => p.manyToMany(Book).mappedBy('tags'),
  },
});

/** Known by author and title: a composite unique that contains a relation. */
export const Book = defineEntity({
  name: 'Book',
  uniques: [{ properties: ['author', 'title'] }],
  properties: {
    id: p.integer().primary(),
    author: () => p.manyToOne(Author),
    title: p.string(),
    price: p.decimal('number').precision(10).scale(2),
    releasedAt: p.datetime(3).nullable(),
    /** Copies on the shelf of each shop: every database keeps its own count (see `skip`). */
    stock: p.integer().default(0),
    tags: () => p.manyToMany(Tag).inversedBy('books'),
    /** Self-referencing many-to-many. */
    related: () => p.manyToMany(Book),
  },
});

/** A library member; loans go through the Loan pivot entity, which has a column of its own. */
export const Member = defineEntity({
  name: 'Member',
  properties: {
    id: p.integer().primary(),
    card: p.string().unique(),
    borrowed: () => p.manyToMany(Book).pivotEntity(() => Loan),
  },
});

export const Loan = defineEntity({
  name: 'Loan',
  properties: {
    member: () => p.manyToOne(Member).primary(),
    book: () => p.manyToOne(Book).primary(),
    dueOn: p.date().nullable(),
  },
});

/** Application-assigned primary key: the same uuid on every database. */
export const Review = defineEntity({
  name: 'Review',
  properties: {
    id: p.uuid().primary(),
    book: () => p.manyToOne(Book),
    text: p.string(),
  },
});

/** Database-generated id and no natural key: REMOTE knows a note only through the sync's reference table. */
export const Note = defineEntity({
  name: 'Note',
  properties: {
    id: p.integer().primary(),
    text: p.string(),
  },
});
// #endregion model

/** Every entity of the bookshop. */
export const BOOKSHOP = [Author, Tag, Book, Member, Loan, Review, Note];
