import { type EntityManager, raw } from '@mikro-orm/core';
import { sqlEm } from '../util/sqlEm.js';
import { SynchroChange, type SynchroHole } from './entities.js';
import { closableHoles, holeMarker } from './holes.js';

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

/**
 * @internal Reads the next `limit` changes after `from` (ids above `lastId` plus the open holes), and
 * computes the position after them: holes that were filled or can no longer be filled are dropped, ids
 * skipped inside the batch become new holes. `withHoles: false` leaves the open holes alone (a run reads
 * them once, in its first batch).
 */
export async function readLogBatch(
  em: EntityManager,
  from: LogPosition,
  limit: number,
  withHoles = true,
): Promise<LogBatch> {
  const fork = em.fork({ clear: true });
  const closable = withHoles ? await closableHoles(fork, from.holes) : new Set<number>();
  const holeIds = withHoles ? from.holes.map((h) => h.id) : [];
  const where = holeIds.length
    ? { $or: [{ id: { $gt: from.lastId } }, { id: { $in: holeIds } }] }
    : { id: { $gt: from.lastId } };
  const rows = await fork.find(SynchroChange, where, { orderBy: { id: 'asc' }, limit });
  const changes = rows.map((r) => ({
    id: Number(r.id),
    entity: r.entity,
    action: r.action,
    pk: r.pk,
    naturalKey: r.naturalKey ?? null,
    property: r.property ?? null,
    origin: r.origin ?? null,
    createdAt: r.createdAt,
  }));
  const seen = new Set(changes.map((c) => c.id));
  const fresh = changes.filter((c) => c.id > from.lastId);
  const lastId = fresh.length ? fresh[fresh.length - 1].id : from.lastId;
  const holes = from.holes.filter((h) => !seen.has(h.id) && !closable.has(h.id));
  const skipped: number[] = [];
  let expected = from.lastId + 1;
  for (const c of fresh) {
    for (let id = expected; id < c.id; id++) skipped.push(id);
    expected = c.id + 1;
  }
  if (skipped.length) {
    const marker = await holeMarker(fork);
    if (marker !== null) holes.push(...skipped.map((id) => ({ id, until: marker })));
  }
  return { changes, next: { lastId, holes } };
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
