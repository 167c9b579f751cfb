import type { EntityMetadata } from '@mikro-orm/core';
import { NaturalKeyError } from '../errors/NaturalKeyError.js';
import { declaredNaturalKey } from './declaredNaturalKey.js';
import type { NaturalKeyDefinition, NaturalKeyResolveOptions } from './NaturalKeyDefinition.js';
import { naturalKeyCandidates } from './naturalKeyCandidates.js';
import { validateNaturalKey } from './validateNaturalKey.js';

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

/** @internal `stack` holds the entities whose keys are being resolved, so relation cycles end. */
export function resolveWithin(
  meta: EntityMetadata,
  options: NaturalKeyResolveOptions | undefined,
  stack: readonly EntityMetadata[],
): NaturalKeyDefinition | null {
  const declared = declaredNaturalKey(meta, options);
  if (declared) {
    validateNaturalKey(meta, declared.properties, declared.origin, options, stack);
    const { properties, allowMany, source } = declared;
    return { entity: meta.className, properties: [...properties], allowMany, source };
  }
  const candidates = naturalKeyCandidates(meta);
  if (candidates.length !== 1) {
    return null;
  }
  try {
    validateNaturalKey(meta, candidates[0]!, 'a unique constraint', options, stack);
  } catch (e) {
    if (e instanceof NaturalKeyError) {
      return null; // not declared by the user: an unusable unique just means "no natural key"
    }
    throw e;
  }
  return { entity: meta.className, properties: candidates[0]!, allowMany: false, source: 'unique' };
}
