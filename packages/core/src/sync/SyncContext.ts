import type { EntityManager, EntityMetadata } from '@mikro-orm/core';
import { ReferenceKind } from '@mikro-orm/core';
import type { SynchroRuntime } from '../capture/SynchroRuntime.js';
import type { ConflictPolicy, SyncConflict } from '../conflicts/ConflictPolicy.js';
import type { StoredResolution } from '../conflicts/storedResolution.js';
import { SynchroConfigError } from '../errors/SynchroConfigError.js';
import { SynchroConflict } from '../log/entities.js';
import { chunkByParameters } from '../util/parameterLimit.js';
import { rowKey } from '../util/primaryKey.js';
import { choosePath, isObserved, type WritePath, type WritePathOption } from './apply/writePath.js';
import { RemoteKeyMemo, relationTargets } from './resolve/RemoteKeyMemo.js';
import type { ReceivedFrom } from './resolve/RemoteResolver.js';
import type { SyncReport } from './SyncReport.js';

/** Rows with a stored decision whose keys a run keeps to skip lookups (beyond that, every batch looks up). */
const STORED_ROWS_KEPT = 10_000;

type ConflictStatus = 'local' | 'remote' | 'pending';

/** Stored conflicts' statuses: decided by a person, or any. */
const DECIDED: readonly ConflictStatus[] = ['local', 'remote'];
const ANY: readonly ConflictStatus[] = ['local', 'remote', 'pending'];

/** Rows with a stored conflict per status and entity; `'many'`: too many to keep, look them up. */
type StoredRows = Map<string, Map<string, Set<string>>> | 'many';

/** @internal Rows one batch wrote (or would write). */
export interface BatchCounts {
  created: number;
  updated: number;
  deleted: number;
  /** Log entries in the batch. */
  changes: number;
  /** Log ids kept pending: rows whose conflict waits for a person (`manual`). */
  deferred: number[];
  /** Conflicts to store on LOCAL for a person to resolve. */
  pending: (SyncConflict & { localPk: string })[];
  /** Stored conflicts whose resolution this batch applied (removed once REMOTE committed). */
  settled: { entity: string; localPk: string }[];
  /** Stored decisions this batch found made on other values: their conflicts are stored again, as pending. */
  superseded: { entity: string; localPk: string }[];
  /** LOCAL rows the batch resolved or created on REMOTE, with their REMOTE keys (for later batches). */
  resolved: { entity: string; localPk: string; remotePk: unknown }[];
  /** LOCAL rows the batch deleted on REMOTE. */
  forgotten: { entity: string; localPk: string }[];
}

/** @internal What every batch of one run shares: both sides' metadata and options, and the report. */
export class SyncContext {
  readonly #local = new Map<string, EntityMetadata>();
  readonly #remote = new Map<string, EntityMetadata>();
  #order?: Map<string, number>;
  #cycles?: Set<string>;
  /** Rows with a stored conflict (see {@link storedRows}), read once per run. */
  #stored?: Promise<StoredRows>;
  /** The report's conflicts by entity and LOCAL key, and back. */
  readonly #reported = new Map<string, SyncConflict>();
  readonly #reportedKeys = new WeakMap<SyncConflict, string>();
  readonly #paths = new Map<string, WritePath>();
  /** REMOTE keys of FK targets resolved by the committed batches of this run. */
  readonly targets: RemoteKeyMemo;
  /** Rows LOCAL received from REMOTE, found through LOCAL's references (see RemoteResolver). */
  readonly received: ReceivedFrom;

  constructor(
    readonly localEm: EntityManager,
    readonly remoteEm: EntityManager,
    readonly localRuntime: SynchroRuntime,
    readonly source: string,
    readonly report: SyncReport,
    readonly dryRun: boolean,
    /** The caller passed its own REMOTE EntityManager: entities it manages are updated in place. */
    readonly callerRemote: boolean = false,
    readonly writePath?: WritePathOption,
    /** Conflict policy of this run (run option, else SynchroOptions.conflicts). */
    readonly conflicts?: ConflictPolicy | Record<string, ConflictPolicy>,
    /** REMOTE's node id (null when it has none yet): LOCAL's references under it are rows LOCAL received. */
    remoteNode: string | null = null,
  ) {
    this.received = { node: remoteNode, any: new Map() };
    for (const meta of localEm.getMetadata().getAll().values()) this.#local.set(meta.className, meta);
    for (const meta of remoteEm.getMetadata().getAll().values()) this.#remote.set(meta.className, meta);
    this.targets = new RemoteKeyMemo(relationTargets(this.#local.values()));
  }

  localMeta(entity: string): EntityMetadata | undefined {
    return this.#local.get(entity);
  }

  /** REMOTE metadata of an entity; both sides run the same application, so the names match. */
  remoteMeta(entity: string): EntityMetadata {
    const meta = this.#remote.get(entity);
    if (!meta) throw SynchroConfigError.missingOnRemote(entity);
    return meta;
  }

  /** Properties of `entity` never synchronized. */
  skipped(entity: string): string[] {
    return this.localRuntime.options.skip?.[entity] ?? [];
  }

  /**
   * Adds a decided conflict to the report (a row kept on REMOTE counts as skipped). A row met again later in
   * the run (its pending changes are read again before new ones) is listed once, with the later decision.
   */
  reportConflict(conflict: SyncConflict, localPk: string): void {
    const key = rowKey({ entity: conflict.entity, localPk });
    const conflicts = this.report.conflicts;
    const reported = this.#reported.get(key);
    let earlier = reported ? conflicts.indexOf(reported) : -1;
    // a batch rolled back and run again: the report went back to before it, the entry of an earlier batch too
    if (reported && earlier < 0) earlier = conflicts.findIndex((c) => this.#reportedKeys.get(c) === key);
    if (earlier >= 0) {
      if (conflicts[earlier]!.resolution === 'remote') this.report.skipped -= 1;
      conflicts.splice(earlier, 1);
    }
    this.#reported.set(key, conflict);
    this.#reportedKeys.set(conflict, key);
    conflicts.push(conflict);
    if (conflict.resolution === 'remote') this.report.skipped += 1;
  }

  /**
   * Decisions stored on LOCAL by `resolveConflict()` for these rows, with the values decided on. Which rows have
   * one is read once per run (see {@link hasResolutions}): a batch none of whose rows has one looks nothing up.
   */
  async storedResolutions(entity: string, localPks: string[]): Promise<Map<string, StoredResolution>> {
    const found = new Map<string, StoredResolution>();
    for (const r of await this.storedConflicts(entity, localPks, DECIDED)) {
      found.set(r.localPk, {
        status: r.status as 'local' | 'remote',
        local: r.local,
        remote: r.remoteValues,
      });
    }
    return found;
  }

  /**
   * Of `localPks`, the rows with a conflict of their own: left pending earlier in this run, or stored by an
   * earlier run (pending, or decided and not applied yet). Which rows have a stored conflict is read once per run.
   */
  async conflictedAmong(entity: string, localPks: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const localPk of localPks) {
      if (this.#reported.get(rowKey({ entity, localPk }))?.resolution === 'pending') found.add(localPk);
    }
    for (const r of await this.storedConflicts(entity, localPks, ANY)) found.add(r.localPk);
    return found;
  }

  /**
   * Whether LOCAL holds any resolved conflict towards this REMOTE. Reads which rows have a stored conflict, once
   * per run: called before the first batch (a decision made while the run is under way applies from the next run).
   */
  async hasResolutions(): Promise<boolean> {
    const stored = await this.storedRows();
    return stored === 'many' || DECIDED.some((status) => stored.has(status));
  }

  /** The stored conflicts of these rows with one of `statuses` (a query only for rows {@link storedRows} holds). */
  private async storedConflicts(entity: string, localPks: string[], statuses: readonly ConflictStatus[]) {
    const stored = await this.storedRows();
    const keys =
      stored === 'many'
        ? localPks
        : localPks.filter((k) => statuses.some((status) => stored.get(status)?.get(entity)?.has(k)));
    if (!keys.length) return [];
    const remote = this.localRuntime.options.remote ?? '';
    const em = this.localEm.fork({ clear: true });
    const found = [];
    for (const chunk of chunkByParameters(em.getPlatform(), keys, 1)) {
      found.push(
        ...(await em.find(
          SynchroConflict,
          { remote, entity, localPk: { $in: chunk }, status: { $in: [...statuses] } },
          { disableIdentityMap: true },
        )),
      );
    }
    return found;
  }

  /**
   * The rows with a stored conflict towards this REMOTE, per status and entity, as the run starts; `'many'`
   * above {@link STORED_ROWS_KEPT} (then every batch looks its rows up).
   */
  private storedRows(): Promise<StoredRows> {
    this.#stored ??= this.localEm
      .fork({ clear: true })
      .find(
        SynchroConflict,
        { remote: this.localRuntime.options.remote ?? '' },
        { fields: ['entity', 'localPk', 'status'], limit: STORED_ROWS_KEPT + 1, disableIdentityMap: true },
      )
      .then((found) => {
        if (found.length > STORED_ROWS_KEPT) return 'many';
        const byStatus = new Map<string, Map<string, Set<string>>>();
        for (const r of found) {
          const byEntity = byStatus.get(r.status) ?? new Map<string, Set<string>>();
          byStatus.set(r.status, byEntity);
          const keys = byEntity.get(r.entity) ?? new Set<string>();
          byEntity.set(r.entity, keys);
          keys.add(r.localPk);
        }
        return byStatus;
      });
    return this.#stored;
  }

  /** The write path of an entity (option, else the unit of work when REMOTE observes it, else bulk). */
  pathOf(entity: string): WritePath {
    let path = this.#paths.get(entity);
    if (!path) {
      path = choosePath(this.writePath, entity, isObserved(this.remoteEm, this.remoteMeta(entity)));
      this.#paths.set(entity, path);
    }
    return path;
  }

  /** Whether the entity is part of an FK cycle with other entities (self-references excluded). */
  inTypeCycle(entity: string): boolean {
    this.#cycles ??= this.computeCycles();
    return this.#cycles.has(entity);
  }

  private computeCycles(): Set<string> {
    const targets = (meta: EntityMetadata) =>
      meta.relations
        .filter(
          (p) => p.kind === ReferenceKind.MANY_TO_ONE || (p.kind === ReferenceKind.ONE_TO_ONE && p.owner),
        )
        .map((p) => p.targetMeta?.className)
        .filter((n): n is string => !!n && n !== meta.className);
    const cycles = new Set<string>();
    for (const start of this.#local.keys()) {
      const seen = new Set<string>();
      const stack = [...targets(this.#local.get(start)!)];
      while (stack.length) {
        const name = stack.pop()!;
        if (name === start) {
          cycles.add(start);
          break;
        }
        if (seen.has(name) || !this.#local.has(name)) continue;
        seen.add(name);
        stack.push(...targets(this.#local.get(name)!));
      }
    }
    return cycles;
  }

  /** Entity names sorted so FK targets come before the entities pointing at them (cycles: any order). */
  entityOrder(names: string[]): string[] {
    this.#order ??= this.computeOrder();
    return [...names].sort((a, b) => (this.#order!.get(a) ?? 0) - (this.#order!.get(b) ?? 0));
  }

  private computeOrder(): Map<string, number> {
    const order = new Map<string, number>();
    const visiting = new Set<string>();
    const visit = (meta: EntityMetadata) => {
      if (order.has(meta.className) || visiting.has(meta.className)) return;
      visiting.add(meta.className);
      for (const prop of meta.relations) {
        const owns =
          prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner);
        if (owns && prop.targetMeta) visit(prop.targetMeta);
      }
      visiting.delete(meta.className);
      order.set(meta.className, order.size);
    };
    for (const meta of this.#local.values()) visit(meta);
    return order;
  }
}
