import { helper } from '@mikro-orm/core';

/** @internal JSON-safe form of a key value: bigints become strings, dates ISO strings. */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  return value;
}

/** @internal The primary key of a managed entity as JSON data: the value, or an array for composite keys. */
export function primaryKeyOf(entity: object): unknown {
  const wrapped = helper(entity);
  const pk = wrapped.__meta.compositePK ? wrapped.getPrimaryKeys() : wrapped.getPrimaryKey();
  return toJsonValue(pk);
}

/** @internal One LOCAL row of an entity as a map key (stored conflicts, the report, settled decisions). */
export function rowKey(row: { entity: string; localPk: string }): string {
  return JSON.stringify([row.entity, row.localPk]);
}

/** @internal Stable string form of a JSON key, used as a map key and in the reference table. */
export function keyString(value: unknown): string {
  return JSON.stringify(toJsonValue(value));
}
