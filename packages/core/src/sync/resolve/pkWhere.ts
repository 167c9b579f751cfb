import { type EntityManager, type EntityMetadata, type EntityProperty, raw } from '@mikro-orm/core';
import { dialectOf } from '../../log/dialect.js';
import { postgresArray, postgresElementType } from '../../util/jsonRows.js';

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
 * @internal {@link pkWhere} for one bulk read. A single-column key of numbers or strings goes as one list
 * literal instead of an `in` list of one parameter per key (see {@link keyListWhere}).
 */
export function pkListWhere(em: EntityManager, meta: EntityMetadata, pks: readonly unknown[]): object {
  if (meta.compositePK) return pkWhere(meta, pks);
  const prop = meta.getPrimaryProp();
  return keyListWhere(em, prop, prop.runtimeType, pks);
}

/**
 * @internal `prop in values` for values of `runtimeType` (numbers or strings), as one literal:
 * - SQLite: `column in (select value from json_each(?))`. better-sqlite3 keeps every statement it prepares,
 *   and one with 1,000 parameters costs ~0.2 MB of native memory that a long run never gets back (~10× what
 *   the `json_each` form costs), so a sync's memory would grow with its batches.
 * - PostgreSQL: `column = any(?::type[])` with one array literal. MikroORM builds a criteria node for every
 *   item of an `$in` list (~60 µs per 1,000-key lookup of the reference table, more than the query).
 *
 * Anything else (other databases, other value types, a column of several fields) as an `$in` list.
 */
export function keyListWhere(
  em: EntityManager,
  prop: Pick<EntityProperty, 'name' | 'fieldNames' | 'columnTypes'>,
  runtimeType: string,
  values: readonly unknown[],
): object {
  const dialect = dialectOf(em);
  const plain =
    (runtimeType === 'number' || runtimeType === 'string') &&
    prop.fieldNames?.length === 1 &&
    values.every((v) => typeof v === runtimeType);
  if (!plain || (dialect !== 'sqlite' && dialect !== 'postgres'))
    return { [prop.name]: { $in: [...values] } };
  const field = em.getPlatform().quoteIdentifier(prop.fieldNames[0]!);
  if (dialect === 'sqlite') {
    const fragment = raw(
      (alias: string) => `${alias}.${field} in (select value from json_each(?))`,
      [JSON.stringify(values)],
    );
    return { [fragment as never]: [] };
  }
  const type = postgresElementType(prop);
  if (!type) return { [prop.name]: { $in: [...values] } };
  const fragment = raw(
    (alias: string) => `${alias}.${field} = any(?::${type}[])`,
    [postgresArray('text', values)],
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
