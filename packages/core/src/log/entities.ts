import { defineEntity, p } from '@mikro-orm/core';

/** Actions recorded in the change log. `link` means a many-to-many collection of the row changed. */
export type SynchroAction = 'create' | 'update' | 'delete' | 'link';

/** One logged change: *that* a row changed (the sync reads its current values later), not how. */
export const SynchroChange = defineEntity({
  name: 'SynchroChange',
  tableName: 'synchro_change',
  properties: {
    /** Monotonically increasing; the checkpoint is a position in this sequence (plus open holes). */
    id: p.bigint('number').primary().autoincrement(),
    entity: p.string().length(191),
    action: p.string().length(8).$type<SynchroAction>(),
    /** The primary key on the database that logged it, as JSON (an array for composite keys). */
    pk: p.json<unknown>(),
    /** For deletes: the natural key of the row as it was, so REMOTE can find it without a reference. */
    naturalKey: p.json<unknown[]>().nullable(),
    /** For `link`: the owning many-to-many property whose collection changed. */
    property: p.string().length(191).nullable(),
    /** Null for changes made here; the source node id when the write was applied by a sync. */
    origin: p.string().length(36).nullable(),
    createdAt: p.datetime(3),
  },
});

/** This database's identity as a sync node: one row, created on first use. */
export const SynchroNode = defineEntity({
  name: 'SynchroNode',
  tableName: 'synchro_node',
  properties: {
    name: p.string().length(16).primary(),
    nodeId: p.string().length(36),
    /** Every log id up to this one was dropped by `resetSynchro()`: readers start above it. */
    floor: p.bigint('number').defaultRaw('0'),
    createdAt: p.datetime(3),
  },
});

/**
 * On the database changes were applied to: how far the log of `source` has been applied. Written in the same
 * transaction as the applied rows, so a crash can neither lose nor repeat a batch.
 */
export const SynchroCheckpoint = defineEntity({
  name: 'SynchroCheckpoint',
  tableName: 'synchro_checkpoint',
  properties: {
    source: p.string().length(36).primary(),
    /** Highest change id applied. */
    lastId: p.bigint('number').defaultRaw('0'),
    /** Change ids below `lastId` not seen yet because their transaction had not committed. */
    holes: p.json<SynchroHole[]>(),
    /** Lease that keeps a second concurrent run of the same pair out. */
    lockedBy: p.string().length(36).nullable(),
    lockedUntil: p.datetime(3).nullable(),
    updatedAt: p.datetime(3),
  },
});

/** An id skipped in the log that may still appear (its transaction was in flight when it was read). */
export interface SynchroHole {
  id: number;
  /** Dialect-specific marker telling when every transaction in flight at detection time has ended. */
  until: string | number;
}

/** On the target database: LOCAL primary key of a row of `source` → its primary key here. */
export const SynchroReference = defineEntity({
  name: 'SynchroReference',
  tableName: 'synchro_reference',
  properties: {
    source: p.string().length(36).primary(),
    entity: p.string().length(100).primary(),
    localPk: p.string().length(255).primary(),
    remotePk: p.json<unknown>(),
    /** Conflict baselines as of the last time a sync wrote or confirmed the row (see docs/conflicts.md). */
    remoteVersion: p.string().length(64).nullable(),
    remoteHash: p.string().length(64).nullable(),
    remoteLogId: p.bigint('number').nullable(),
  },
});

/** On the source database: a conflict left for a person to resolve (`manual` policy), and its resolution. */
export const SynchroConflict = defineEntity({
  name: 'SynchroConflict',
  tableName: 'synchro_conflict',
  uniques: [{ properties: ['remote', 'entity', 'localPk'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    remote: p.string().length(191),
    entity: p.string().length(100),
    localPk: p.string().length(255),
    key: p.json<unknown>(),
    local: p.json<Record<string, unknown>>(),
    remoteValues: p.json<Record<string, unknown>>(),
    /** `pending` until resolved; then which side the next sync applies. */
    status: p.string().length(8).$type<'pending' | 'local' | 'remote'>(),
    createdAt: p.datetime(3),
    resolvedAt: p.datetime(3).nullable(),
  },
});

/** On the source database: one row per sync run towards a remote, for `synchroStatus().lastRun`. */
export const SynchroRun = defineEntity({
  name: 'SynchroRun',
  tableName: 'synchro_run',
  properties: {
    id: p.integer().primary().autoincrement(),
    remote: p.string().length(191).index(),
    startedAt: p.datetime(3),
    finishedAt: p.datetime(3),
    status: p.string().length(16),
    report: p.json<Record<string, unknown>>(),
  },
});

/** Every entity mikro-synchro adds to a config. */
export const SYNCHRO_ENTITIES = [
  SynchroChange,
  SynchroNode,
  SynchroCheckpoint,
  SynchroReference,
  SynchroRun,
  SynchroConflict,
];

/** Names of the synchro entities, never logged or synced themselves. */
export const SYNCHRO_ENTITY_NAMES: ReadonlySet<string> = new Set(
  SYNCHRO_ENTITIES.map((e) => e.meta.className),
);
