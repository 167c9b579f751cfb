import { defineEntity, OptionalProps, p } from '@mikro-orm/core';

/** A class entity (defineEntity with `class`) with an integer version and a required relation. */
export class Novel {
  declare [OptionalProps]?: 'version';
  declare id: number;
  declare title: string;
  declare writer: Writer;
  declare version: number;
}

export class Writer {
  declare id: number;
  declare name: string;
}

export const WriterSchema = defineEntity({
  class: Writer,
  properties: { id: p.integer().primary(), name: p.string() },
});

export const NovelSchema = defineEntity({
  class: Novel,
  properties: {
    id: p.integer().primary(),
    title: p.string(),
    writer: () => p.manyToOne(Writer),
    version: p.integer().version(),
  },
});

/** A defineEntity-only entity with a Date version. */
export const Memo = defineEntity({
  name: 'Memo',
  properties: { id: p.integer().primary(), text: p.string(), updatedAt: p.datetime().version() },
});

/** No version property at all. */
export const Unversioned = defineEntity({
  name: 'Unversioned',
  properties: { id: p.integer().primary(), text: p.string() },
});

/** An ordinary integer named `version`: never checked on save. */
export const PlainVersion = defineEntity({
  name: 'PlainVersion',
  properties: { id: p.integer().primary(), text: p.string(), version: p.integer().default(1) },
});

/** A version property that starts at 0. */
export const ZeroVersion = defineEntity({
  name: 'ZeroVersion',
  properties: { id: p.integer().primary(), text: p.string(), version: p.integer().version().default(0) },
});

/** A lazy version property: not loaded, so flush() cannot compare it. */
export const LazyVersion = defineEntity({
  name: 'LazyVersion',
  properties: { id: p.integer().primary(), text: p.string(), version: p.integer().version().lazy() },
});

export const LOCKING_MODEL = [
  WriterSchema,
  NovelSchema,
  Memo,
  Unversioned,
  PlainVersion,
  ZeroVersion,
  LazyVersion,
];
