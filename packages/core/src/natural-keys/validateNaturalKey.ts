import { type EntityMetadata, type EntityProperty, ReferenceKind } from '@mikro-orm/core';
import { NaturalKeyError } from '../errors/NaturalKeyError.js';
import type { NaturalKeyResolveOptions } from './NaturalKeyDefinition.js';
import { resolveWithin } from './resolveWithin.js';

/**
 * @internal Throws NaturalKeyError unless every property can identify a row in another database: a persisted
 * scalar, or a many-to-one / owning one-to-one relation whose target has a natural key itself.
 */
export function validateNaturalKey(
  meta: EntityMetadata,
  properties: readonly string[],
  origin: string,
  options: NaturalKeyResolveOptions | undefined,
  stack: readonly EntityMetadata[],
): void {
  const entity = meta.className;
  if (properties.length === 0) {
    throw NaturalKeyError.emptyKey(entity, origin);
  }
  const seen = new Set<string>();
  for (const name of properties) {
    if (seen.has(name)) {
      throw NaturalKeyError.duplicateProperty(entity, properties, name);
    }
    seen.add(name);
    const prop = (meta.properties as Record<string, EntityProperty | undefined>)[name];
    if (!prop) {
      const known = meta.props.filter((p) => unsupported(p) === null).map((p) => p.name);
      throw NaturalKeyError.unknownProperty(entity, properties, name, origin, known);
    }
    const why = unsupported(prop);
    if (why) {
      throw NaturalKeyError.unsupportedProperty(entity, properties, name, why);
    }
    const target = prop.targetMeta;
    if (prop.kind !== ReferenceKind.SCALAR && target && !stack.includes(target) && target !== meta) {
      if (!resolveWithin(target, options, [...stack, meta])) {
        throw NaturalKeyError.relationWithoutKey(entity, properties, name, target.className);
      }
    }
  }
}

/** @internal Why a property cannot be part of a natural key, or null when it can. */
export function unsupported(prop: EntityProperty): string | null {
  switch (prop.kind) {
    case ReferenceKind.SCALAR:
      if (prop.persist === false) return 'it is not persisted';
      if (prop.formula) return 'it is a formula';
      return null;
    case ReferenceKind.MANY_TO_ONE:
    case ReferenceKind.ONE_TO_ONE:
      if (!prop.owner) return 'it is the inverse side of a one-to-one relation (no column)';
      if (prop.polymorphic) return 'polymorphic relations are not supported';
      if (prop.persist === false) return 'it is not persisted';
      return null;
    case ReferenceKind.EMBEDDED:
      return 'embedded properties are not supported';
    default:
      return 'it is a collection';
  }
}
