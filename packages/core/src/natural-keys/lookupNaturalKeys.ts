import type { EntityMetadata } from '@mikro-orm/core';
import { NaturalKeyError } from '../errors/NaturalKeyError.js';
import { chunkKeys, keyWeight } from './chunkKeys.js';
import { computeKeys } from './computeKeys.js';
import { foldedKeyString } from './foldedKeyString.js';
import { identityMapIndex } from './identityMapIndex.js';
import type { KeyScope } from './KeyScope.js';
import { keysCondition } from './keyCondition.js';
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
  normalized.forEach((key, i) => {
    pending.set(requested[i]!, key);
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
    await queryKeys(scope, meta, pending, found, options);
  }
  return { requested, found };
}

async function queryKeys<T extends object>(
  scope: KeyScope,
  meta: EntityMetadata<T>,
  pending: Map<string, unknown[]>,
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
  for (const chunk of chunkKeys([...pending], ([, key]) => weight(key), maxParams)) {
    const paths = new Set<string>();
    const where = keysCondition(
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
    const exact = groupBy(rows, rowKeys, naturalKeyString);
    const folded = groupBy(rows, rowKeys, foldedKeyString);
    for (const [id, key] of chunk) {
      // the database may match by collation (MariaDB: case and accent insensitive) where strings differ
      const matches = exact.get(id) ?? folded.get(foldedKeyString(key));
      if (matches) {
        found.set(id, pick(matches, definition, key, options) as T);
      }
    }
  }
}

function pick(
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
