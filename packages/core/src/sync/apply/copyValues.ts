import { type EntityMetadata, type EntityProperty, Reference, ReferenceKind } from '@mikro-orm/core';

/** @internal How a LOCAL property is carried to REMOTE. */
export type CarriedKind = 'value' | 'relation';

/** @internal A carried property and how it is carried. */
export type CarriedProperty = readonly [EntityProperty, CarriedKind];

/** Computed once per entity and skip list: a sync asks for every row it writes, several times. */
const carriedCache = new WeakMap<EntityMetadata, Map<string, readonly CarriedProperty[]>>();

/** @internal The properties a sync writes on REMOTE, and how (a shared list: do not modify it). */
export function carriedProperties(meta: EntityMetadata, skip: readonly string[]): readonly CarriedProperty[] {
  let bySkip = carriedCache.get(meta);
  if (!bySkip) {
    bySkip = new Map();
    carriedCache.set(meta, bySkip);
  }
  const key = skip.length ? skip.join('\u0000') : '';
  let carried = bySkip.get(key);
  if (!carried) {
    carried = computeCarried(meta, skip);
    bySkip.set(key, carried);
  }
  return carried;
}

function computeCarried(meta: EntityMetadata, skip: readonly string[]): CarriedProperty[] {
  const carried: CarriedProperty[] = [];
  for (const prop of meta.props) {
    if (skip.includes(prop.name) || prop.persist === false || prop.formula || prop.version) continue;
    if (prop.embedded) continue; // inlined child of an embedded property: carried with its parent
    if (
      prop.primary &&
      (prop.autoincrement || prop.defaultRaw || prop.generated) &&
      prop.kind === ReferenceKind.SCALAR
    )
      continue;
    switch (prop.kind) {
      case ReferenceKind.SCALAR:
      case ReferenceKind.EMBEDDED:
        carried.push([prop, 'value']);
        break;
      case ReferenceKind.MANY_TO_ONE:
        carried.push([prop, 'relation']);
        break;
      case ReferenceKind.ONE_TO_ONE:
        if (prop.owner) carried.push([prop, 'relation']);
        break;
      default:
        break; // collections are synced through `link` changes
    }
  }
  return carried;
}

/** @internal A copy of a JS value that shares nothing mutable with the LOCAL entity. */
export function cloneValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return new Date(value.getTime());
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (Array.isArray(value)) return value.map(cloneValue);
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'function') copy[k] = cloneValue(v);
  }
  return copy;
}

/** @internal The entity a relation property points to (unwrapping `Ref`), or null. */
export function relationTarget(entity: object, prop: EntityProperty): object | null {
  const value = (entity as Record<string, unknown>)[prop.name];
  if (value == null) return null;
  return Reference.unwrapReference(value as object);
}
