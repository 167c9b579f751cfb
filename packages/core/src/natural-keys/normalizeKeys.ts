import { type EntityMetadata, type EntityProperty, helper, Reference, ReferenceKind } from '@mikro-orm/core';
import { NaturalKeyError } from '../errors/NaturalKeyError.js';
import { computeKeys } from './computeKeys.js';
import type { KeyScope } from './KeyScope.js';
import { fromKeyValue } from './keyScalars.js';

type EntityKeyOf = (entity: object, target: EntityMetadata) => unknown[];

/**
 * @internal Lookup keys as plain values: a relation component given as an entity or reference becomes that
 * entity's natural key (computed in bulk, loading unloaded references once per entity type), scalars take
 * their property's runtime type. Throws NaturalKeyError on a wrong arity or a value that cannot be a key.
 */
export async function normalizeKeys(
  scope: KeyScope,
  meta: EntityMetadata,
  keys: readonly (readonly unknown[])[],
): Promise<unknown[][]> {
  const entities = new Map<EntityMetadata, Set<object>>();
  const collect: EntityKeyOf = (entity, target) => {
    let set = entities.get(target);
    if (!set) {
      set = new Set();
      entities.set(target, set);
    }
    set.add(entity);
    return [];
  };
  for (const key of keys) {
    normalize(scope, meta, key, collect);
  }
  if (entities.size === 0) {
    return keys.map((key) => normalize(scope, meta, key, collect));
  }
  const computed = new Map<object, unknown[]>();
  for (const [target, set] of entities) {
    const list = [...set];
    const values = await computeKeys(scope, target, list);
    list.forEach((entity, i) => {
      computed.set(entity, values[i]!);
    });
  }
  return keys.map((key) => normalize(scope, meta, key, (entity) => computed.get(entity)!));
}

function normalize(
  scope: KeyScope,
  meta: EntityMetadata,
  key: readonly unknown[],
  keyOf: EntityKeyOf,
): unknown[] {
  const { properties } = scope.definition(meta);
  if (!Array.isArray(key) || key.length !== properties.length) {
    throw NaturalKeyError.arity(meta.className, properties, Array.isArray(key) ? key : [key]);
  }
  return properties.map((name, i) => {
    const prop = meta.properties[name as keyof object] as EntityProperty;
    const value = key[i];
    if (prop.kind === ReferenceKind.SCALAR) {
      return fromKeyValue(prop, value);
    }
    const target = prop.targetMeta!;
    if (value === null || value === undefined) {
      return null;
    }
    if (Array.isArray(value)) {
      return normalize(scope, target, value, keyOf);
    }
    const entity = typeof value === 'object' ? Reference.unwrapReference(value) : undefined;
    const entityMeta = entity ? helper(entity)?.__meta : undefined;
    if (!entity || entityMeta?.root.className !== target.root.className) {
      throw NaturalKeyError.invalidRelationValue(meta.className, name, target.className, value);
    }
    return keyOf(entity, target);
  });
}
