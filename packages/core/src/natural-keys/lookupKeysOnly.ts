import { type EntityManager, type EntityMetadata, type EntityProperty, ReferenceKind } from '@mikro-orm/core';
import { sqlEm } from '../util/sqlEm.js';
import { chunkKeys } from './chunkKeys.js';
import { KeyScope } from './KeyScope.js';
import { rowsCondition } from './keyCondition.js';
import { toKeyValue } from './keyScalars.js';
import { keyMatcher, pick } from './lookupNaturalKeys.js';
import type { NaturalKeyLookupOptions } from './NaturalKeyDefinition.js';
import { platformLimits } from './platformLimits.js';

/**
 * @internal Whether {@link lookupKeysOnly} can find rows of `meta` by this natural key: every key component
 * and the primary key are one column of numbers or strings without a custom type, so the values the database
 * returns are the values the entity would hold.
 */
export function keysOnlyLookup(meta: EntityMetadata, properties: readonly string[]): boolean {
  const plain = (prop: EntityProperty | undefined) =>
    !!prop &&
    prop.kind === ReferenceKind.SCALAR &&
    !prop.customType &&
    prop.fieldNames?.length === 1 &&
    (prop.runtimeType === 'string' || prop.runtimeType === 'number');
  return (
    !meta.compositePK &&
    plain(meta.getPrimaryProps()[0]) &&
    properties.every((name) => plain(meta.properties[name as never]))
  );
}

/**
 * @internal The primary keys of the rows of `meta` with natural keys `keys` (by index; see
 * {@link keysOnlyLookup} for the keys it takes), read as plain values: one query per chunk selects the primary
 * key and the key columns, with the entity's filters as `em.find()` applies them, and builds no entity. For
 * rows a caller only points at. The identity map is not consulted (the database answers); without allowMany,
 * a key matching several rows throws, as in the other lookups.
 */
export async function lookupKeysOnly(
  em: EntityManager,
  meta: EntityMetadata,
  keys: readonly (readonly unknown[])[],
  options: NaturalKeyLookupOptions = {},
): Promise<Map<number, unknown>> {
  const scope = new KeyScope(em, options);
  const definition = scope.definition(meta);
  const pk = meta.getPrimaryProps()[0]!;
  const limits = platformLimits(em.getPlatform());
  const maxParams = Math.max(1, Math.min(limits.maxParams, options.chunkSize ?? Infinity));
  const found = new Map<number, unknown>();
  const indexed = keys.map((key, i) => ({ key: key.map(toKeyValue), i }));
  for (const chunk of chunkKeys(indexed, ({ key }) => key.length, maxParams)) {
    const condition = rowsCondition(
      scope,
      meta,
      chunk.map(({ key }) => key),
      limits,
    );
    const where = await em.applyFilters(meta.class, condition as never, options.filters ?? {}, 'read');
    const rows = (await sqlEm(em)
      .createQueryBuilder(meta.class)
      .select([pk.name, ...definition.properties] as never)
      .where(where as never)
      .orderBy({ [pk.name]: 'asc' } as never)
      .execute('all', true)) as Record<string, unknown>[];
    const rowKeys = rows.map((row) => definition.properties.map((name) => toKeyValue(row[name])));
    const matchesOf = keyMatcher(rows, rowKeys);
    for (const { key, i } of chunk) {
      const matches = matchesOf(key);
      if (matches)
        found.set(i, (pick(matches, definition, key, options) as Record<string, unknown>)[pk.name]);
    }
  }
  return found;
}
