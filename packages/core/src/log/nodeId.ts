import type { EntityManager } from '@mikro-orm/core';
import { sqlEm } from '../util/sqlEm.js';
import { SynchroNode } from './entities.js';

/** @internal This database's node row: its id and the log floor left by `resetSynchro()`. */
export async function nodeOf(em: EntityManager): Promise<{ nodeId: string; floor: number } | null> {
  const row = await em.fork({ clear: true }).findOne(SynchroNode, { name: 'self' });
  return row ? { nodeId: row.nodeId, floor: Number(row.floor) } : null;
}

/**
 * @internal This database's sync node id (a uuid in `synchro_node`), created on first use unless
 * `create` is false (then null when missing, e.g. in a dry run that must write nothing).
 */
export async function nodeIdOf(em: EntityManager, create = true): Promise<string | null> {
  const fork = em.fork({ clear: true });
  const row = await fork.findOne(SynchroNode, { name: 'self' });
  if (row) return row.nodeId;
  if (!create) return null;
  const nodeId = crypto.randomUUID();
  // Two processes may race to create it: the loser reads the winner's id.
  await sqlEm(fork)
    .createQueryBuilder(SynchroNode)
    .insert({ name: 'self', nodeId, floor: 0, createdAt: new Date() })
    .onConflict('name')
    .ignore()
    .execute();
  const stored = await em.fork({ clear: true }).findOneOrFail(SynchroNode, { name: 'self' });
  return stored.nodeId;
}
