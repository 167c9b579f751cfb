import { type EntityManager, type EntityMetadata, type EntityProperty, helper } from '@mikro-orm/core';
import { chunkByParameters } from '../../util/parameterLimit.js';
import { sqlEm } from '../../util/sqlEm.js';
import { keyListWhere } from '../resolve/pkWhere.js';

/** @internal The generated pivot table of a many-to-many, with its owner and item columns (as properties). */
export interface PivotTable {
  meta: EntityMetadata;
  ownerName: string;
  itemName: string;
  /** Runtime type of the owner entity's key. */
  ownerKeyType: string;
}

/**
 * @internal The pivot table of `prop` (a many-to-many of `meta`) when its rows can be read and written as plain
 * (owner key, item key) pairs: a generated pivot of two columns, unordered, with no `where` on the collection,
 * between entities with single keys of a plain type (compared as strings: drivers return bigints as strings,
 * entities may hold numbers). null otherwise: the collections are used instead.
 */
export function plainPivot(em: EntityManager, meta: EntityMetadata, prop: string): PivotTable | null {
  const property = meta.properties[prop as never] as EntityProperty | undefined;
  const pivotMeta = property?.pivotEntity ? em.getMetadata().find(property.pivotEntity) : undefined;
  if (!property || !pivotMeta || property.fixedOrder || pivotMeta.primaryKeys.length !== 2) return null;
  if (property.where || property.orderBy) return null;
  const target = property.targetMeta!;
  if (meta.compositePK || target.compositePK) return null;
  const plain = (m: EntityMetadata) =>
    ['number', 'string', 'bigint'].includes(m.getPrimaryProp().runtimeType);
  if (!plain(meta) || !plain(target)) return null;
  const [ownerName, itemName] = pivotMeta.primaryKeys as [string, string];
  return { meta: pivotMeta, ownerName, itemName, ownerKeyType: meta.getPrimaryProp().runtimeType };
}

/** @internal The item keys of each owner key (as strings) in `pivot`: one query per chunk of owners. */
export async function readPivotRows(
  em: EntityManager,
  pivot: PivotTable,
  ownerPks: unknown[],
): Promise<Map<string, unknown[]>> {
  const items = new Map<string, unknown[]>();
  for (const chunk of chunkByParameters(em.getPlatform(), ownerPks, 1)) {
    const rows = (await sqlEm(em)
      .createQueryBuilder(pivot.meta.class)
      .select([pivot.ownerName, pivot.itemName] as never)
      .where(
        keyListWhere(
          em,
          pivot.meta.properties[pivot.ownerName as never]!,
          pivot.ownerKeyType,
          chunk,
        ) as never,
      )
      .execute('all', true)) as Record<string, unknown>[];
    for (const row of rows) {
      const key = String(row[pivot.ownerName]);
      const list = items.get(key);
      if (list) list.push(row[pivot.itemName]);
      else items.set(key, [row[pivot.itemName]]);
    }
  }
  return items;
}

/** @internal The primary key of a row with a single key, as a string (for matching pivot rows). */
export function plainKey(entity: object): string {
  return String(helper(entity).getPrimaryKey());
}
