import type { EntityMetadata } from '@mikro-orm/core';
import { NaturalKeyError } from '../errors/NaturalKeyError.js';
import type { NaturalKeyDefinition, NaturalKeyResolveOptions } from './NaturalKeyDefinition.js';
import { naturalKeyCandidates } from './naturalKeyCandidates.js';
import { resolveWithin } from './resolveWithin.js';

/**
 * What is the natural key of this entity? The one answer every part of mikro-synchro uses (capture, sync,
 * codegen). Resolution order: `options.naturalKeys` > a static `naturalKey` on the entity class
 * (`NaturalKeyEntity`) > a `naturalKeyRepository` set as the entity's `repository` > its single composite
 * unique or single non-primary unique property > `null` (none, or several uniques: ambiguous).
 * A declared key that cannot be used (unknown property, collection, relation to an entity without natural key)
 * throws NaturalKeyError; an inferred one that cannot be used gives `null`.
 *
 * @example
 * resolveNaturalKey(orm.getMetadata().get(Book));
 * // { entity: 'Book', properties: ['author', 'title'], allowMany: false, source: 'unique' }
 */
export function resolveNaturalKey(
  metadata: EntityMetadata,
  options?: NaturalKeyResolveOptions,
): NaturalKeyDefinition | null {
  return resolveWithin(metadata, options, []);
}

/** Like {@link resolveNaturalKey}, but throws NaturalKeyError when the entity has no natural key. */
export function requireNaturalKey(
  metadata: EntityMetadata,
  options?: NaturalKeyResolveOptions,
): NaturalKeyDefinition {
  const definition = resolveNaturalKey(metadata, options);
  if (!definition) {
    throw NaturalKeyError.noKey(metadata.className, naturalKeyCandidates(metadata));
  }
  return definition;
}
