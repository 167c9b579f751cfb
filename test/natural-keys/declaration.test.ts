import { type EntityMetadata, EntityRepository } from '@mikro-orm/core';
import {
  NaturalKeyError,
  naturalKeyCandidates,
  naturalKeyRepository,
  requireNaturalKey,
  resolveNaturalKey,
  SynchroConfigError,
} from '@mikro-synchro/core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { KINDS } from '../support/databases.js';
import { openOrm, type TestOrm } from '../support/orm.js';
import { BookRepository, entities } from './model.js';

const DECLARE =
  'SynchroOptions.naturalKeys, a static naturalKey on a NaturalKeyEntity class, or naturalKeyRepository()';

describe('naturalKeyRepository() definition', () => {
  test('exposes its key statically, for resolution and codegen', () => {
    expect(BookRepository.naturalKey).toEqual(['author', 'title']);
    expect(BookRepository.allowMany).toBe(false);
    const Many = naturalKeyRepository(['code'], { allowMany: true });
    expect(Many.allowMany).toBe(true);
    expect(new Many({} as never, 'X' as never)).toBeInstanceOf(EntityRepository);
  });

  test('rejects an empty key at definition time', () => {
    expect(() => naturalKeyRepository([])).toThrow(NaturalKeyError);
    expect(() => naturalKeyRepository([])).toThrow(
      "naturalKeyRepository() needs at least one key property, e.g. naturalKeyRepository<Book>(['author', 'title'])",
    );
  });

  test('rejects a base that is not an EntityRepository subclass', () => {
    class NotARepository {}
    expect(() => naturalKeyRepository(['code'], { base: NotARepository as never })).toThrow(
      'naturalKeyRepository() base must be EntityRepository or a subclass of it (from @mikro-orm/core or ' +
        '@mikro-orm/sql), got NotARepository; extend EntityRepository in your custom repository',
    );
  });
});

describe.each(KINDS)('natural key resolution (%s)', (kind) => {
  let t: TestOrm;
  beforeEach(async () => {
    t = await openOrm(kind, { entities });
  });
  afterEach(async () => {
    await t.close();
  });
  const meta = (name: string): EntityMetadata => t.orm.getMetadata().getByClassName(name);

  test('a static naturalKey on a NaturalKeyEntity class', () => {
    expect(resolveNaturalKey(meta('Author'))).toEqual({
      entity: 'Author',
      properties: ['email'],
      allowMany: false,
      source: 'entity',
    });
    expect(resolveNaturalKey(meta('Person'))).toMatchObject({ allowMany: true, source: 'entity' });
  });

  test('a naturalKeyRepository set as the entity repository', () => {
    expect(resolveNaturalKey(meta('Book'))).toEqual({
      entity: 'Book',
      properties: ['author', 'title'],
      allowMany: false,
      source: 'repository',
    });
  });

  test('inferred from the single unique property or the single composite unique', () => {
    expect(resolveNaturalKey(meta('Country'))).toEqual({
      entity: 'Country',
      properties: ['code'],
      allowMany: false,
      source: 'unique',
    });
    expect(resolveNaturalKey(meta('Edition'))).toMatchObject({
      properties: ['book', 'number'],
      source: 'unique',
    });
  });

  test('SynchroOptions.naturalKeys overrides every other declaration', () => {
    const naturalKeys = {
      Author: ['name'],
      Book: { properties: ['title'], allowMany: true },
      Person: { properties: ['firstName', 'lastName', 'city'] },
      Country: ['name'],
    };
    expect(resolveNaturalKey(meta('Author'), { naturalKeys })).toEqual({
      entity: 'Author',
      properties: ['name'],
      allowMany: false,
      source: 'options',
    });
    expect(resolveNaturalKey(meta('Book'), { naturalKeys })).toMatchObject({
      properties: ['title'],
      allowMany: true,
    });
    expect(resolveNaturalKey(meta('Person'), { naturalKeys })).toMatchObject({
      allowMany: false,
      source: 'options',
    });
    expect(resolveNaturalKey(meta('Country'), { naturalKeys })).toMatchObject({ properties: ['name'] });
    // entities not named keep their own declaration
    expect(resolveNaturalKey(meta('Edition'), { naturalKeys })?.source).toBe('unique');
  });

  test('several unique constraints: no key, and the candidates are listed', () => {
    expect(resolveNaturalKey(meta('Tag'))).toBeNull();
    expect(naturalKeyCandidates(meta('Tag'))).toEqual([['slug'], ['label']]);
    expect(() => requireNaturalKey(meta('Tag'))).toThrow(
      `Tag has no natural key: it has several unique constraints ((slug), (label)), so none is inferred; declare one with ${DECLARE}`,
    );
  });

  test('no declaration and no unique: none', () => {
    expect(resolveNaturalKey(meta('Note'))).toBeNull();
    expect(naturalKeyCandidates(meta('Note'))).toEqual([]);
    expect(() => requireNaturalKey(meta('Note'))).toThrow(
      `Note has no natural key: none is declared and it has no single unique constraint to infer it from; declare one with ${DECLARE}`,
    );
  });

  test('an inferred unique through a relation to an entity without key gives no key', () => {
    expect(naturalKeyCandidates(meta('Attachment'))).toEqual([['note', 'name']]);
    expect(resolveNaturalKey(meta('Attachment'))).toBeNull();
  });

  test('a declared key through a relation to an entity without key names both entities and the fix', () => {
    const error = catchError(() =>
      resolveNaturalKey(meta('Attachment'), { naturalKeys: { Attachment: ['note', 'name'] } }),
    );
    expect(error).toBeInstanceOf(NaturalKeyError);
    expect(error.message).toBe(
      "Natural key for Attachment (note, name) uses relation 'note' to Note, but Note has no natural key; " +
        `declare one for Note (${DECLARE}) or remove 'note' from the key of Attachment`,
    );
    expect((error as NaturalKeyError).entity).toBe('Attachment');
    expect((error as NaturalKeyError).properties).toEqual(['note', 'name']);
    // declaring the target's key makes it expressible
    const naturalKeys = { Attachment: ['note', 'name'], Note: ['text'] };
    expect(resolveNaturalKey(meta('Attachment'), { naturalKeys })?.properties).toEqual(['note', 'name']);
  });

  test('declarations that cannot identify a row are rejected with the fix', () => {
    const resolve = (naturalKeys: Record<string, never>) => () =>
      resolveNaturalKey(meta('Author'), { naturalKeys });
    expect(resolve({ Author: ['mail'] as never })).toThrow(
      "Natural key for Author (mail) from SynchroOptions.naturalKeys.Author names unknown property 'mail'; use one of: id, email, name",
    );
    expect(resolve({ Author: ['books'] as never })).toThrow(
      "Natural key for Author (books) cannot use 'books': it is a collection; use scalar properties and many-to-one (or owning one-to-one) relations only",
    );
    expect(resolve({ Author: ['email', 'email'] as never })).toThrow(
      "Natural key for Author (email, email) names 'email' twice; list each property once",
    );
    expect(resolve({ Author: [] as never })).toThrow(
      "Natural key for Author (from SynchroOptions.naturalKeys.Author) names no property; list at least one, e.g. ['code']",
    );
    expect(resolve({ Author: 'email' as never })).toThrow(SynchroConfigError);
    expect(resolve({ Author: 'email' as never })).toThrow(
      'Invalid SynchroOptions.naturalKeys.Author: "email"; expected an array of property names or { properties: string[]; allowMany?: boolean }.',
    );
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}
