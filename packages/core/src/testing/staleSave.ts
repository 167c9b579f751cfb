import { setTimeout } from 'node:timers/promises';
import {
  type Dictionary,
  type EntityManager,
  type EntityMetadata,
  type EntityProperty,
  OptimisticLockError,
  Utils,
} from '@mikro-orm/core';
import type { StaleSaveOptions, StaleSaveReport } from './assertStaleSaveFails.js';
import { OptimisticLockingAssertionError } from './OptimisticLockingAssertionError.js';
import type { TrackedForks } from './TrackedForks.js';
import { versionPropertyOf } from './versionPropertyOf.js';

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
  const platform = em.getPlatform();
  const wholeSeconds = platform.getCurrentTimestampSQL(3) === platform.getCurrentTimestampSQL(0);
  const digits = wholeSeconds ? 0 : Math.min(prop.length ?? 3, 3);
  const tick = 10 ** (3 - digits);
  const wait = Math.floor(loaded.getTime() / tick) * tick + tick - Date.now();
  if (wait > 0) await setTimeout(wait);
}
