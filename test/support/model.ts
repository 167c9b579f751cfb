import { defineEntity, p } from '@mikro-orm/core';

/** Shared test model: natural keys, FKs, m2m (owning, inverse, custom pivot, self), JS value types. */
export const Author = defineEntity({
  name: 'Author',
  properties: {
    id: p.integer().primary(),
    email: p.string().unique(),
    name: p.string(),
    books: () => p.oneToMany(Book).mappedBy('author'),
  },
});

export const Book = defineEntity({
  name: 'Book',
  uniques: [{ properties: ['author', 'title'] }],
  properties: {
    id: p.integer().primary(),
    title: p.string(),
    author: () => p.manyToOne(Author),
    price: p.decimal('number').precision(10).scale(2).nullable(),
    publishedAt: p.datetime(3).nullable(),
    meta: p.json<Record<string, unknown>>().nullable(),
    tags: () => p.manyToMany(Tag).inversedBy('books'),
  },
});

export const Tag = defineEntity({
  name: 'Tag',
  properties: {
    id: p.integer().primary(),
    name: p.string().unique(),
    books: () => p.manyToMany(Book).mappedBy('tags'),
  },
});

export const Student = defineEntity({
  name: 'Student',
  properties: {
    id: p.integer().primary(),
    name: p.string().unique(),
    courses: () => p.manyToMany(Course).pivotEntity(() => Enrollment),
  },
});

export const Course = defineEntity({
  name: 'Course',
  properties: {
    id: p.integer().primary(),
    code: p.string().unique(),
  },
});

/** Custom pivot entity with an extra column. */
export const Enrollment = defineEntity({
  name: 'Enrollment',
  properties: {
    student: () => p.manyToOne(Student).primary(),
    course: () => p.manyToOne(Course).primary(),
    grade: p.string().nullable(),
  },
});

/** Self-referencing many-to-many. */
export const Person = defineEntity({
  name: 'Person',
  properties: {
    id: p.integer().primary(),
    name: p.string().unique(),
    friends: () => p.manyToMany(Person),
  },
});

/** Application-assigned (uuid) primary key. */
export const Note = defineEntity({
  name: 'Note',
  properties: {
    id: p.uuid().primary(),
    text: p.string(),
  },
});

/** No unique property at all: identity through the reference table only. */
export const Memo = defineEntity({
  name: 'Memo',
  properties: {
    id: p.integer().primary(),
    text: p.string(),
    pinned: p.boolean().default(false),
    /** Skipped in some tests: REMOTE keeps its own value. */
    views: p.integer().default(0),
  },
});

/** Self-referencing many-to-one: parents must exist before children. */
export const Category = defineEntity({
  name: 'Category',
  properties: {
    id: p.integer().primary(),
    name: p.string().unique(),
    parent: () => p.manyToOne(Category).nullable(),
  },
});

export const Address = defineEntity({
  name: 'Address',
  embeddable: true,
  properties: {
    street: p.string(),
    city: p.string(),
  },
});

/** A const object, not a TS enum: the model is also loaded by Node's type stripping (CLI config tests). */
export const Kind = { Paper: 'paper', Ebook: 'ebook' } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** One column of each JS value type carried across drivers (fresh builders for each entity using them). */
export function valueColumns() {
  return {
    id: p.integer().primary(),
    code: p.string().unique(),
    flag: p.boolean(),
    at: p.datetime(3),
    day: p.date().nullable(),
    data: p.json<Record<string, unknown>>(),
    amount: p.decimal('number').precision(12).scale(3),
    kind: p.enum([Kind.Paper, Kind.Ebook]),
    big: p.bigint('number'),
    ratio: p.double(),
  };
}

/** The value columns and an embeddable. */
export const Sample = defineEntity({
  name: 'Sample',
  properties: { ...valueColumns(), address: () => p.embedded(Address) },
});

/** Optimistic locking: REMOTE keeps and increments its own version. */
export const Doc = defineEntity({
  name: 'Doc',
  properties: {
    id: p.integer().primary(),
    code: p.string().unique(),
    body: p.string(),
    version: p.integer().version(),
  },
});

/** An FK cycle between two entities: a department's head works in it. */
export const Department = defineEntity({
  name: 'Department',
  properties: {
    id: p.integer().primary(),
    name: p.string().unique(),
    head: () => p.manyToOne(Employee).nullable(),
  },
});

export const Employee = defineEntity({
  name: 'Employee',
  properties: {
    id: p.integer().primary(),
    email: p.string().unique(),
    department: () => p.manyToOne(Department).nullable(),
  },
});

export const MODEL = [
  Author,
  Book,
  Tag,
  Student,
  Course,
  Enrollment,
  Person,
  Note,
  Memo,
  Category,
  Address,
  Sample,
  Doc,
  Department,
  Employee,
];
