import type { EntityMetadata } from '@mikro-orm/core';

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
