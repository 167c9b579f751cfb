import type { EntityManager, EntityName } from '@mikro-orm/core';
import { computeKeys } from './computeKeys.js';
import { KeyScope } from './KeyScope.js';
import { metadataOf } from './metadataOf.js';
import type { NaturalKeyResolveOptions } from './NaturalKeyDefinition.js';

/**
 * The natural keys of many entities at once, from their current values, in the same order. A relation
 * component is the related entity's own key, recursively (Book → `[['ann@example.com'], 'Dune']`); unloaded
 * references are loaded with one query per related entity type, through the EntityManager they belong to.
 * Values are JSON-safe: bigints become decimal strings and bytes base64 strings; Dates stay Date objects
 * (JSON turns them into ISO strings, which {@link naturalKeyString} and the lookups treat as the same value).
 *
 * @example
 * const keys = await naturalKeyValues(em, Book, books); // [[['ann@example.com'], 'Dune'], ...]
 */
export async function naturalKeyValues<T extends object>(
  em: EntityManager,
  entityName: EntityName<T> | string,
  entities: readonly T[],
  options?: NaturalKeyResolveOptions,
): Promise<unknown[][]> {
  const meta = metadataOf(em, entityName);
  return computeKeys(new KeyScope(em, options), meta, entities);
}
