import type { EntityMetadata } from '@mikro-orm/core';

/**
 * The unique constraints of an entity that could serve as its natural key: every composite unique and every
 * non-primary unique property, skipping partial or expression uniques and those containing a primary key
 * property (primary keys differ between databases). Resolution infers a key only when there is exactly one.
 *
 * @example
 * naturalKeyCandidates(orm.getMetadata().get(Book)); // [['author', 'title'], ['isbn']]
 */
export function naturalKeyCandidates(metadata: EntityMetadata): string[][] {
  const primary = new Set<string>(metadata.primaryKeys);
  const seen = new Set<string>();
  const candidates: string[][] = [];
  const add = (properties: string[]) => {
    const id = properties.join('\0');
    if (properties.length > 0 && !properties.some((p) => primary.has(p)) && !seen.has(id)) {
      seen.add(id);
      candidates.push(properties);
    }
  };
  for (const unique of metadata.uniques ?? []) {
    if (unique.expression || unique.where != null || unique.disabled || unique.properties == null) {
      continue;
    }
    add((Array.isArray(unique.properties) ? unique.properties : [unique.properties]).map(String));
  }
  for (const prop of metadata.props ?? []) {
    if (prop.unique && !prop.primary) {
      add([prop.name]);
    }
  }
  return candidates;
}
