import type { Dictionary, EntityManager, EntityName, MikroORM, OptimisticLockError } from '@mikro-orm/core';
import { withoutSynchroLog } from '../capture/context.js';
import { emOf } from '../capture/runtimeOf.js';
import type { StaleSaveOptions } from './assertStaleSaveFails.js';
import { assertVersionProperty } from './assertVersionProperty.js';
import { OptimisticLockingAssertionError } from './OptimisticLockingAssertionError.js';
import { staleSave } from './staleSave.js';
import { TrackedForks } from './TrackedForks.js';
import { type VersionType, versionTypeOf } from './versionPropertyOf.js';

/** Options of {@link assertOptimisticLocking}. */
export interface OptimisticLockingOptions<T extends object> extends StaleSaveOptions<T> {
  /**
   * The version a new entity starts at, for a number version (a Date version starts at the insert time).
   * @default 1
   */
  initialVersion?: number;
}

/** What {@link assertOptimisticLocking} checked, when every check passed. */
export interface OptimisticLockingReport {
  /** The entity checked, e.g. `Book`. */
  entity: string;
  /** Its version property, e.g. `version`. */
  property: string;
  /** Whether the version is a number or a Date. */
  type: VersionType;
  /** The version of the new entity after its insert. */
  initialVersion: number | Date;
  /** The version after the first of two concurrent saves. */
  savedVersion: number | Date;
  /** What the second, stale save threw. */
  error: OptimisticLockError;
}

/**
 * Asserts that an entity is protected by optimistic locking, like django-concurrency's `ConcurrencyTestMixin`:
 * it has a version property, a new entity starts at its initial version, and of two forks saving the same row
 * the second fails with `OptimisticLockError`. Throws an {@link OptimisticLockingAssertionError} naming the entity,
 * the failed check and the fix. The rows it inserts are deleted and never reach the synchro change log.
 *
 * @example
 * await assertOptimisticLocking(orm, Book, {
 *   create: (em) => em.create(Book, { title: 'Dune' }),
 *   mutate: (book) => { book.title += '!' },
 * });
 */
export async function assertOptimisticLocking<T extends object>(
  orm: MikroORM | EntityManager,
  entity: EntityName<T>,
  options: OptimisticLockingOptions<T>,
): Promise<OptimisticLockingReport> {
  const meta = orm.getMetadata().get(entity);
  const prop = assertVersionProperty(orm, entity);
  const type = versionTypeOf(prop);
  if (type === 'Date' && options.initialVersion !== undefined) {
    throw new TypeError(
      `initialVersion applies to number versions, but ${meta.className}.${prop.name} is a Date version; remove it`,
    );
  }
  return withoutSynchroLog(() =>
    TrackedForks.run(emOf(orm), async (forks) => {
      const row = await forks.insert(meta.className, options.create);
      const initialVersion = (row as Dictionary)[prop.name];
      if (type === 'Date' && !(initialVersion instanceof Date && !Number.isNaN(+initialVersion))) {
        throw OptimisticLockingAssertionError.noInitialDate(meta.className, prop.name, initialVersion);
      }
      const expected = options.initialVersion ?? 1;
      if (type === 'number' && initialVersion !== expected) {
        throw OptimisticLockingAssertionError.wrongInitialVersion(
          meta.className,
          prop.name,
          initialVersion,
          expected,
        );
      }
      const stale = await staleSave(forks, meta, row, options.mutate);
      return {
        entity: meta.className,
        property: prop.name,
        type,
        initialVersion,
        savedVersion: stale.savedVersion as number | Date,
        error: stale.error,
      };
    }),
  );
}
