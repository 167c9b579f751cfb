import {
  type EntityManager,
  type EntityName,
  NotNullConstraintViolationException,
  OptimisticLockError,
  type RequiredEntityData,
} from '@mikro-orm/core';
import { withSynchro } from '@mikro-synchro/core';
import {
  assertOptimisticLocking,
  assertStaleSaveFails,
  assertVersionProperty,
  OptimisticLockingAssertionError,
} from '@mikro-synchro/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KINDS } from '../support/databases.js';
import { logLines } from '../support/log.js';
import { openOrm, type TestOrm } from '../support/orm.js';
import {
  LazyVersion,
  LOCKING_MODEL,
  Memo,
  Novel,
  PlainVersion,
  Unversioned,
  Writer,
  ZeroVersion,
} from './model.js';

const novel = {
  create: (em: EntityManager) =>
    em.create(Novel, { title: 'Dune', writer: em.create(Writer, { name: 'Frank' }) }),
  mutate: (n: Novel) => {
    n.title += '!';
  },
};

/** Options for the one-column test entities: create with `text: 'a'`, mutate by appending `!`. */
function text<T extends { text: string }>(entity: EntityName<T>) {
  return {
    create: (em: EntityManager) => em.create(entity, { text: 'a' } as unknown as RequiredEntityData<T>),
    mutate: (e: T) => {
      e.text += '!';
    },
  };
}

/** Runs `check` and returns the OptimisticLockingAssertionError it rejects with. */
async function failure(check: Promise<unknown>): Promise<OptimisticLockingAssertionError> {
  const error = await check.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OptimisticLockingAssertionError);
  return error as OptimisticLockingAssertionError;
}

describe.each(KINDS)('assertOptimisticLocking on %s', (kind) => {
  // One database for the suite: every check deletes what it inserted, which the row counts below verify.
  let t: TestOrm;
  beforeAll(async () => {
    t = await openOrm(kind, withSynchro({ entities: LOCKING_MODEL }, { remote: 'server' }));
  });
  afterAll(() => t.close());

  const rows = async () => {
    const em = t.orm.em.fork();
    return [await em.count(Novel), await em.count(Writer), await em.count(Memo), await em.count(ZeroVersion)];
  };

  it('passes for an integer version on a class entity, and deletes every row it inserted', async () => {
    const logged = await logLines(t.orm);
    const report = await assertOptimisticLocking(t.orm, Novel, novel);
    expect(report).toMatchObject({ entity: 'Novel', property: 'version', type: 'number' });
    expect([report.initialVersion, report.savedVersion]).toEqual([1, 2]);
    expect(report.error).toBeInstanceOf(OptimisticLockError);
    expect(report.error.message).toBe('The optimistic lock on entity Novel failed');
    expect(await rows()).toEqual([0, 0, 0, 0]);
    expect(await logLines(t.orm)).toEqual(logged);
  });

  it('passes for a Date version on a defineEntity schema', async () => {
    const report = await assertOptimisticLocking(t.orm, Memo, {
      create: (em) => em.create(Memo, { text: 'a' }),
      mutate: (memo) => {
        memo.text += '!';
      },
    });
    expect(report.type).toBe('Date');
    expect(report.initialVersion).toBeInstanceOf(Date);
    expect(+report.savedVersion).toBeGreaterThan(+report.initialVersion);
    expect(report.error).toBeInstanceOf(OptimisticLockError);
    expect(await rows()).toEqual([0, 0, 0, 0]);
  });

  it('accepts an EntityManager and leaves rows that create() only loaded', async () => {
    const em = t.orm.em.fork();
    const frank = em.create(Writer, { name: 'Frank' });
    await em.flush();
    await assertOptimisticLocking(em, Novel, {
      create: async (fork) =>
        fork.create(Novel, { title: 'Dune', writer: await fork.findOneOrFail(Writer, frank.id) }),
      mutate: novel.mutate,
    });
    expect(await rows()).toEqual([0, 1, 0, 0]);
    await em.nativeDelete(Writer, {});
  });

  it('fails for an entity without a version property', async () => {
    const error = await failure(assertOptimisticLocking(t.orm, Unversioned, text(Unversioned)));
    expect(error.message).toBe(
      'Unversioned has no version property, so concurrent saves overwrite each other; add one, e.g. ' +
        '`version: p.integer().version()` (defineEntity) or `@Property({ version: true }) version!: number` (decorators)',
    );
    expect([error.entity, error.check, error.code]).toEqual([
      'Unversioned',
      'version-property',
      'ERR_ASSERTION',
    ]);
  });

  it('fails for an ordinary integer named version, naming the property', async () => {
    const error = await failure(assertOptimisticLocking(t.orm, PlainVersion, text(PlainVersion)));
    expect(error.message).toBe(
      'PlainVersion.version is an ordinary property, not a version property, so concurrent saves overwrite each other; ' +
        'declare it with `p.integer().version()` (defineEntity) or `@Property({ version: true })` (decorators)',
    );
    expect(() => assertVersionProperty(t.orm, PlainVersion)).toThrow(error.message);
  });

  it('fails when a new entity does not start at the initial version, and still deletes the row', async () => {
    const options = text(ZeroVersion);
    const error = await failure(assertOptimisticLocking(t.orm, ZeroVersion, options));
    expect(error.message).toBe(
      'A new ZeroVersion starts at version 0, expected 1; let MikroORM set ZeroVersion.version on insert ' +
        '(do not set it in create() nor give it a default), or pass initialVersion: 0 if that is intended',
    );
    expect([error.check, error.actual, error.expected]).toEqual(['initial-version', 0, 1]);
    expect(await rows()).toEqual([0, 0, 0, 0]);
    const report = await assertOptimisticLocking(t.orm, ZeroVersion, { ...options, initialVersion: 0 });
    expect([report.initialVersion, report.savedVersion]).toEqual([0, 1]);
  });

  it('fails when the version does not block a stale save (lazy version)', async () => {
    const options = text(LazyVersion);
    const error = await failure(assertOptimisticLocking(t.orm, LazyVersion, options));
    expect(error.message).toBe(
      'Saving a stale copy of LazyVersion did not throw OptimisticLockError, so it overwrote a newer save; ' +
        'LazyVersion.version is lazy, so em.findOne() does not load it and flush() cannot compare it; remove lazy()',
    );
    expect(error.check).toBe('stale-save');
    expect(await t.orm.em.fork().count(LazyVersion)).toBe(0);
  });

  it('fails the stale-save check alone for an ordinary integer named version', async () => {
    const error = await failure(assertStaleSaveFails(t.orm, PlainVersion, text(PlainVersion)));
    expect(error.message).toBe(
      'Saving a stale copy of PlainVersion did not throw OptimisticLockError, so it overwrote a newer save; ' +
        'PlainVersion has no version property: add one, e.g. `version: p.integer().version()` (defineEntity) or ' +
        '`@Property({ version: true }) version!: number` (decorators)',
    );
    expect(await t.orm.em.fork().count(PlainVersion)).toBe(0);
    const ok = await assertStaleSaveFails(t.orm, Novel, novel);
    expect([ok.loadedVersion, ok.savedVersion]).toEqual([1, 2]);
  });

  it('fails when mutate() changes nothing', async () => {
    const error = await failure(assertOptimisticLocking(t.orm, Novel, { ...novel, mutate: () => {} }));
    expect(error.message).toBe(
      "mutate() left Novel unchanged, so flush() sent no UPDATE; change a persisted property, e.g. mutate: (entity) => { entity.title += '!' }",
    );
    expect(await rows()).toEqual([0, 0, 0, 0]);
  });

  it('fails when the first save fails, with its error as the cause', async () => {
    const writer = {
      create: novel.create,
      mutate: (n: Novel) => {
        n.writer = null as never; // NOT NULL column
      },
    };
    const error = await failure(assertOptimisticLocking(t.orm, Novel, writer));
    expect(error.message).toMatch(
      /^Saving the first copy of Novel failed \(NotNullConstraintViolationException: [\s\S]+\); mutate\(\) must make a change that can be saved$/,
    );
    expect(error.cause).toBeInstanceOf(NotNullConstraintViolationException);
    expect(error.check).toBe('mutate');
    expect(await rows()).toEqual([0, 0, 0, 0]);
  });

  it('rejects a create() that returns an entity it did not insert', async () => {
    const em = t.orm.em.fork();
    const dune = novel.create(em);
    await em.flush();
    await expect(assertOptimisticLocking(t.orm, Novel, { ...novel, create: () => dune })).rejects.toThrow(
      'create() returned a Novel that flush() did not insert; return a new entity, e.g. em.create(Novel, { ... })',
    );
    expect(await rows()).toEqual([1, 1, 0, 0]);
    await em.nativeDelete(Novel, {});
    await em.nativeDelete(Writer, {});
  });

  it('rejects initialVersion for a Date version', async () => {
    const options = { ...text(Memo), initialVersion: 1 };
    await expect(assertOptimisticLocking(t.orm, Memo, options)).rejects.toThrow(
      'initialVersion applies to number versions, but Memo.updatedAt is a Date version; remove it',
    );
  });
});
