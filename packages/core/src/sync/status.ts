import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { emOf, runtimeOf } from '../capture/runtimeOf.js';
import { pendingConflicts, type StoredConflict } from '../conflicts/resolveConflict.js';
import { SynchroConfigError } from '../errors/SynchroConfigError.js';
import { SynchroRun } from '../log/entities.js';
import { countPending } from '../log/LogReader.js';
import { nodeIdOf, nodeOf } from '../log/nodeId.js';
import { Checkpoint } from './checkpoint/Checkpoint.js';
import type { SyncReport } from './SyncReport.js';

/** Pending changes per entity, checkpoint, last run and stored conflicts of a LOCAL database. */
export interface SynchroStatus {
  remote: string | null;
  /** entity name -> changes not yet synced to `remote`. */
  pending: Record<string, number>;
  /** Opaque, JSON-serializable: the applied position of this log on REMOTE (`{ lastId, holes }`). */
  checkpoint: unknown;
  lastRun?: { at: Date; status: SyncReport['status']; created: number; updated: number; deleted: number };
  /** Stored, unresolved conflicts. */
  conflicts: number;
  /** The stored, unresolved conflicts themselves (resolve them with `resolveConflict()`). */
  pendingConflicts: StoredConflict[];
}

/**
 * Reports what a sync would pick up. With `remote`, the checkpoint is read from REMOTE (where it lives);
 * without it, the position of the last run recorded on LOCAL is used.
 *
 * @example
 * const { pending } = await synchroStatus(officeOrm, serverOrm); // { Author: 3, Book: 12 }
 */
export async function synchroStatus(
  local: MikroORM | EntityManager,
  remote?: MikroORM | EntityManager,
): Promise<SynchroStatus> {
  const localEm = emOf(local);
  const runtime = runtimeOf(localEm, 'LOCAL');
  const remoteName = runtime.options.remote ?? null;
  const node = await SynchroConfigError.guardTables('LOCAL', () => nodeOf(localEm));
  const floor = node?.floor ?? 0;
  let position = { lastId: floor, holes: [] as { id: number; until: string | number }[] };
  let target: string | null = null;
  if (remote && node) {
    const remoteEm = emOf(remote);
    runtimeOf(remoteEm, 'REMOTE');
    target = await SynchroConfigError.guardTables('REMOTE', () => nodeIdOf(remoteEm, false));
    const stored = await new Checkpoint(remoteEm, node.nodeId, '').read();
    position = { lastId: Math.max(stored.lastId, floor), holes: stored.holes.filter((h) => h.id > floor) };
  } else if (remoteName) {
    const last = await lastRunRow(localEm, remoteName);
    const recorded = (last?.report as { position?: typeof position } | undefined)?.position;
    if (recorded) {
      position = {
        lastId: Math.max(recorded.lastId, floor),
        holes: recorded.holes.filter((h) => h.id > floor),
      };
    }
  }
  const last = remoteName ? await lastRunRow(localEm, remoteName) : null;
  const stored = remoteName ? await pendingConflicts(localEm, remoteName) : [];
  const report = last?.report as Partial<SyncReport> | undefined;
  return {
    remote: remoteName,
    pending: await countPending(localEm, position, target),
    checkpoint: position,
    ...(last
      ? {
          lastRun: {
            at: last.finishedAt,
            status: last.status as SyncReport['status'],
            created: report?.created ?? 0,
            updated: report?.updated ?? 0,
            deleted: report?.deleted ?? 0,
          },
        }
      : {}),
    conflicts: stored.length,
    pendingConflicts: stored,
  };
}

async function lastRunRow(em: EntityManager, remote: string) {
  return em.fork({ clear: true }).findOne(SynchroRun, { remote }, { orderBy: { id: 'desc' } });
}
