import { SynchroConflict } from '../log/entities.js';
import type { BatchCounts, SyncContext } from '../sync/SyncContext.js';
import { sqlEm } from '../util/sqlEm.js';

/**
 * @internal After a batch committed on REMOTE: stores the conflicts left for a person on LOCAL (one row per
 * LOCAL row, refreshed while pending) and forgets the resolutions the batch applied.
 */
export async function storeConflicts(ctx: SyncContext, counts: BatchCounts): Promise<void> {
  const remote = ctx.localRuntime.options.remote ?? '';
  const em = sqlEm(ctx.localEm.fork({ clear: true }));
  if (counts.pending.length) {
    const now = new Date();
    await em
      .createQueryBuilder(SynchroConflict)
      .insert(
        counts.pending.map((c) => ({
          remote,
          entity: c.entity,
          localPk: c.localPk,
          key: c.key,
          local: c.local,
          remoteValues: c.remote,
          status: 'pending' as const,
          createdAt: now,
        })),
      )
      .onConflict(['remote', 'entity', 'localPk'])
      .merge(['key', 'local', 'remoteValues', 'status'])
      .execute();
  }
  if (counts.settled.length) {
    await em.nativeDelete(SynchroConflict, {
      remote,
      $or: counts.settled.map((s) => ({ entity: s.entity, localPk: s.localPk })),
    });
  }
}
