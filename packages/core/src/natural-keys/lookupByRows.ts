import {
  type EntityManager,
  type EntityMetadata,
  type EntityProperty,
  helper,
  Reference,
  ReferenceKind,
} from '@mikro-orm/core';
import { chunkKeys } from './chunkKeys.js';
import { KeyScope } from './KeyScope.js';
import { rowsCondition } from './keyCondition.js';
import { toKeyValue } from './keyScalars.js';
import { keyMatcher, pick } from './lookupNaturalKeys.js';
import type { NaturalKeyLookupOptions } from './NaturalKeyDefinition.js';
import { platformLimits } from './platformLimits.js';

/**
 * @internal Finds rows of `meta` by natural keys whose relation components are given as rows of `em` (loaded
 * or not: only their primary keys are used) and whose scalar components are key values. The query matches on
 * the foreign-key columns, and rows found are matched back on those keys, so no related row is loaded on
 * either side. The identity map is not consulted first: use it where managed rows hold no unflushed changes.
 * Returns the row found for each key (by index); without allowMany, a key matching several rows throws.
 */
export async function lookupByRows<T extends object>(
  em: EntityManager,
  meta: EntityMetadata<T>,
  keys: readonly (readonly unknown[])[],
  options: NaturalKeyLookupOptions = {},
): Promise<Map<number, T>> {
  const scope = new KeyScope(em, options);
  const definition = scope.definition(meta);
  const props = definition.properties.map((name) => meta.properties[name as never] as EntityProperty);
  const limits = platformLimits(em.getPlatform());
  const maxParams = Math.max(1, Math.min(limits.maxParams, options.chunkSize ?? Infinity));
  const orderBy = Object.fromEntries(meta.primaryKeys.map((pk) => [pk, 'asc']));
  const found = new Map<number, T>();
  const indexed = keys.map((key, i) => ({ key, i }));
  for (const chunk of chunkKeys(indexed, ({ key }) => key.length, maxParams)) {
    const where = rowsCondition(
      scope,
      meta,
      chunk.map(({ key }) => key),
      limits,
    );
    const rows = (await em.find(meta.class, where as never, {
      orderBy: orderBy as never,
      filters: options.filters,
    })) as T[];
    const rowKeys = rows.map((row) =>
      rowKey(
        props,
        props.map((p) => (row as Record<string, unknown>)[p.name]),
      ),
    );
    const matchesOf = keyMatcher(rows, rowKeys);
    for (const { key, i } of chunk) {
      const id = rowKey(props, key);
      const matches = matchesOf(id);
      if (matches) found.set(i, pick(matches, definition, id, options) as T);
    }
  }
  return found;
}

/** Scalars as key values, relations as `{ id }` with the related row's serialized primary key. */
function rowKey(props: readonly EntityProperty[], values: readonly unknown[]): unknown[] {
  return props.map((prop, i) => {
    const value = values[i];
    if (prop.kind === ReferenceKind.SCALAR) return toKeyValue(Reference.unwrapReference(value as object));
    if (value === null || value === undefined) return null;
    return { id: helper(Reference.unwrapReference(value as object)).getSerializedPrimaryKey() };
  });
}
