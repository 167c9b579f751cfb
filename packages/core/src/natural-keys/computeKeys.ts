import type { EntityMetadata } from '@mikro-orm/core';
import type { KeyScope } from './KeyScope.js';
import { MissingReferences } from './MissingReferences.js';

/**
 * @internal The keys of `entities` (instances of `meta`), loading unloaded references level by level: one
 * query per related entity type and level, never one per row.
 */
export async function computeKeys(
  scope: KeyScope,
  meta: EntityMetadata,
  entities: readonly object[],
): Promise<unknown[][]> {
  for (;;) {
    const missing = new MissingReferences();
    const keys = entities.map((entity) =>
      scope.keyOf(entity, meta, (ref, target, owner, prop) => missing.add(scope, ref, target, owner, prop)),
    );
    if (missing.size === 0) {
      return keys as unknown[][];
    }
    await missing.load();
  }
}
