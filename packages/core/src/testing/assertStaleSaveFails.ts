import { setTimeout } from 'node:timers/promises';
import {
  type Dictionary,
  type EntityManager,
  type EntityMetadata,
  type EntityName,
  type EntityProperty,
  type MikroORM,
  OptimisticLockError,
  Utils,
} from '@mikro-orm/core';
import { withoutSynchroLog } from '../capture/context.js';
import { emOf } from '../capture/runtimeOf.js';
import { OptimisticLockingAssertionError } from './OptimisticLockingAssertionError.js';
import { TrackedForks } from './TrackedForks.js';
import { versionPropertyOf, versionTypeOf } from './versionPropertyOf.js';

/** How to make a test row and a change to it, for {@link assertStaleSaveFails} and `assertOptimisticLocking`. */
export interface StaleSaveOptions<T extends object> {
  /**
   * Returns a new, valid entity, e.g. `em.create(Book, { title: 'Dune' })`. It is flushed, and deleted at the end
   * together with every other row the check inserted (related entities created here too).
   */
  create: (em: EntityManager) => T | Promise<T>;
  /** Changes a loaded copy so that flush() sends an UPDATE, e.g. `(book) => { book.title += '!' }`; called on both copies. */
  mutate: (entity: T, em: EntityManager) => void | Promise<void>;
}

/** What {@link assertStaleSaveFails} saw. */
export interface StaleSaveReport {
  /** The entity checked, e.g. `Book`. */
  entity: string;
  /** The version both copies were loaded with (`undefined` without a version property). */
  loadedVersion: unknown;
  /** The version after the first copy was saved. */
  savedVersion: unknown;
  /** The error the stale copy's flush() threw. */
  error: OptimisticLockError;
}

/**
 * Asserts that of two copies of one row, loaded in two forks, saving the second after the first throws
 * `OptimisticLockError`; the row is created with `create()` and deleted afterwards.
 *
 * @example
 * const { error } = await assertStaleSaveFails(orm, Book, {
 *   create: (em) => em.create(Book, { title: 'Dune' }),
 *   mutate: (book) => { book.title += '!' },
 * });
 */
export async function assertStaleSaveFails<T extends object>(
  orm: MikroORM | EntityManager,
  entity: EntityName<T>,
  options: StaleSaveOptions<T>,
): Promise<StaleSaveReport> {
  // The test rows are not changes of the application: keep them out of the change log.
  return withoutSynchroLog(() =>
    TrackedForks.run(emOf(orm), async (forks) => {
      const meta = orm.getMetadata().get(entity);
      const row = await forks.insert(meta.className, options.create);
      return staleSave(forks, meta, row, options.mutate);
    }),
  );
}

/** @internal Loads `row` in two forks, saves the first copy, then the stale one, and returns what that threw. */
export async function staleSave<T extends object>(
  forks: TrackedForks,
  meta: EntityMetadata<T>,
  row: T,
  mutate: StaleSaveOptions<T>['mutate'],
): Promise<StaleSaveReport> {
  const entity = meta.className;
  const prop = versionPropertyOf(meta);
  const version = (copy: T): unknown => (prop ? (copy as Dictionary)[prop.name] : undefined);
  const where = Utils.getPrimaryKeyCond(row, meta.primaryKeys) as never;
  const first = forks.fork();
  const stale = forks.fork();
  const a = await first.em.findOneOrFail(meta.class, where);
  const b = await stale.em.findOneOrFail(meta.class, where);
  const loadedVersion = version(b);
  if (prop && loadedVersion instanceof Date) await waitForNextTick(first.em, prop, loadedVersion);

  await mutate(a, first.em);
  try {
    await first.em.flush();
  } catch (error) {
    throw OptimisticLockingAssertionError.saveFailed(entity, 'first', error);
  }
  if (!first.updated.has(a)) throw OptimisticLockingAssertionError.unchanged(entity);
  const savedVersion = version(a);

  await mutate(b, stale.em);
  const error = await stale.em.flush().then(
    () => null,
    (e: unknown) => e,
  );
  if (error === null) {
    throw OptimisticLockingAssertionError.staleSaveSucceeded(entity, prop, loadedVersion, savedVersion);
  }
  if (!(error instanceof OptimisticLockError)) {
    throw OptimisticLockingAssertionError.saveFailed(entity, 'stale', error);
  }
  return { entity, loadedVersion, savedVersion, error };
}

/**
 * Waits until a Date version written now differs from `loaded`. The column keeps `length` fractional digits
 * (default 3), but SQLite's timestamp SQL ignores the length and always gives whole seconds.
 */
async function waitForNextTick(em: EntityManager, prop: EntityProperty, loaded: Date): Promise<void> {
  if (versionTypeOf(prop) !== 'Date') return;
  const platform = em.getPlatform();
  const wholeSeconds = platform.getCurrentTimestampSQL(3) === platform.getCurrentTimestampSQL(0);
  const digits = wholeSeconds ? 0 : Math.min(prop.length ?? 3, 3);
  const tick = 10 ** (3 - digits);
  const wait = Math.floor(loaded.getTime() / tick) * tick + tick - Date.now();
  if (wait > 0) await setTimeout(wait);
}
