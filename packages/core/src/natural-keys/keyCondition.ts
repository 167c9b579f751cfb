import { type EntityMetadata, type EntityProperty, helper, ReferenceKind } from '@mikro-orm/core';
import { groupsOf } from './chunkKeys.js';
import type { KeyScope } from './KeyScope.js';
import { fromKeyValue } from './keyScalars.js';
import { naturalKeyString } from './naturalKeyString.js';
import type { PlatformLimits } from './platformLimits.js';
import { TupleIn } from './tupleIn.js';

type Where = Record<string, unknown>;

/**
 * @internal One `where` matching any of the normalized `keys` of `meta`. Relation components match through
 * the related entity's natural key (a nested condition, which MikroORM turns into a join), so keys taken from
 * another database work; every relation path used is added to `paths`, for populating.
 */
export function keysCondition(
  scope: KeyScope,
  meta: EntityMetadata,
  keys: readonly (readonly unknown[])[],
  limits: PlatformLimits,
  paths: Set<string>,
): Where {
  const { properties } = scope.definition(meta);
  const single = meta.properties[properties[0] as keyof object] as EntityProperty;
  let terms: Where[];
  if (properties.length === 1 && single.kind === ReferenceKind.SCALAR) {
    const values = keys.map((key) => fromKeyValue(single, key[0]));
    const present = values.filter((v) => v !== null);
    terms = groupsOf(present, limits.maxInList).map((group) => ({ [single.name]: { $in: group } }));
    if (present.length < values.length) {
      terms.push({ [single.name]: null });
    }
  } else {
    terms = keys.map((key) => keyCondition(scope, meta, key, paths, ''));
    const narrowed = relatedPrefilter(scope, meta, keys, limits);
    if (narrowed) {
      return { $and: [narrowed, nestOr(terms, limits.maxOrTerms)] };
    }
  }
  return nestOr(terms, limits.maxOrTerms);
}

/**
 * An extra condition on the related rows alone — `author.email in (…)` — that the exact `or` of keys implies.
 * The `or` spans two tables, so no index can answer it; this one can (the related key's unique index, then
 * the foreign-key index into this table), so the database reads only the candidate rows and checks the `or`
 * on them instead of scanning the whole table. Components with a null in some key are left out.
 */
function relatedPrefilter(
  scope: KeyScope,
  meta: EntityMetadata,
  keys: readonly (readonly unknown[])[],
  limits: PlatformLimits,
): Where | null {
  const where: Where = {};
  scope.definition(meta).properties.forEach((name, i) => {
    const prop = meta.properties[name as keyof object] as EntityProperty;
    const values = keys.map((key) => key[i]);
    if (prop.kind === ReferenceKind.SCALAR || values.some((v) => v === null || v === undefined)) {
      return;
    }
    const nested = keyPrefilter(scope, prop.targetMeta!, values as unknown[][], limits);
    if (nested) {
      where[name] = nested;
    }
  });
  return Object.keys(where).length > 0 ? where : null;
}

/** `in` lists for each component of the related keys (scalars distinct; relations recursively). */
function keyPrefilter(
  scope: KeyScope,
  meta: EntityMetadata,
  keys: readonly (readonly unknown[])[],
  limits: PlatformLimits,
): Where | null {
  const where: Where = { ...relatedPrefilter(scope, meta, keys, limits) };
  scope.definition(meta).properties.forEach((name, i) => {
    const prop = meta.properties[name as keyof object] as EntityProperty;
    if (prop.kind !== ReferenceKind.SCALAR || keys.some((key) => key[i] === null || key[i] === undefined)) {
      return;
    }
    const distinct = new Map(keys.map((key) => [naturalKeyString([key[i]]), fromKeyValue(prop, key[i])]));
    if (distinct.size <= limits.maxInList) {
      where[name] = { $in: [...distinct.values()] };
    }
  });
  return Object.keys(where).length > 0 ? where : null;
}

function keyCondition(
  scope: KeyScope,
  meta: EntityMetadata,
  key: readonly unknown[],
  paths: Set<string>,
  prefix: string,
): Where {
  const where: Where = {};
  scope.definition(meta).properties.forEach((name, i) => {
    const prop = meta.properties[name as keyof object] as EntityProperty;
    const value = key[i];
    if (prop.kind === ReferenceKind.SCALAR) {
      where[name] = fromKeyValue(prop, value);
    } else if (value === null || value === undefined) {
      where[name] = null;
    } else {
      paths.add(prefix + name);
      where[name] = keyCondition(scope, prop.targetMeta!, value as unknown[], paths, `${prefix}${name}.`);
    }
  });
  return where;
}

// A flat `or` of n terms is an expression n deep; SQLite refuses more than 1000, so long chains are nested.
function nestOr(terms: Where[], size: number): Where {
  if (terms.length === 1) {
    return terms[0]!;
  }
  if (terms.length <= size) {
    return { $or: terms };
  }
  return nestOr(
    groupsOf(terms, size).map((group) => nestOr(group, size)),
    size,
  );
}

/**
 * @internal One `where` matching any of `keys` of `meta` whose relation components are related rows (entities,
 * or null): matched on the foreign-key columns, which the key's unique index answers. On PostgreSQL and SQLite,
 * keys of several columns without nulls become one tuple `in` ({@link TupleIn}); otherwise keys sharing their
 * related rows become one term, with an `in` list when the key has a single scalar component.
 */
export function rowsCondition(
  scope: KeyScope,
  meta: EntityMetadata,
  keys: readonly (readonly unknown[])[],
  limits: PlatformLimits,
): Where {
  const props = scope
    .definition(meta)
    .properties.map((name) => meta.properties[name as keyof object] as EntityProperty);
  // keys of two or more columns without nulls: one tuple `in` (PostgreSQL, SQLite); the rest as below
  const tuples = props.length > 1 && scope.em ? TupleIn.of(scope.em, props, meta) : null;
  const cells: (string | number)[][] = [];
  const rest: (readonly unknown[])[] = [];
  for (const key of keys) {
    const row = tuples?.cells(key);
    if (row) cells.push(row);
    else rest.push(key);
  }
  const scalars = props.flatMap((prop, i) => (prop.kind === ReferenceKind.SCALAR ? [i] : []));
  const inList = scalars.length === 1 ? scalars[0]! : -1;
  const groups = new Map<string, { where: Where; values: unknown[]; hasNull: boolean }>();
  for (const key of rest) {
    const where: Where = {};
    const ids: string[] = [];
    props.forEach((prop, i) => {
      if (i === inList) return;
      const value = prop.kind === ReferenceKind.SCALAR ? fromKeyValue(prop, key[i]) : key[i];
      // a related row as its primary key: the same condition, without MikroORM unwrapping an entity per term
      where[prop.name] =
        value == null ? null : prop.kind === ReferenceKind.SCALAR ? value : primaryKeyValue(value as object);
      ids.push(
        prop.kind === ReferenceKind.SCALAR || value == null
          ? naturalKeyString([value ?? null])
          : helper(value as object).getSerializedPrimaryKey(),
      );
    });
    const id = ids.join('\u0000');
    let group = groups.get(id);
    if (!group) {
      group = { where, values: [], hasNull: false };
      groups.set(id, group);
    }
    if (inList >= 0) {
      const value = fromKeyValue(props[inList]!, key[inList]);
      if (value === null) group.hasNull = true;
      else group.values.push(value);
    }
  }
  const terms: Where[] = cells.length ? [tuples!.where(cells) as Where] : [];
  for (const { where, values, hasNull } of groups.values()) {
    if (inList < 0) {
      terms.push(where);
      continue;
    }
    const name = props[inList]!.name;
    for (const group of groupsOf(values, limits.maxInList)) {
      terms.push({ ...where, [name]: group.length === 1 ? group[0] : { $in: group } });
    }
    if (hasNull) terms.push({ ...where, [name]: null });
  }
  return nestOr(terms, limits.maxOrTerms);
}

function primaryKeyValue(entity: object): unknown {
  const wrapped = helper(entity);
  return wrapped.__meta.compositePK ? wrapped.getPrimaryKeys() : wrapped.getPrimaryKey();
}
