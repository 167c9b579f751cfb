import type { EntityManager, EntityMetadata, EntityName } from '@mikro-orm/core';
import { SynchroConfigError } from '../errors/SynchroConfigError.js';

/** @internal The metadata of an entity given as class, schema or class name. */
export function metadataOf<T extends object>(
  em: EntityManager,
  entityName: EntityName<T> | string,
): EntityMetadata<T> {
  const storage = em.getMetadata();
  const meta =
    typeof entityName === 'string'
      ? storage.getByClassName<T, false>(entityName, false)
      : storage.find<T>(entityName);
  if (!meta) {
    const known = [...storage.getAll().values()].filter((m) => !m.abstract).map((m) => m.className);
    const name = typeof entityName === 'string' ? entityName : String((entityName as { name?: string }).name);
    throw SynchroConfigError.unknownEntity(name, known);
  }
  return meta;
}
