import { createHash } from 'node:crypto';
import type { EntityMetadata } from '@mikro-orm/core';
import { carriedProperties, relationTarget } from '../sync/apply/copyValues.js';
import { plainValue } from '../util/plainValue.js';
import { keyString, primaryKeyOf } from '../util/primaryKey.js';

/** @internal What a sync recorded about a REMOTE row the last time it wrote or confirmed it. */
export interface Baseline {
  remoteVersion: string | null;
  remoteHash: string | null;
  remoteLogId: number | null;
}

/** How a REMOTE change since the last sync is detected, in order of preference. */
export type DetectionMethod = 'version' | 'log' | 'hash';

/** @internal The method for an entity: its version property, else REMOTE's own log, else a row hash. */
export function detectionMethod(meta: EntityMetadata, remoteLogs: boolean): DetectionMethod {
  if (meta.versionProperty) return 'version';
  return remoteLogs ? 'log' : 'hash';
}

/** @internal The synced values of a REMOTE row as plain JSON data (relations as primary keys). */
export function syncedValues(meta: EntityMetadata, entity: object): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [prop, kind] of carriedProperties(meta, [])) {
    if (kind === 'relation') {
      const target = relationTarget(entity, prop);
      values[prop.name] = target ? primaryKeyOf(target) : null;
    } else {
      values[prop.name] = plainValue((entity as Record<string, unknown>)[prop.name]);
    }
  }
  return values;
}

/**
 * @internal The primary keys of a many-to-many collection's items in key order, as a conflict shows a collection
 * (stored decisions compare them as JSON).
 */
export function collectionKeys(items: readonly object[]): unknown[] {
  const keyed = items.map((item) => {
    const pk = primaryKeyOf(item);
    return { pk, key: keyString(pk) };
  });
  keyed.sort((a, b) => {
    if (typeof a.pk === 'number' && typeof b.pk === 'number') return a.pk - b.pk;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
  return keyed.map((k) => k.pk);
}

/** @internal A stable hash of a REMOTE row's synced values (key order and value types normalised). */
export function rowHash(meta: EntityMetadata, entity: object): string {
  return createHash('sha256')
    .update(JSON.stringify(syncedValues(meta, entity)))
    .digest('hex');
}

/** @internal The current version of a versioned REMOTE row, as stored in the reference table. */
export function versionOf(meta: EntityMetadata, entity: object): string | null {
  if (!meta.versionProperty) return null;
  const value = (entity as Record<string, unknown>)[meta.versionProperty];
  if (value == null) return null;
  return value instanceof Date ? value.toISOString() : String(value);
}
