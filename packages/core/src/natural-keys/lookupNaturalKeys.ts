import {
  type EntityManager,
  type EntityMetadata,
  type EntityProperty,
  helper,
  Reference,
  ReferenceKind,
} from '@mikro-orm/core';
import { NaturalKeyError } from '../errors/NaturalKeyError.js';
import { chunkKeys, keyWeight } from './chunkKeys.js';
import { computeKeys } from './computeKeys.js';
import { foldedKeyString } from './foldedKeyString.js';
import { identityMapIndex } from './identityMapIndex.js';
import type { KeyScope } from './KeyScope.js';
import { keysCondition, rowsCondition } from './keyCondition.js';
import type { NaturalKeyLookupOptions } from './NaturalKeyDefinition.js';
import { naturalKeyString } from './naturalKeyString.js';
import { normalizeKeys } from './normalizeKeys.js';
import { platformLimits } from './platformLimits.js';

/** @internal What a lookup found: the canonical string of each requested key, and the entity per string. */
export interface LookupResult<T> {
  requested: string[];
  found: Map<string, T>;
}

/**
 * @internal Finds the entities of `meta` for many natural keys: managed entities first (no query), then one
 * query per chunk for the rest. Without allowMany, a key matching several rows throws NaturalKeyError; with
 * it, the first row in primary-key order wins, and the identity map is skipped so the answer never depends
 * on what happens to be loaded.
 */
export async function lookupNaturalKeys<T extends object>(
  scope: KeyScope,
  meta: EntityMetadata<T>,
  keys: readonly (readonly unknown[])[],
  options: NaturalKeyLookupOptions = {},
): Promise<LookupResult<T>> {
  const definition = scope.definition(meta);
  const normalized = await normalizeKeys(scope, meta, keys);
  const requested = normalized.map(naturalKeyString);
  const pending = new Map<string, unknown[]>();
  // keys whose relation components are rows this EntityManager manages: matched on the foreign keys
  const byRows = new Map<string, unknown[]>();
  normalized.forEach((key, i) => {
    pending.set(requested[i]!, key);
    const rows = withManagedRows(scope, meta, keys[i]!, key);
    if (rows) byRows.set(requested[i]!, rows);
  });
  const found = new Map<string, T>();
  if (!definition.allowMany && pending.size > 0) {
    const index = identityMapIndex(scope, meta);
    for (const [id, key] of pending) {
      const managed = index.get(id);
      if (managed) {
        found.set(id, pick(managed, definition, key, options) as T);
        pending.delete(id);
      }
    }
  }
  if (pending.size > 0) {
    await queryKeys(scope, meta, pending, byRows, found, options);
  }
  return { requested, found };
}

/**
 * `key` (normalized) with each relation component replaced by the row `given` holds for it, when every
 * relation component was given as an entity this scope's EntityManager manages, or is null; else undefined.
 */
function withManagedRows(
  scope: KeyScope,
  meta: EntityMetadata,
  given: readonly unknown[],
  key: readonly unknown[],
): unknown[] | undefined {
  const em = scope.em;
  if (!em || !Array.isArray(given)) return undefined;
  let relations = 0;
  const out = [...key];
  const names = scope.definition(meta).properties;
  for (const [i, name] of names.entries()) {
    const prop = meta.properties[name as keyof object] as EntityProperty;
    if (prop.kind === ReferenceKind.SCALAR || key[i] === null) continue;
    const value = given[i];
    const row =
      value && typeof value === 'object' && !Array.isArray(value) ? Reference.unwrapReference(value) : null;
    if (!row || !isManagedBy(em, row)) return undefined;
    out[i] = row;
    relations++;
  }
  return relations > 0 ? out : undefined;
}

function isManagedBy(em: EntityManager, entity: object): boolean {
  const wrapped = helper(entity);
  if (!wrapped.__initialized || !wrapped.hasPrimaryKey()) return false;
  const meta = em.getMetadata().find(wrapped.__meta.class);
  return !!meta && em.getUnitOfWork().getById(meta.class, wrapped.getPrimaryKey() as never) === entity;
}

async function queryKeys<T extends object>(
  scope: KeyScope,
  meta: EntityMetadata<T>,
  pending: Map<string, unknown[]>,
  byRows: Map<string, unknown[]>,
  found: Map<string, T>,
  options: NaturalKeyLookupOptions,
): Promise<void> {
  const em = scope.em!;
  const definition = scope.definition(meta);
  const limits = platformLimits(em.getPlatform());
  const maxParams = Math.max(1, Math.min(limits.maxParams, options.chunkSize ?? Infinity));
  const orderBy = Object.fromEntries(meta.primaryKeys.map((pk) => [pk, 'asc']));
  // the values of relation components count twice: the prefilter on the related rows repeats them
  const weight = (key: unknown[]) =>
    keyWeight(key) + key.reduce<number>((n, v) => n + (Array.isArray(v) ? keyWeight(v) : 0), 0);
  const direct = [...pending].filter(([id]) => byRows.has(id));
  const joined = [...pending].filter(([id]) => !byRows.has(id));
  const chunks = [
    ...chunkKeys(direct, ([, key]) => keyWeight(key), maxParams).map((c) => ({ chunk: c, direct: true })),
    ...chunkKeys(joined, ([, key]) => weight(key), maxParams).map((c) => ({ chunk: c, direct: false })),
  ];
  for (const { chunk, direct: onRows } of chunks) {
    const paths = new Set<string>();
    const where = onRows
      ? rowsCondition(
          scope,
          meta,
          chunk.map(([id]) => byRows.get(id)!),
          limits,
        )
      : keysCondition(
          scope,
          meta,
          chunk.map(([, key]) => key),
          limits,
          paths,
        );
    const rows = (await em.find(meta.class, where as never, {
      populate: (paths.size > 0 ? [...paths] : undefined) as never,
      strategy: 'joined',
      orderBy: orderBy as never,
      filters: options.filters,
    })) as T[];
    const rowKeys = await computeKeys(scope, meta, rows);
    const matchesOf = keyMatcher(rows, rowKeys);
    for (const [id, key] of chunk) {
      const matches = matchesOf(key);
      if (matches) {
        found.set(id, pick(matches, definition, key, options) as T);
      }
    }
  }
}

/** @internal The row for a key among its matches (several only with allowMany: the first, in key order). */
export function pick(
  matches: readonly object[],
  definition: { entity: string; properties: string[]; allowMany: boolean },
  key: readonly unknown[],
  options: NaturalKeyLookupOptions,
): object {
  if (matches.length > 1 && !definition.allowMany) {
    throw NaturalKeyError.ambiguous(
      definition.entity,
      definition.properties,
      key,
      matches.length,
      options.side,
    );
  }
  return matches[0]!;
}

/**
 * @internal The rows a lookup query returned that match a key asked for (`rowKeys[i]` is the natural key of
 * `rows[i]`): those with an equal key, else those equal once folded, since the database may match by collation
 * (MariaDB: case and accent insensitive) where strings differ.
 */
export function keyMatcher<T>(
  rows: readonly T[],
  rowKeys: readonly unknown[][],
): (key: readonly unknown[]) => T[] | undefined {
  const exact = groupBy(rows, rowKeys, naturalKeyString);
  const folded = groupBy(rows, rowKeys, foldedKeyString);
  return (key) => exact.get(naturalKeyString(key)) ?? folded.get(foldedKeyString(key));
}

/** Rows grouped by the string of their key. */
function groupBy<T>(rows: readonly T[], keys: readonly unknown[][], keyString: (key: unknown[]) => string) {
  const groups = new Map<string, T[]>();
  rows.forEach((row, i) => {
    const id = keyString(keys[i]!);
    const list = groups.get(id);
    if (list) {
      list.push(row);
    } else {
      groups.set(id, [row]);
    }
  });
  return groups;
}
