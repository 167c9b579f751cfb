import type { EntityManager, EntityName } from '@mikro-orm/core';
import { KeyScope } from './KeyScope.js';
import { lookupNaturalKeys } from './lookupNaturalKeys.js';
import { metadataOf } from './metadataOf.js';
import type { NaturalKeyLookupOptions } from './NaturalKeyDefinition.js';

/**
 * Finds the entities for many natural keys at once, keyed by {@link naturalKeyString} of each key (relation
 * components as natural-key arrays). Entities already managed by `em` are found in its identity map by their
 * current values (no query); the rest take one query per chunk (chunks stay under the platform's limits).
 * A relation component may be the related natural-key array (e.g. from another database) or an entity or
 * reference. Keys without a row are absent from the map; a key matching several rows throws NaturalKeyError
 * unless the key allows many (then the first row in primary-key order wins).
 *
 * @example
 * const books = await findByNaturalKeys(em, Book, [[['ann@example.com'], 'Dune']]);
 * books.get(naturalKeyString([['ann@example.com'], 'Dune']));
 */
export async function findByNaturalKeys<T extends object>(
  em: EntityManager,
  entityName: EntityName<T> | string,
  keys: readonly (readonly unknown[])[],
  options?: NaturalKeyLookupOptions,
): Promise<Map<string, T>> {
  const meta = metadataOf(em, entityName);
  const { found } = await lookupNaturalKeys(new KeyScope(em, options), meta, keys, options);
  return found;
}
