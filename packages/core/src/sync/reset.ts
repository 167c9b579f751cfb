import { type EntityManager, type MikroORM, raw } from '@mikro-orm/core';
import { emOf, runtimeOf } from '../capture/runtimeOf.js';
import { SynchroConfigError } from '../errors/SynchroConfigError.js';
import { SynchroChange, SynchroNode } from '../log/entities.js';
import { nodeIdOf } from '../log/nodeId.js';
import { sqlEm } from '../util/sqlEm.js';

/**
 * Drops every pending log entry of this database and moves its checkpoints to "now": the next sync starts
 * with changes made after the reset (as after a fresh export/import of the whole database).
 *
 * @example
 * await resetSynchro(officeOrm);
 */
export async function resetSynchro(orm: MikroORM | EntityManager): Promise<void> {
  const em = emOf(orm);
  runtimeOf(em, 'LOCAL');
  await SynchroConfigError.guardTables('LOCAL', () => nodeIdOf(em));
  await em.fork({ clear: true }).transactional(async (tx) => {
    const [row] = await sqlEm(tx)
      .createQueryBuilder(SynchroChange)
      .select([raw('max(id) as top')])
      .execute<{ top: number | string | null }[]>('all', false);
    const top = Number(row?.top ?? 0);
    await tx.nativeDelete(SynchroChange, { id: { $lte: top } });
    // Checkpoints live on the REMOTEs; the floor makes every reader start above the dropped ids.
    await tx.nativeUpdate(SynchroNode, { name: 'self', floor: { $lt: top } }, { floor: top });
  });
}
