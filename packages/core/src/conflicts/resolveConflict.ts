import { type EntityManager, type MikroORM, ReferenceKind } from '@mikro-orm/core';
import { emOf, runtimeOf } from '../capture/runtimeOf.js';
import { SynchroError } from '../errors/SynchroError.js';
import { SynchroConflict } from '../log/entities.js';
import { pkWhere } from '../sync/resolve/pkWhere.js';
import { collectionKeys, syncedValues } from './Baseline.js';

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
 * // relations: LOCAL keys in `conflict.local`, REMOTE keys in `conflict.remote`; the object is written to LOCAL
 * await resolveConflict(office, conflict.id, { ...conflict.local, note: conflict.remote.note });
 */
export async function resolveConflict(
  orm: MikroORM | EntityManager,
  id: number,
  resolution: 'local' | 'remote' | Record<string, unknown>,
): Promise<void> {
  const root = emOf(orm).fork({ clear: true });
  runtimeOf(root, 'LOCAL');
  await root.transactional(async (em) => {
    const conflict = await em.findOne(SynchroConflict, { id, status: 'pending' });
    if (!conflict) throw SynchroError.conflictNotFound(id);
    if (typeof resolution === 'object') {
      const meta = [...em.getMetadata().getAll().values()].find((m) => m.className === conflict.entity);
      if (!meta) throw SynchroError.conflictNotFound(id);
      const where = pkWhere(meta, [JSON.parse(conflict.localPk)]) as never;
      em.assign(await em.findOneOrFail(meta.class, where), resolution as never);
      await em.flush();
      // the values as LOCAL stores them: what the next sync must still find for the decision to apply, with
      // the many-to-many collections the conflict showed
      const collections = Object.keys(conflict.local).filter(
        (name) => meta.properties[name]?.kind === ReferenceKind.MANY_TO_MANY,
      );
      const stored = await em
        .fork({ clear: true, keepTransactionContext: true })
        .findOneOrFail(meta.class, where, { populate: collections as never[] });
      conflict.local = syncedValues(meta, stored);
      for (const name of collections) {
        const items = (stored as Record<string, { getItems(): object[] }>)[name]!.getItems();
        conflict.local[name] = collectionKeys(items);
      }
    }
    conflict.status = typeof resolution === 'object' ? 'local' : resolution;
    conflict.resolvedAt = new Date();
  });
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
