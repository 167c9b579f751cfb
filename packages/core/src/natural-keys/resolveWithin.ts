import type { EntityMetadata } from '@mikro-orm/core';
import { NaturalKeyError } from '../errors/NaturalKeyError.js';
import { declaredNaturalKey } from './declaredNaturalKey.js';
import type { NaturalKeyDefinition, NaturalKeyResolveOptions } from './NaturalKeyDefinition.js';
import { naturalKeyCandidates } from './naturalKeyCandidates.js';
import { validateNaturalKey } from './validateNaturalKey.js';

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
