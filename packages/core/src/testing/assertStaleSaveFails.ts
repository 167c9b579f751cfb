import type { EntityManager, EntityName, MikroORM, OptimisticLockError } from '@mikro-orm/core';
import { withoutSynchroLog } from '../capture/context.js';
import { emOf } from '../capture/runtimeOf.js';
import { staleSave } from './staleSave.js';
import { TrackedForks } from './TrackedForks.js';

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
