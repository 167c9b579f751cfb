import { type EntityManager, raw } from '@mikro-orm/core';
import { metadataOf } from '../natural-keys/metadataOf.js';
import { sqlEm } from '../util/sqlEm.js';
import { SynchroChange, type SynchroHole } from './entities.js';
import { holeMarker } from './holes.js';

/** @internal A logged change as the sync engine reads it. */
export interface LoggedChange {
  id: number;
  entity: string;
  action: 'create' | 'update' | 'delete' | 'link';
  pk: unknown;
  naturalKey: unknown[] | null;
  property: string | null;
  origin: string | null;
  createdAt: Date;
}

/** @internal Position in a log: every id ≤ `lastId` applied, except the `holes` still awaited. */
export interface LogPosition {
  lastId: number;
  holes: SynchroHole[];
}

/** @internal One batch of the log and the position after it. */
export interface LogBatch {
  changes: LoggedChange[];
  next: LogPosition;
}

/** @internal Some open holes to read again, and which of them can no longer be filled. */
export interface HoleRead {
  ids: number[];
  /** From {@link closableHoles}, checked before the read. */
  closable: Set<number>;
}

/**
 * @internal Reads the next `limit` changes above `lastId` and computes the position after them: ids skipped
 * inside the batch become new holes. With `holes`, reads those hole ids instead: found ones and ones that
 * can no longer be filled leave the hole list. A run reads every open hole once, in pages, before new ids.
 */
export async function readLogBatch(
  em: EntityManager,
  from: LogPosition,
  limit: number,
  holes?: HoleRead,
): Promise<LogBatch> {
  const fork = em.fork({ clear: true });
  const where = holes ? { id: { $in: holes.ids } } : { id: { $gt: from.lastId } };
  // plain rows, not entities: a batch reads thousands of them and writes none back
  const qb = sqlEm(fork).createQueryBuilder(SynchroChange).select('*').where(where).orderBy({ id: 'asc' });
  if (!holes) qb.limit(limit);
  const rows = (await qb.execute('all', true)) as unknown as Record<string, unknown>[];
  const meta = metadataOf(fork, SynchroChange);
  const platform = fork.getPlatform();
  // JSON as the driver returns it (SQLite: text), converted the way MikroORM converts the property
  const json = (name: 'pk' | 'naturalKey', value: unknown) =>
    value == null ? null : meta.properties[name].customType!.convertToJSValue(value, platform);
  const changes = rows.map((r) => ({
    id: Number(r.id),
    entity: r.entity as string,
    action: r.action as LoggedChange['action'],
    pk: json('pk', r.pk),
    naturalKey: json('naturalKey', r.naturalKey) as unknown[] | null,
    property: (r.property as string | null) ?? null,
    origin: (r.origin as string | null) ?? null,
    createdAt: r.createdAt instanceof Date ? r.createdAt : new Date(r.createdAt as string | number),
  }));
  if (holes) {
    const seen = new Set(changes.map((c) => c.id));
    const read = new Set(holes.ids);
    const open = from.holes.filter((h) => !read.has(h.id) || (!seen.has(h.id) && !holes.closable.has(h.id)));
    return { changes, next: { lastId: from.lastId, holes: open } };
  }
  const lastId = changes.length ? changes[changes.length - 1].id : from.lastId;
  const open = [...from.holes];
  const skipped: number[] = [];
  let expected = from.lastId + 1;
  for (const c of changes) {
    for (let id = expected; id < c.id; id++) skipped.push(id);
    expected = c.id + 1;
  }
  if (skipped.length) {
    const marker = await holeMarker(fork);
    if (marker !== null) open.push(...skipped.map((id) => ({ id, until: marker })));
  }
  return { changes, next: { lastId, holes: open } };
}

/** @internal Number of changes pending after `from`, per entity. */
export async function countPending(
  em: EntityManager,
  from: LogPosition,
  ignoreOrigin?: string | null,
): Promise<Record<string, number>> {
  const fork = em.fork({ clear: true });
  const holeIds = from.holes.map((h) => h.id);
  const range = holeIds.length
    ? { $or: [{ id: { $gt: from.lastId } }, { id: { $in: holeIds } }] }
    : { id: { $gt: from.lastId } };
  const where = ignoreOrigin
    ? { $and: [range, { $or: [{ origin: null }, { origin: { $ne: ignoreOrigin } }] }] }
    : range;
  const rows = await sqlEm(fork)
    .createQueryBuilder(SynchroChange)
    .select(['entity', raw('count(*) as n')])
    .where(where)
    .groupBy('entity')
    .execute<{ entity: string; n: number | string }[]>('all', false);
  const pending: Record<string, number> = {};
  for (const row of rows) pending[row.entity] = Number(row.n);
  return pending;
}
