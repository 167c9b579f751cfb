import { type EntityManager, type EntityMetadata, type EntityProperty, raw } from '@mikro-orm/core';
import { dialectOf } from '../../log/dialect.js';

/**
 * @internal A where condition matching rows by many primary keys (JSON form: the value, or the flattened
 * array of a composite key), for one bulk query.
 */
export function pkWhere(meta: EntityMetadata, pks: readonly unknown[]): object {
  if (!meta.compositePK) {
    return { [meta.primaryKeys[0]]: { $in: [...pks] } };
  }
  return {
    $or: pks.map((pk) => {
      const values = pk as unknown[];
      return Object.fromEntries(meta.primaryKeys.map((name, i) => [name, values[i]]));
    }),
  };
}

/** @internal Bound parameters one key takes in {@link pkWhere}. */
export function pkWeight(meta: EntityMetadata): number {
  return meta.compositePK ? meta.primaryKeys.length : 1;
}

/** @internal Whether the database assigns the primary key (then an equal id on REMOTE means nothing). */
export function hasGeneratedPk(meta: EntityMetadata): boolean {
  return meta.primaryKeys.some((name) => {
    const prop = meta.properties[name];
    return prop.autoincrement || !!prop.defaultRaw || !!prop.generated;
  });
}

/**
 * @internal {@link pkWhere} for one bulk read. On SQLite, a single-column key of numbers or strings is matched
 * through `json_each` of one JSON array instead of an `in` list of one parameter per key: better-sqlite3 keeps
 * every statement it prepares, and one with 1,000 parameters costs ~0.2 MB of native memory that a long run
 * never gets back (~10× what the `json_each` form costs), so a sync's memory would grow with its batches.
 */
export function pkListWhere(em: EntityManager, meta: EntityMetadata, pks: readonly unknown[]): object {
  if (meta.compositePK) return pkWhere(meta, pks);
  const prop = meta.getPrimaryProp();
  return keyListWhere(em, prop.name, prop.fieldNames[0]!, prop.runtimeType, pks);
}

/**
 * @internal `name in values` for keys of `runtimeType`: on SQLite, numbers or strings of that type go as
 * `column in (select value from json_each(?))` (see {@link pkListWhere}); anything else as an `$in` list.
 */
export function keyListWhere(
  em: EntityManager,
  name: string,
  column: string,
  runtimeType: string,
  values: readonly unknown[],
): object {
  const plain =
    (runtimeType === 'number' || runtimeType === 'string') && values.every((v) => typeof v === runtimeType);
  if (dialectOf(em) !== 'sqlite' || !plain) return { [name]: { $in: [...values] } };
  const field = em.getPlatform().quoteIdentifier(column);
  const fragment = raw(
    (alias: string) => `${alias}.${field} in (select value from json_each(?))`,
    [JSON.stringify(values)],
  );
  return { [fragment as never]: [] };
}

/**
 * @internal `prop in values` for a JSON property holding single-column keys (the log's `pk`, a reference's
 * `remotePk`): on SQLite one JSON parameter whose items `json_quote()` turns back into the stored JSON text (see
 * {@link pkListWhere}), elsewhere an `$in` list, whose values MikroORM writes as JSON.
 */
export function jsonKeyListWhere(
  em: EntityManager,
  prop: EntityProperty,
  values: readonly unknown[],
): object {
  if (dialectOf(em) !== 'sqlite') return { [prop.name]: { $in: [...values] } };
  const column = em.getPlatform().quoteIdentifier(prop.fieldNames[0]!);
  const fragment = raw(
    (alias: string) => `${alias}.${column} in (select json_quote(value) from json_each(?))`,
    [JSON.stringify(values)],
  );
  return { [fragment as never]: [] };
}
