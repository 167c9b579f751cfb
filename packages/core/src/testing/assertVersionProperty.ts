import type { EntityManager, EntityName, EntityProperty, MikroORM } from '@mikro-orm/core';
import { OptimisticLockingAssertionError } from './OptimisticLockingAssertionError.js';
import { versionPropertyOf } from './versionPropertyOf.js';

/**
 * Asserts that an entity has a version property and returns it; no database access.
 *
 * @example
 * const prop = assertVersionProperty(orm, Book); // prop.name === 'version'
 */
export function assertVersionProperty<T extends object>(
  orm: MikroORM | EntityManager,
  entity: EntityName<T>,
): EntityProperty<T> {
  const meta = orm.getMetadata().get(entity);
  const prop = versionPropertyOf(meta);
  if (!prop) {
    // A property called `version` (or `rowVersion`, ...) is the usual mistake: name it, it is the one to fix.
    const ordinary = Object.keys(meta.properties).find((name) => /version$/i.test(name));
    throw OptimisticLockingAssertionError.noVersionProperty(meta.className, ordinary);
  }
  return prop;
}
