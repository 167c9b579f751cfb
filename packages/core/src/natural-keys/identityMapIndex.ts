import { type EntityMetadata, helper } from '@mikro-orm/core';
import type { KeyScope } from './KeyScope.js';
import { naturalKeyString } from './naturalKeyString.js';

/**
 * @internal Natural key string → the managed entities of `meta` whose *current* values give that key. Built
 * by scanning the identity map once per bulk call (MikroORM's identity map is keyed by primary key only), so
 * it is never stale. Entities whose key needs an unloaded reference are left out: the database answers for
 * them, and MikroORM returns the same managed instance.
 */
export function identityMapIndex(scope: KeyScope, meta: EntityMetadata): Map<string, object[]> {
  const index = new Map<string, object[]>();
  const em = scope.em;
  if (!em) {
    return index;
  }
  const seen = new Set<object>();
  // the store also holds alternate-key entries (storeByKey) pointing at the same entities
  for (const entity of em.getUnitOfWork().getIdentityMap().getStore(meta.root).values()) {
    if (seen.has(entity) || !(entity instanceof meta.class) || !helper(entity).__initialized) {
      continue;
    }
    seen.add(entity);
    const key = scope.keyOf(entity, meta, () => {});
    if (key) {
      const id = naturalKeyString(key);
      const list = index.get(id);
      if (list) {
        list.push(entity);
      } else {
        index.set(id, [entity]);
      }
    }
  }
  return index;
}
