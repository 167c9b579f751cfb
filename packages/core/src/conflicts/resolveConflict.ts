import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { emOf, runtimeOf } from '../capture/runtimeOf.js';
import { SynchroError } from '../errors/SynchroError.js';
import { SynchroConflict } from '../log/entities.js';
import { pkWhere } from '../sync/resolve/pkWhere.js';

/** A conflict stored for a person to resolve (`manual` policy), as `synchroStatus()` lists it. */
export interface StoredConflict {
  id: number;
  entity: string;
  key: unknown;
  local: Record<string, unknown>;
  remote: Record<string, unknown>;
  createdAt: Date;
}

/**
 * Resolves a stored conflict; the next sync applies the choice. `'local'` writes the LOCAL values to REMOTE,
 * `'remote'` keeps REMOTE's row, and an object of values is first written to the LOCAL row (and logged),
 * then synced as LOCAL's.
 *
 * @example
 * const [conflict] = (await synchroStatus(office, server)).pendingConflicts;
 * await resolveConflict(office, conflict.id, { ...conflict.remote, price: conflict.local.price });
 */
export async function resolveConflict(
  orm: MikroORM | EntityManager,
  id: number,
  resolution: 'local' | 'remote' | Record<string, unknown>,
): Promise<void> {
  const em = emOf(orm).fork({ clear: true });
  runtimeOf(em, 'LOCAL');
  const conflict = await em.findOne(SynchroConflict, { id, status: 'pending' });
  if (!conflict) throw SynchroError.conflictNotFound(id);
  if (typeof resolution === 'object') {
    const meta = [...em.getMetadata().getAll().values()].find((m) => m.className === conflict.entity);
    if (!meta) throw SynchroError.conflictNotFound(id);
    const row = await em.findOneOrFail(meta.class, pkWhere(meta, [JSON.parse(conflict.localPk)]) as never);
    em.assign(row, resolution as never);
  }
  conflict.status = typeof resolution === 'object' ? 'local' : resolution;
  conflict.resolvedAt = new Date();
  await em.flush();
}

/** @internal Unresolved conflicts stored on LOCAL for `remote`. */
export async function pendingConflicts(em: EntityManager, remote: string): Promise<StoredConflict[]> {
  const rows = await em
    .fork({ clear: true })
    .find(SynchroConflict, { remote, status: 'pending' }, { orderBy: { id: 'asc' } });
  return rows.map((r) => ({
    id: r.id,
    entity: r.entity,
    key: r.key,
    local: r.local,
    remote: r.remoteValues,
    createdAt: r.createdAt,
  }));
}
