import { ChangeSetType, type EntityManager, type EntityMetadata, type UnitOfWork } from '@mikro-orm/core';
import { NaturalKeyError } from '../errors/NaturalKeyError.js';
import { naturalKeyValues } from '../natural-keys/naturalKeyValues.js';
import { resolveNaturalKey } from '../natural-keys/resolveNaturalKey.js';
import type { FlushCapture } from './FlushCapture.js';
import type { SynchroRuntime } from './SynchroRuntime.js';

/**
 * @internal Natural keys of rows about to be deleted (null each when the entity has none), so REMOTE can
 * find them without a reference. A key that cannot be computed (e.g. its related row is already gone) is
 * null: the row is then found through the reference table only.
 */
export async function deletedRowKeys(
  em: EntityManager,
  meta: EntityMetadata,
  entities: readonly object[],
  runtime: SynchroRuntime,
): Promise<(unknown[] | null)[]> {
  if (entities.length === 0 || !resolveNaturalKey(meta, runtime.options)) return entities.map(() => null);
  try {
    return await naturalKeyValues(em, meta.class, entities, runtime.options);
  } catch (e) {
    if (e instanceof NaturalKeyError) return entities.map(() => null);
    throw e;
  }
}

/** @internal Records the natural key of every watched row deleted by this flush, while it still exists. */
export async function snapshotDeletedKeys(
  em: EntityManager,
  uow: UnitOfWork,
  runtime: SynchroRuntime,
  capture: FlushCapture,
): Promise<void> {
  const groups = new Map<EntityMetadata, object[]>();
  for (const cs of uow.getChangeSets()) {
    if (cs.type !== ChangeSetType.DELETE && cs.type !== ChangeSetType.DELETE_EARLY) continue;
    if (!runtime.isWatched(cs.meta, em.getMetadata())) continue;
    const list = groups.get(cs.meta) ?? [];
    list.push(cs.entity);
    groups.set(cs.meta, list);
  }
  for (const [meta, entities] of groups) {
    const keys = await deletedRowKeys(em, meta, entities, runtime);
    for (const [i, entity] of entities.entries()) capture.deleteKeys.set(entity, keys[i]);
  }
}
