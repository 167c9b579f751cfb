import {
  ChangeSetType,
  type EntityManager,
  type EntityMetadata,
  type EntityProperty,
  type FlushEventArgs,
  helper,
  ReferenceKind,
  type UnitOfWork,
} from '@mikro-orm/core';
import { withSynchroOrigin } from '../../capture/context.js';
import type { ChangeRow } from '../../capture/FlushCapture.js';
import { findRuntime } from '../../capture/runtimeOf.js';
import {
  collectionKeys,
  detectionMethod,
  rowHash,
  syncedValues,
  versionOf,
} from '../../conflicts/Baseline.js';
import { ConflictDetector, type Detected } from '../../conflicts/ConflictDetector.js';
import type { SyncConflict } from '../../conflicts/ConflictPolicy.js';
import { type Decision, decide, policyFor } from '../../conflicts/decide.js';
import { lastReceived, lastReceivedByOwner } from '../../conflicts/receivedBefore.js';
import { applicableResolution, type StoredResolution } from '../../conflicts/storedResolution.js';
import { SynchroError } from '../../errors/SynchroError.js';
import { writeChangeRows } from '../../log/ChangeLogWriter.js';
import { SynchroReference } from '../../log/entities.js';
import { metadataOf } from '../../natural-keys/metadataOf.js';
import { insertJsonRows, type JsonColumn } from '../../util/jsonRows.js';
import { chunkByParameters } from '../../util/parameterLimit.js';
import { sameValue } from '../../util/plainValue.js';
import { keyString, primaryKeyOf, rowKey } from '../../util/primaryKey.js';
import { sqlEm } from '../../util/sqlEm.js';
import type { RowChanges } from '../plan/collapse.js';
import { pkListWhere, pkWeight } from '../resolve/pkWhere.js';
import type { RemoteResolver } from '../resolve/RemoteResolver.js';
import type { BatchCounts, SyncContext } from '../SyncContext.js';
import { type BatchPlan, isWritten, itemsOf, type Upsert, writesValues } from './BatchPlan.js';
import { BulkWriter } from './BulkWriter.js';
import { carriedProperties, cloneValue, relationTarget } from './copyValues.js';

const REFERENCE_COLUMNS: JsonColumn[] = [
  { property: 'source', type: 'text' },
  { property: 'entity', type: 'text' },
  { property: 'localPk', type: 'text' },
  { property: 'remotePk', type: 'json' },
  { property: 'remoteVersion', type: 'text' },
  { property: 'remoteHash', type: 'text' },
  { property: 'remoteLogId', type: 'integer' },
];
const REFERENCE_KEY = ['source', 'entity', 'localPk'] as const;
const REFERENCE_BASELINE = ['remotePk', 'remoteVersion', 'remoteHash', 'remoteLogId'] as const;

/**
 * @internal Executes a batch plan on REMOTE inside the batch transaction: entities on the bulk path first
 * (in FK order), then everything else through the unit of work in one flush, then bulk deletes, REMOTE log
 * rows for bulk writes, and references. Counts what was (or, in a dry run, would be) written.
 */
export class BatchWriter {
  readonly #counts: BatchCounts = {
    created: 0,
    updated: 0,
    deleted: 0,
    changes: 0,
    deferred: [],
    pending: [],
    settled: [],
    superseded: [],
    resolved: [],
    forgotten: [],
  };
  readonly #detector: ConflictDetector;
  readonly #bulk: BulkWriter;
  readonly #remoteLog: ChangeRow[] = [];
  readonly #deletedRefs: { entity: string; localPk: string }[] = [];
  readonly #stored = new Map<string, Promise<Map<string, StoredResolution>>>();
  /** Something was handed to the unit of work (created, assigned, removed, a collection set). */
  #queued = false;

  constructor(
    private readonly ctx: SyncContext,
    private readonly tx: EntityManager,
    private readonly plan: BatchPlan,
    private readonly resolver: RemoteResolver,
  ) {
    this.#bulk = new BulkWriter(tx);
    this.#detector = new ConflictDetector(tx, ctx.source, findRuntime(tx)?.capture ?? false);
  }

  /**
   * Detects REMOTE changes since the last sync and decides each conflict, before anything is written (the rows
   * to be created are known only then). Called once, before {@link write}.
   */
  decide(): Promise<void> {
    return this.resolveConflicts();
  }

  async write(changes: number): Promise<BatchCounts> {
    this.#counts.changes = changes;
    this.holdPivotRows();
    const bulk = this.bulkEntities();
    for (const entity of this.ctx.entityOrder([...bulk])) await this.writeBulk(entity);
    await this.writeValues(bulk);
    await this.writeLinks(bulk);
    await this.prunePivotRows();
    const bulkDeletes = await this.removeDeleted(bulk);
    await this.settleResolutions();
    await this.flushQueued();
    if (this.ctx.dryRun) return this.#counts;
    for (const { meta, remotes } of bulkDeletes.reverse()) {
      this.#counts.deleted += await this.#bulk.delete(meta, remotes);
    }
    const runtime = findRuntime(this.tx);
    const logged = this.#remoteLog.filter(
      (r) => runtime?.capture && runtime.isWatched(this.ctx.remoteMeta(r.entity), this.tx.getMetadata()),
    );
    await writeChangeRows(this.tx, logged, this.ctx.source, this.tx.getTransactionContext());
    await this.writeReferences();
    this.rememberTargets();
    return this.#counts;
  }

  /**
   * Entities written on the bulk path in this batch. Nothing is bulk-written in a dry run or into a caller's
   * EntityManager (its managed entities must be updated in place). An entity whose new rows point at new
   * rows of a unit-of-work entity, or that is part of an FK cycle with another entity, falls back to the
   * unit of work for this batch, since its keys are needed first.
   */
  private bulkEntities(): Set<string> {
    const names = new Set([
      ...[...this.plan.written()].map((u) => u.meta.className),
      ...this.plan.deletes.map((d) => d.meta.className),
    ]);
    if (this.ctx.callerRemote) {
      for (const name of names) this.ctx.report.paths[name] = 'unit-of-work';
      return new Set();
    }
    // Versioned entities keep the unit of work: REMOTE increments its own version there.
    const bulk = new Set(
      [...names].filter(
        (n) =>
          this.ctx.pathOf(n) === 'bulk' &&
          !this.ctx.inTypeCycle(n) &&
          !this.ctx.remoteMeta(n).versionProperty,
      ),
    );
    for (let changed = true; changed; ) {
      changed = false;
      for (const upsert of this.plan.written()) {
        const name = upsert.meta.className;
        if (!bulk.has(name) || upsert.resolved.remote) continue;
        const blocked = this.targetsOf(upsert).some((t) => {
          const target = this.plan.upsertOf(t);
          return target && !target.resolved.remote && !bulk.has(target.meta.className);
        });
        if (blocked) {
          bulk.delete(name);
          changed = true;
        }
      }
    }
    // The path each entity takes (a dry run reports what a real run would take, and writes nothing).
    for (const name of names) this.ctx.report.paths[name] = bulk.has(name) ? 'bulk' : 'unit-of-work';
    if (this.ctx.dryRun) return new Set();
    return bulk;
  }

  private targetsOf(upsert: Upsert): object[] {
    const targets: object[] = [];
    for (const [prop, kind] of carriedProperties(upsert.meta, this.ctx.skipped(upsert.meta.className))) {
      const target = kind === 'relation' ? relationTarget(upsert.local, prop) : null;
      if (target) targets.push(target);
    }
    return targets;
  }

  /** Updates changed rows with batched UPDATEs, then inserts new rows level by level (parents first). */
  private async writeBulk(entity: string): Promise<void> {
    // the rows the plan writes: a conflict kept on REMOTE or left pending is not overwritten
    const rows = [...(this.plan.upserts.get(entity)?.values() ?? [])].filter(isWritten);
    if (rows.length === 0) return;
    const remoteMeta = rows[0].remoteMeta;
    const existing = rows.filter((u) => u.resolved.remote && writesValues(u));
    const updated = await this.#bulk.update(
      remoteMeta,
      existing.map((u) => ({
        remote: u.resolved.remote!,
        data: { ...this.valuesOf(u), ...this.relationsOf(u) },
      })),
    );
    this.#counts.updated += updated.length;
    // as the subscriber logs a flush: only rows whose values changed (a collection change is a `link` row)
    const changed = new Set(updated);
    for (const u of existing) if (changed.has(u.resolved.remote!)) this.logRemote(u, 'update');
    let pending = rows.filter((u) => !u.resolved.remote);
    while (pending.length) {
      const waiting = new Set(pending);
      const ready = pending.filter((u) =>
        this.targetsOf(u).every((t) => !waiting.has(this.plan.upsertOf(t)!)),
      );
      if (ready.length === 0) {
        throw SynchroError.bulkCycle(entity, pending.map((u) => u.pkKey).slice(0, 5));
      }
      const inserted = await this.#bulk.insert(
        remoteMeta,
        ready.map((u) => ({ ...this.valuesOf(u), ...this.relationsOf(u) })),
        // a skipped property keeps REMOTE's own default, which only an entity built here would apply
        this.ctx.skipped(entity).length === 0,
      );
      ready.forEach((u, i) => {
        u.resolved = { remote: inserted[i] };
        this.logRemote(u, 'create');
      });
      this.#counts.created += ready.length;
      pending = pending.filter((u) => !ready.includes(u));
    }
  }

  private logRemote(upsert: Upsert, action: 'create' | 'update'): void {
    this.#remoteLog.push({
      entity: upsert.remoteMeta.className,
      action,
      pk: primaryKeyOf(upsert.resolved.remote!),
    });
  }

  /**
   * Current LOCAL values of the carried scalar and embedded properties (skipped ones left out); for an
   * existing REMOTE row only those that differ from its values, so an unchanged row is not written.
   */
  private valuesOf(upsert: Upsert): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    const merged = typeof upsert.decision === 'object' ? upsert.decision.merged : {};
    const remote = upsert.resolved.remote as Record<string, unknown> | null;
    // a row whose collection alone LOCAL changed: its LOCAL values are not newer than REMOTE's, only merged ones go
    const mergedOnly = collectionOnly(upsert);
    for (const [prop, kind] of carriedProperties(upsert.meta, this.ctx.skipped(upsert.meta.className))) {
      if (kind !== 'value') continue;
      if (mergedOnly && !(prop.name in merged)) continue;
      const from = prop.name in merged ? merged : (upsert.local as Record<string, unknown>);
      if (remote && sameValue(remote[prop.name], from[prop.name])) continue;
      values[prop.name] = cloneValue(from[prop.name]);
    }
    return values;
  }

  /**
   * Pivot rows that are in the batch only because their owner's collection changed follow the owner: when its
   * conflict kept REMOTE's row (or left it pending), they are not written either. A pivot row with changes of
   * its own keeps them (and its own conflict check).
   */
  private holdPivotRows(): void {
    for (const scope of this.plan.pivots) {
      const ownerProp = scope.pivotMeta.properties[scope.ownerProp as never] as EntityProperty;
      for (const kept of scope.kept) {
        if (kept.changes?.rowChanged || kept.decision !== undefined) continue;
        const target = relationTarget(kept.local, ownerProp);
        const owner = target && this.plan.upsertOf(target);
        // held like a pending row: not written, and its baseline (REMOTE's values as last confirmed) kept
        if (owner && !isWritten(owner)) kept.decision = 'pending';
      }
    }
  }

  /**
   * Two-way sync: drops the detected REMOTE changes that LOCAL received before it made its pending changes of
   * the row. Such a change is at or below what LOCAL has applied of REMOTE's log, and LOCAL logged receiving the
   * row (a write a sync from REMOTE applied) before its first pending change of it: LOCAL's change was made on
   * REMOTE's values, so it is no conflict. A row LOCAL changed before receiving REMOTE's change stays one, and so
   * do rows with composite keys. With version detection, a REMOTE write made without logging after the change
   * LOCAL received is not told apart from it (see docs/conflicts.md, Limits).
   */
  private async unseen(
    entity: string,
    detected: Map<string, Detected>,
    pending: Map<string, { pk: unknown; ids: number[] }>,
    /**
     * Rows detected through a collection (`alsoValues`: through their values too), and the pivot entities whose
     * rows LOCAL received count as receiving such a change.
     */
    collections: {
      rows: ReadonlySet<string>;
      alsoValues: ReadonlySet<string>;
      pivots: ReadonlyMap<string, { meta: EntityMetadata; ownerIndex: number }>;
    } = { rows: new Set(), alsoValues: new Set(), pivots: new Map() },
  ): Promise<Map<string, Detected>> {
    const node = this.ctx.received.node;
    if (!detected.size || !this.#detector.remoteLogs || !node) return detected;
    // the log's `pk` is matched as a list of single values (composite keys would need tuples): they keep the
    // conflict, as before
    if (this.ctx.localMeta(entity)?.compositePK) return detected;
    const applied = await this.resolver.appliedFromRemote();
    if (applied === null) return detected;
    const seen = [...detected].filter(
      ([pkKey, d]) => applied.has(d.remoteLogId) && pending.get(pkKey)?.ids.length,
    );
    if (!seen.length) return detected;
    const received = await lastReceived(
      this.ctx.localEm,
      entity,
      node,
      seen.map(([pkKey]) => pending.get(pkKey)!.pk),
    );
    const throughPivots = seen.filter(([pkKey]) => collections.rows.has(pkKey));
    if (throughPivots.length) {
      for (const { meta, ownerIndex } of collections.pivots.values()) {
        const owners = await lastReceivedByOwner(
          this.ctx.localEm,
          meta.className,
          node,
          ownerIndex,
          throughPivots.map(([pkKey]) => pending.get(pkKey)!.pk),
        );
        for (const [pkKey, at] of owners) {
          // a row REMOTE also changed the values of was received only if LOCAL logged receiving the row itself
          if (collections.alsoValues.has(pkKey) && !received.has(pkKey)) continue;
          received.set(pkKey, Math.max(received.get(pkKey) ?? 0, at));
        }
      }
    }
    for (const [pkKey] of seen) {
      const at = received.get(pkKey);
      if (at !== undefined && Math.min(...pending.get(pkKey)!.ids) > at) detected.delete(pkKey);
    }
    return detected;
  }

  /**
   * A row LOCAL created since the checkpoint that REMOTE already holds, found by natural key (or by its
   * application-assigned primary key) rather than through a reference: first contact, with no baseline. It is
   * checked against REMOTE's log when REMOTE keeps one (single-column keys), since REMOTE may have created the
   * same key itself, or received it from another site, while the two were apart.
   */
  private createdOnBothSides(upsert: Upsert): boolean {
    const changes = upsert.changes;
    if (!this.#detector.remoteLogs || !changes?.rowChanged || upsert.meta.compositePK) return false;
    if (upsert.resolved.by !== 'natural-key' && upsert.resolved.by !== 'primary-key') return false;
    // a row REMOTE deleted (see deletedOnRemote) whose key another REMOTE row holds now: REMOTE made that one
    return changes.created || !!this.resolver.vanished.get(upsert.meta.className)?.has(upsert.pkKey);
  }

  /**
   * Of the rows {@link createdOnBothSides}, those REMOTE's log shows a change of that was not applied from this
   * source (REMOTE's own create or edit, or another site's) and that LOCAL's values would change: writing them
   * would silently replace REMOTE's. Not a conflict:
   * - a row holding LOCAL's values already (both sides loaded the same data);
   * - a REMOTE row this source synced before (another LOCAL row's reference points at it, e.g. a row deleted and
   *   made again with the same key in one batch), unless REMOTE changed it after that reference's baseline;
   * - in two-way sync, a REMOTE row LOCAL received, with every change of it up to what LOCAL has applied of
   *   REMOTE's log: LOCAL saw it, then made its own row with that key.
   */
  private async madeOnRemote(
    entity: string,
    remoteMeta: EntityMetadata,
    rows: Upsert[],
  ): Promise<Map<string, Detected>> {
    const differing = rows.filter((u) => this.changesRemote(u));
    if (!differing.length) return new Map();
    const everything = { remoteVersion: null, remoteHash: null, remoteLogId: 0 };
    const detected = await this.#detector.detect(
      remoteMeta,
      differing.map((u) => ({ pkKey: u.pkKey, remote: u.resolved.remote!, baseline: everything })),
    );
    if (!detected.size) return detected;
    const remoteOf = new Map(differing.map((u) => [u.pkKey, primaryKeyOf(u.resolved.remote!)]));
    const remotePks = () => [...detected.keys()].map((pkKey) => remoteOf.get(pkKey));
    const synced = await this.resolver.baselinesOfRemoteRows(entity, remotePks());
    for (const [pkKey, d] of detected) {
      const since = synced.get(keyString(remoteOf.get(pkKey)));
      if (since !== undefined && d.remoteLogId !== null && d.remoteLogId <= since) detected.delete(pkKey);
    }
    const applied = await this.resolver.appliedFromRemote();
    if (applied === null || !detected.size) return detected;
    const received = await this.resolver.receivedRows(entity, remotePks());
    for (const [pkKey, d] of detected) {
      const seen = applied.has(d.remoteLogId);
      if (seen && received.has(keyString(remoteOf.get(pkKey)))) detected.delete(pkKey);
    }
    return detected;
  }

  /**
   * Whether writing a row found on REMOTE would change it: a value or a relation differs from REMOTE's, a relation
   * points at a row new to REMOTE, or a many-to-many collection is to be written (collections are not compared).
   */
  private changesRemote(upsert: Upsert): boolean {
    if (upsert.links.size || Object.keys(this.valuesOf(upsert)).length) return true;
    const remote = upsert.resolved.remote!;
    for (const [prop, kind] of carriedProperties(upsert.meta, this.ctx.skipped(upsert.meta.className))) {
      if (kind !== 'relation') continue;
      const target = relationTarget(upsert.local, prop);
      const wanted = target ? this.plan.remoteOf(target) : null;
      // a target new to REMOTE has no REMOTE row before the batch writes it
      if (target && !wanted) return true;
      const current = relationTarget(remote, upsert.remoteMeta.properties[prop.name as never] ?? prop);
      if (keyOf(wanted) !== keyOf(current)) return true;
    }
    return false;
  }

  /**
   * Rows LOCAL changed (not created; values or collections) whose REMOTE row, recorded by a reference, REMOTE has
   * deleted since: writing them would create the row again over REMOTE's delete, so each is a conflict (with no
   * REMOTE values). Not a row that another row of the batch points at or holds in a collection: that one is
   * created again as any missing target is, since the rows pointing at it need it.
   */
  private deletedOnRemote(entity: string, upserts: Upsert[]): Upsert[] {
    const vanished = this.resolver.vanished.get(entity);
    if (!vanished?.size) return [];
    const gone = upserts.filter(
      (u) => !u.resolved.remote && vanished.has(u.pkKey) && !!u.changes && !u.changes.created,
    );
    if (!gone.length) return gone;
    const pointed = new Set<object>();
    for (const other of this.plan.upserts.values()) {
      for (const u of other.values()) {
        for (const target of this.targetsOf(u)) pointed.add(target);
        for (const prop of u.links) for (const item of itemsOf(u, prop)) pointed.add(item);
      }
    }
    return gone.filter((u) => !pointed.has(u.local));
  }

  /** When REMOTE deleted each row of {@link deletedOnRemote}, from REMOTE's log where it keeps one. */
  private async deletedSince(
    entity: string,
    remoteMeta: EntityMetadata,
    rows: Upsert[],
  ): Promise<Map<string, Detected>> {
    const detected = new Map<string, Detected>();
    if (!rows.length) return detected;
    const vanished = this.resolver.vanished.get(entity)!;
    const baselines = this.resolver.baselines.get(entity);
    const sinceOf = (u: Upsert) => baselines?.get(u.pkKey)?.remoteLogId ?? 0;
    const remotePks = rows.map((u) => vanished.get(u.pkKey));
    const logged = await this.#detector.changesSince(
      remoteMeta,
      remotePks,
      Math.min(...rows.map(sinceOf)),
      'delete',
    );
    rows.forEach((u, i) => {
      const last = logged.get(keyString(remotePks[i]));
      // a delete REMOTE did not log has no time: the conflict then has none to compare (REMOTE wins newer-wins)
      const deleted = last && last.id > sinceOf(u) ? last : null;
      detected.set(u.pkKey, { remoteChangedAt: deleted?.at ?? null, remoteLogId: deleted?.id ?? null });
    });
    return detected;
  }

  /**
   * Detects REMOTE changes since the last sync on rows about to be updated, and applies the conflict policy
   * (or a resolution stored by `resolveConflict()`): write LOCAL values, keep REMOTE's, write merged values,
   * or leave the row pending for a person.
   */
  private async resolveConflicts(): Promise<void> {
    for (const [entity, byPk] of this.plan.upserts) {
      const upserts = [...byPk.values()];
      const tracked = upserts.filter(
        (u) => (u.resolved.by === 'reference' || u.resolved.by === 'origin') && u.changes?.rowChanged,
      );
      const created = upserts.filter((u) => this.createdOnBothSides(u));
      const gone = this.deletedOnRemote(entity, upserts);
      const baselines = this.resolver.baselines.get(entity);
      const baselined = (rows: Upsert[]) =>
        rows.flatMap((u) => {
          const baseline = baselines?.get(u.pkKey);
          return baseline ? [{ pkKey: u.pkKey, remote: u.resolved.remote!, baseline, upsert: u }] : [];
        });
      const candidates = baselined(tracked);
      // rows whose many-to-many collections LOCAL changed: checked against REMOTE's changes of the same ones
      const linked = baselined(
        upserts.filter((u) => (u.resolved.by === 'reference' || u.resolved.by === 'origin') && !!u.changes),
      )
        .map((c) => ({ ...c, collections: this.plan.changedCollections(c.upsert) }))
        .filter((c) => c.collections.size > 0);
      if (!candidates.length && !linked.length && !created.length && !gone.length) continue;
      const rows = [...new Set([...tracked, ...linked.map((c) => c.upsert), ...created, ...gone])];
      const remoteMeta = rows[0]!.remoteMeta;
      const detected = candidates.length
        ? await this.#detector.detect(remoteMeta, candidates)
        : new Map<string, Detected>();
      // rows detected through a collection: a pivot row LOCAL received counts as receiving the change
      const viaCollections = {
        rows: new Set<string>(),
        alsoValues: new Set<string>(),
        pivots: this.pivotsOf(entity),
      };
      if (linked.length) {
        const collections = await this.#detector.collectionChanges(remoteMeta, linked, viaCollections.pivots);
        for (const [pkKey, d] of collections) {
          viaCollections.rows.add(pkKey);
          const prior = detected.get(pkKey);
          if (prior) viaCollections.alsoValues.add(pkKey);
          // the later of the two REMOTE changes is the one LOCAL must have received for no conflict
          if (!prior || (prior.remoteLogId !== null && Number(d.remoteLogId) > Number(prior.remoteLogId))) {
            detected.set(pkKey, d);
          }
        }
      }
      if (detected.size) {
        await this.unseen(
          entity,
          detected,
          new Map(rows.flatMap((u) => (u.changes ? [[u.pkKey, u.changes]] : []))),
          viaCollections,
        );
      }
      for (const [pkKey, d] of await this.madeOnRemote(entity, remoteMeta, created)) detected.set(pkKey, d);
      for (const [pkKey, d] of await this.deletedSince(entity, remoteMeta, gone)) detected.set(pkKey, d);
      if (!detected.size) continue;
      const conflicting = rows.filter((u) => detected.has(u.pkKey));
      const keys = await this.resolver.keysOf(
        conflicting[0].meta,
        conflicting.map((u) => u.local),
      );
      const stored = await this.storedFor(entity);
      const policy = policyFor(this.ctx.conflicts, entity, this.#detector.remoteLogs);
      const collections = await this.collectionsOf(conflicting);
      for (const [i, upsert] of conflicting.entries()) {
        const remote = upsert.resolved.remote;
        const conflict: SyncConflict = {
          entity,
          key: keys[i],
          local: { ...syncedValues(upsert.meta, upsert.local), ...collections.local.get(upsert) },
          // a row REMOTE deleted has no values there (as a LOCAL delete has none in `local`)
          remote: remote ? { ...syncedValues(remoteMeta, remote), ...collections.remote.get(upsert) } : {},
          resolution: 'pending',
        };
        const settled = applicableResolution(stored.get(upsert.pkKey), conflict, this.ctx.skipped(entity));
        const remoteAt = detected.get(upsert.pkKey)!.remoteChangedAt;
        const decision: Decision =
          settled ?? (await decide(policy, conflict, upsert.changes!.changedAt, remoteAt));
        upsert.decision = decision;
        conflict.resolution = typeof decision === 'object' ? 'merged' : decision;
        this.ctx.reportConflict(conflict, upsert.pkKey);
        if (decision === 'pending') {
          this.#counts.deferred.push(...upsert.changes!.ids);
          this.#counts.pending.push({ ...conflict, localPk: upsert.pkKey });
          if (stored.has(upsert.pkKey)) this.#counts.superseded.push({ entity, localPk: upsert.pkKey });
        }
      }
    }
  }

  /**
   * The collections of `entity` synced as pivot-entity rows whose primary key holds the owner's (a composite key
   * of the two relations): REMOTE's log names the owner of each such row it logged. A pivot with a key of its own
   * does not, and is left out (docs/conflicts.md, Limits).
   */
  private pivotsOf(entity: string): Map<string, { meta: EntityMetadata; ownerIndex: number }> {
    const pivots = new Map<string, { meta: EntityMetadata; ownerIndex: number }>();
    for (const scope of this.plan.pivots) {
      if (scope.owners[0]?.meta.className !== entity || !scope.remoteMeta.compositePK) continue;
      // the logged key lists each related row's key in place: one value each only for single-column keys
      const single = scope.remoteMeta
        .getPrimaryProps()
        .every((p) => (p.targetMeta?.primaryKeys.length ?? 1) === 1);
      if (!single) continue;
      const ownerIndex = scope.remoteMeta.primaryKeys.indexOf(scope.ownerProp as never);
      if (ownerIndex >= 0) pivots.set(scope.property, { meta: scope.remoteMeta, ownerIndex });
    }
    return pivots;
  }

  /**
   * The many-to-many collections LOCAL changed of conflicting rows, as both sides hold them: LOCAL's items as
   * LOCAL keys, REMOTE's as REMOTE keys (one populate query per property on REMOTE), each list in key order, so
   * a person sees what each side would keep and a stored decision holds for these items only.
   */
  private async collectionsOf(rows: Upsert[]): Promise<{
    local: Map<Upsert, Record<string, unknown[]>>;
    remote: Map<Upsert, Record<string, unknown[]>>;
  }> {
    const local = new Map<Upsert, Record<string, unknown[]>>();
    const remote = new Map<Upsert, Record<string, unknown[]>>();
    const byProp = new Map<string, Upsert[]>();
    for (const u of rows) {
      for (const prop of this.plan.changedCollections(u)) {
        local.set(u, { ...local.get(u), [prop]: collectionKeys(this.localItems(u, prop)) });
        if (u.resolved.remote && helper(u.resolved.remote).hasPrimaryKey()) {
          byProp.set(prop, [...(byProp.get(prop) ?? []), u]);
        }
      }
    }
    for (const [prop, owners] of byProp) {
      const remotes = owners.map((u) => u.resolved.remote!);
      await this.tx.populate(remotes as never[], [prop] as never[]);
      for (const u of owners) {
        const items = (u.resolved.remote as Record<string, { getItems(): object[] }>)[prop]!.getItems();
        remote.set(u, { ...remote.get(u), [prop]: collectionKeys(items) });
      }
    }
    return { local, remote };
  }

  /** LOCAL's current items of a changed collection: read with the batch, or the targets of its pivot rows. */
  private localItems(upsert: Upsert, prop: string): object[] {
    const scope = this.plan.pivots.find((p) => p.property === prop && p.owners.includes(upsert));
    if (!scope) return itemsOf(upsert, prop);
    const ownerProp = scope.pivotMeta.properties[scope.ownerProp as never] as EntityProperty;
    const target = (upsert.meta.properties[prop as never] as EntityProperty).targetMeta?.className;
    const targetProp = scope.pivotMeta.relations.find(
      (r) =>
        r.kind === ReferenceKind.MANY_TO_ONE &&
        r.name !== scope.ownerProp &&
        r.targetMeta?.className === target,
    );
    if (!targetProp) return [];
    return scope.kept.flatMap((k) => {
      const owner = relationTarget(k.local, ownerProp);
      const target = relationTarget(k.local, targetProp);
      return owner && target && keyOf(owner) === upsert.pkKey ? [target] : [];
    });
  }

  /**
   * Decisions stored by `resolveConflict()` for the batch's changed rows of `entity`: one lookup per entity and
   * batch, shared by the conflict checks and {@link settleResolutions} (none when LOCAL holds no decision).
   */
  private storedFor(entity: string): Promise<Map<string, StoredResolution>> {
    let stored = this.#stored.get(entity);
    if (!stored) {
      // every logged row: a change of its collections alone can be a conflict too
      const changed = [...(this.plan.upserts.get(entity)?.values() ?? [])].filter((u) => u.changes);
      const deleted = this.plan.deletes.filter((d) => d.meta.className === entity);
      stored = this.ctx.storedResolutions(entity, [
        ...changed.map((u) => u.pkKey),
        ...deleted.map((d) => d.row.pkKey),
      ]);
      this.#stored.set(entity, stored);
    }
    return stored;
  }

  /**
   * Stored decisions of the batch's rows are used up once the batch commits: applied, or no longer applicable
   * because the row was synced without a conflict, or decided again (a row left pending is stored again,
   * with its new values, instead).
   */
  private async settleResolutions(): Promise<void> {
    const pending = new Set(this.#counts.pending.map(rowKey));
    const entities = new Set([
      ...this.plan.upserts.keys(),
      ...this.plan.deletes.map((d) => d.meta.className),
    ]);
    for (const entity of entities) {
      for (const localPk of (await this.storedFor(entity)).keys()) {
        if (!pending.has(rowKey({ entity, localPk }))) this.#counts.settled.push({ entity, localPk });
      }
    }
  }

  /**
   * The carried relations, pointing at the REMOTE rows of their LOCAL targets. None for a row whose collection alone
   * LOCAL changed: its LOCAL relations are not newer than REMOTE's (and merged values carry no relations).
   */
  private relationsOf(upsert: Upsert): Record<string, unknown> {
    const relations: Record<string, unknown> = {};
    if (collectionOnly(upsert)) return relations;
    for (const [prop, kind] of carriedProperties(upsert.meta, this.ctx.skipped(upsert.meta.className))) {
      if (kind !== 'relation') continue;
      const target = relationTarget(upsert.local, prop);
      relations[prop.name] = target ? this.requireRemote(target, upsert, prop.name) : null;
    }
    return relations;
  }

  /**
   * Hands what was queued to the unit of work to one flush. A flush computes change sets over the whole identity
   * map, so it is skipped when nothing was queued. The batch's own context counts them in its flush (computed
   * once); a dry run or a caller's EntityManager (whose subscribers are the application's) computes them here. A
   * dry run writes nothing.
   */
  private async flushQueued(): Promise<void> {
    if (!this.#queued) return;
    if (this.ctx.dryRun || this.ctx.callerRemote) this.countChangeSets(this.tx.getUnitOfWork());
    else this.countInFlush();
    if (this.ctx.dryRun) return;
    await withSynchroOrigin(this.ctx.source, () => this.tx.flush());
    this.#queued = false;
  }

  /**
   * Unit-of-work path: creates missing rows and assigns values (relations once every row exists). MikroORM
   * inserts before it updates, so when a new row takes a natural key that another row of the batch moves away
   * from (RemoteResolver.displaced), the updated values are flushed first, freeing the key.
   */
  private async writeValues(bulk: Set<string>): Promise<void> {
    const rows = [...this.plan.written()].filter((u) => !bulk.has(u.meta.className) && writesValues(u));
    const displaced = rows.some(
      (u) => !u.resolved.remote && this.resolver.displaced.get(u.meta.className)?.has(u.pkKey),
    );
    // before an early flush, existing rows whose relations all point at rows REMOTE has (values and relations
    // together, so each row is updated, and counted, once); the others with the new rows
    const early = new Set(
      displaced && !this.ctx.dryRun
        ? rows.filter((u) => u.resolved.remote && this.targetsOf(u).every((t) => this.plan.remoteOf(t)))
        : [],
    );
    for (const upsert of early) {
      this.tx.assign(upsert.resolved.remote!, {
        ...this.valuesOf(upsert),
        ...this.relationsOf(upsert),
      } as never);
      this.#queued = true;
    }
    if (early.size) await this.flushQueued();
    for (const upsert of rows) {
      if (early.has(upsert)) continue;
      const values = this.valuesOf(upsert);
      if (upsert.resolved.remote) {
        this.tx.assign(upsert.resolved.remote, values as never);
      } else {
        upsert.resolved = {
          remote: this.tx.create(upsert.remoteMeta.class, values as never, { persist: true }),
        };
      }
      this.#queued = true;
    }
    for (const upsert of rows) {
      if (early.has(upsert)) continue;
      const relations = this.relationsOf(upsert);
      if (Object.keys(relations).length) this.tx.assign(upsert.resolved.remote!, relations as never);
    }
  }

  private requireRemote(target: object, owner: Upsert, prop: string): object {
    const remote = this.plan.remoteOf(target);
    if (!remote) {
      throw SynchroError.unresolvedTarget(
        owner.meta.className,
        owner.pkKey,
        prop,
        helper(target).__meta.className,
      );
    }
    return remote;
  }

  /**
   * Makes each changed REMOTE collection equal to the LOCAL one: on the bulk path as pivot-table rows
   * inserted and deleted in bulk (one query reads the current rows of owners that existed before the batch),
   * else through the collections (one populate query per property).
   */
  private async writeLinks(bulk: Set<string>): Promise<void> {
    for (const byPk of this.plan.upserts.values()) {
      const props = new Set([...byPk.values()].flatMap((u) => [...u.links]));
      for (const prop of props) {
        // a row whose conflict kept REMOTE's version (or left it pending) keeps REMOTE's collections too
        const owners = [...byPk.values()].filter((u) => u.links.has(prop) && isWritten(u));
        if (owners.length === 0) continue;
        if (bulk.has(owners[0]!.meta.className)) {
          const changed = await this.#bulk.links(
            owners[0]!.remoteMeta,
            prop,
            owners.map((owner) => ({
              remote: owner.resolved.remote!,
              created: !owner.resolved.by,
              items: itemsOf(owner, prop).map((item) => this.requireRemote(item, owner, prop)),
            })),
          );
          if (changed) {
            this.ctx.report.linked += changed.length;
            // as the subscriber logs a flush: a row created here is logged as a `create`, which stands for its
            // collections too, so it gets no `link` row
            const created = new Set(owners.filter((o) => !o.resolved.by).map((o) => o.resolved.remote));
            for (const remote of changed) {
              if (created.has(remote)) continue;
              this.#remoteLog.push({
                entity: owners[0]!.remoteMeta.className,
                action: 'link',
                pk: primaryKeyOf(remote),
                property: prop,
              });
            }
            continue;
          }
        }
        this.#queued = true;
        const existing = owners.map((u) => u.resolved.remote!).filter((r) => helper(r).hasPrimaryKey());
        if (existing.length) await this.tx.populate(existing as never[], [prop] as never[]);
        for (const owner of owners) {
          const items = itemsOf(owner, prop);
          const remoteItems = items.map((item) => this.requireRemote(item, owner, prop));
          const coll = (
            owner.resolved.remote as Record<string, { set(i: object[]): void; isDirty(): boolean }>
          )[prop];
          coll.set(remoteItems);
          if (coll.isDirty()) this.ctx.report.linked += 1;
        }
      }
    }
  }

  /** Removes REMOTE pivot rows of the synced owners that LOCAL no longer has (one query per property). */
  private async prunePivotRows(): Promise<void> {
    for (const scope of this.plan.pivots) {
      const owners = scope.owners
        .filter(isWritten)
        .map((u) => u.resolved.remote!)
        .filter((r) => helper(r).hasPrimaryKey());
      const kept = new Set(scope.kept.map((u) => u.resolved.remote));
      if (owners.length) {
        const rows = await this.tx.find(scope.remoteMeta.class, {
          [scope.ownerProp]: { $in: owners },
        } as never);
        for (const row of rows) {
          if (kept.has(row)) continue;
          this.tx.remove(row);
          this.#queued = true;
        }
      }
      this.ctx.report.linked += scope.owners.length;
    }
  }

  /**
   * Finds deleted rows on REMOTE (reference, stored natural key, or application-assigned key): removed
   * through the unit of work, or returned for a bulk DELETE after the flush.
   */
  private async removeDeleted(bulk: Set<string>): Promise<{ meta: EntityMetadata; remotes: object[] }[]> {
    const byEntity = new Map<string, typeof this.plan.deletes>();
    for (const d of this.plan.deletes) {
      byEntity.set(d.meta.className, [...(byEntity.get(d.meta.className) ?? []), d]);
    }
    const bulkDeletes: { meta: EntityMetadata; remotes: object[] }[] = [];
    const written = new Set([...this.plan.written()].map((u) => u.resolved.remote));
    for (const name of this.ctx.entityOrder([...byEntity.keys()])) {
      const group = byEntity.get(name)!;
      const { meta, remoteMeta } = group[0];
      const rows = group.map((d) => d.row);
      const found = await this.resolver.resolveDeleted(meta, remoteMeta, rows);
      const kept = await this.deleteConflicts(name, remoteMeta, rows, found);
      const remotes: object[] = [];
      for (const row of rows) {
        const remote = found.get(row.pkKey);
        // A row deleted and re-created under the same natural key resolves to the REMOTE row being written.
        const reused = remote && written.has(remote);
        if (!remote || kept.has(row.pkKey) || reused) {
          if (!remote) this.ctx.report.skipped += 1; // untracked on REMOTE: left alone
          continue;
        }
        remotes.push(remote);
        if (bulk.has(name)) {
          this.#remoteLog.push({
            entity: remoteMeta.className,
            action: 'delete',
            pk: primaryKeyOf(remote),
            naturalKey: row.deletedKey,
          });
        } else {
          this.tx.remove(remote);
          this.#queued = true;
        }
      }
      if (bulk.has(name) && remotes.length) bulkDeletes.push({ meta: remoteMeta, remotes });
      const pending = new Set(this.#counts.pending.filter((c) => c.entity === name).map((c) => c.localPk));
      this.#deletedRefs.push(
        ...rows.filter((r) => !pending.has(r.pkKey)).map((r) => ({ entity: name, localPk: r.pkKey })),
      );
    }
    return bulkDeletes;
  }

  /**
   * A LOCAL delete of a row REMOTE changed since the last sync is a conflict too: `local` deletes it, `remote`
   * keeps it (so does a function's merged values: there is nothing to merge into), `manual` leaves it
   * pending. Returns the LOCAL keys whose REMOTE row is kept.
   */
  private async deleteConflicts(
    entity: string,
    remoteMeta: EntityMetadata,
    rows: RowChanges[],
    found: Map<string, object>,
  ): Promise<Set<string>> {
    const kept = new Set<string>();
    const baselines = this.resolver.baselines.get(entity);
    const candidates = rows.flatMap((r) => {
      const remote = found.get(r.pkKey);
      const baseline = baselines?.get(r.pkKey);
      return remote && baseline ? [{ pkKey: r.pkKey, remote, baseline }] : [];
    });
    if (!candidates.length) return kept;
    const detected = await this.unseen(
      entity,
      await this.#detector.detect(remoteMeta, candidates),
      new Map(rows.map((r) => [r.pkKey, r])),
    );
    if (!detected.size) return kept;
    const stored = await this.storedFor(entity);
    const policy = policyFor(this.ctx.conflicts, entity, this.#detector.remoteLogs);
    for (const row of rows.filter((r) => detected.has(r.pkKey))) {
      const remote = found.get(row.pkKey)!;
      const conflict: SyncConflict = {
        entity,
        key: row.deletedKey ?? row.pk,
        local: {},
        remote: syncedValues(remoteMeta, remote),
        resolution: 'pending',
      };
      const settled = applicableResolution(stored.get(row.pkKey), conflict, this.ctx.skipped(entity));
      const decided =
        settled ?? (await decide(policy, conflict, row.changedAt, detected.get(row.pkKey)!.remoteChangedAt));
      const decision = typeof decided === 'object' ? 'remote' : decided;
      conflict.resolution = decision;
      this.ctx.reportConflict(conflict, row.pkKey);
      if (decision === 'local') continue;
      kept.add(row.pkKey);
      if (decision === 'pending') {
        this.#counts.deferred.push(...row.ids);
        this.#counts.pending.push({ ...conflict, localPk: row.pkKey });
        if (stored.has(row.pkKey)) this.#counts.superseded.push({ entity, localPk: row.pkKey });
      }
    }
    return kept;
  }

  /**
   * For entities detected by row hash (no version, REMOTE keeps no log): the written rows as the database
   * stores them, so the recorded hash is not thrown off by rounding or precision (one query per entity).
   */
  private async reloadForHash(): Promise<Map<object, object>> {
    const reloaded = new Map<object, object>();
    if (this.#detector.remoteLogs) return reloaded;
    const fresh = this.tx.fork({ clear: true, keepTransactionContext: true });
    for (const byPk of this.plan.upserts.values()) {
      const rows = [...byPk.values()].filter((u) => u.resolved.remote && u.decision !== 'pending');
      if (!rows.length || detectionMethod(rows[0].remoteMeta, false) !== 'hash') continue;
      const meta = rows[0].remoteMeta;
      const byKey = new Map(
        rows.map((u) => [keyString(primaryKeyOf(u.resolved.remote!)), u.resolved.remote!]),
      );
      const pks = [...byKey.keys()].map((k) => JSON.parse(k));
      for (const chunk of chunkByParameters(this.tx.getPlatform(), pks, pkWeight(meta))) {
        for (const row of await fresh.find(meta.class, pkListWhere(fresh, meta, chunk) as never)) {
          const mine = byKey.get(keyString(primaryKeyOf(row)));
          if (mine) reloaded.set(mine, row);
        }
      }
    }
    return reloaded;
  }

  /**
   * Counts what the batch's flush writes when it has computed its change sets (`onFlush` of the batch's own
   * copy of the subscribers: registered last, so rows other subscribers add there are seen too, and left out
   * unless they are of an entity this batch syncs).
   */
  private countInFlush(): void {
    const uow = this.tx.getUnitOfWork();
    const synced = new Set([...this.plan.upserts.keys(), ...this.plan.deletes.map((d) => d.meta.className)]);
    let counted = false;
    this.tx.getEventManager().registerSubscriber({
      onFlush: (args: FlushEventArgs) => {
        if (counted || args.uow !== uow) return;
        counted = true;
        this.countChangeSets(uow, synced);
      },
    });
  }

  /** Adds what the unit of work will write to the counts, from its change sets (computed here if not given). */
  private countChangeSets(uow: UnitOfWork, only?: ReadonlySet<string>): void {
    if (!only) uow.computeChangeSets();
    for (const cs of uow.getChangeSets()) {
      if (cs.meta.className === SynchroReference.meta.className) continue;
      if (only && !only.has(cs.meta.className)) continue;
      if (cs.type === ChangeSetType.CREATE) this.#counts.created += 1;
      else if (cs.type === ChangeSetType.DELETE || cs.type === ChangeSetType.DELETE_EARLY)
        this.#counts.deleted += 1;
      else if (Object.keys(cs.payload).length) this.#counts.updated += 1;
    }
  }

  /** The REMOTE keys of FK-target rows this batch resolved or created, for later batches of the run. */
  private rememberTargets(): void {
    for (const [entity, byPk] of this.plan.upserts) {
      if (!this.ctx.targets.keeps(entity)) continue;
      for (const u of byPk.values()) {
        const remote = u.resolved.remote;
        if (!remote || !helper(remote).hasPrimaryKey()) continue;
        this.#counts.resolved.push({ entity, localPk: u.pkKey, remotePk: primaryKeyOf(remote) });
      }
    }
    this.#counts.forgotten.push(...this.#deletedRefs);
  }

  /**
   * Rows only pointed at that were matched on REMOTE by natural key (or primary key) while they have a conflict
   * of their own (pending, or decided by a person and not applied yet), such as a row both sides created:
   * recording a reference for them would make their own changes look synced against REMOTE's current values on
   * the next run, and bypass the conflict or its decision.
   */
  private async heldFirstContacts(): Promise<Map<string, Set<string>>> {
    const held = new Map<string, Set<string>>();
    for (const [entity, byPk] of this.plan.upserts) {
      const matched = [...byPk.values()]
        .filter((u) => u.ensureOnly && (u.resolved.by === 'natural-key' || u.resolved.by === 'primary-key'))
        .map((u) => u.pkKey);
      if (matched.length) held.set(entity, await this.ctx.conflictedAmong(entity, matched));
    }
    return held;
  }

  /** Records LOCAL → REMOTE keys of every row written or matched, and forgets those of deleted rows. */
  private async writeReferences(): Promise<void> {
    const rows: {
      source: string;
      entity: string;
      localPk: string;
      remotePk: unknown;
      remoteVersion: string | null;
      remoteHash: string | null;
      remoteLogId: number | null;
    }[] = [];
    const logId = await this.#detector.logPosition();
    const hashed = await this.reloadForHash();
    const held = await this.heldFirstContacts();
    for (const byPk of this.plan.upserts.values()) {
      for (const u of byPk.values()) {
        if (!u.resolved.remote || u.decision === 'pending') continue;
        if (held.get(u.meta.className)?.has(u.pkKey)) continue;
        // A row matched by reference (or through LOCAL's references, as received from REMOTE) and not written
        // keeps its baseline: nothing was confirmed.
        // A decided conflict confirms REMOTE's row as the decision saw it (its values and collections were in
        // the conflict): for REMOTE, or for a row whose collection alone LOCAL changed (its values not written).
        const confirmed = writesValues(u) || u.decision !== undefined;
        if ((u.resolved.by === 'reference' || u.resolved.by === 'origin') && !confirmed) continue;
        const meta = u.remoteMeta;
        const hash = detectionMethod(meta, this.#detector.remoteLogs) === 'hash';
        rows.push({
          source: this.ctx.source,
          entity: u.meta.className,
          localPk: u.pkKey,
          remotePk: primaryKeyOf(u.resolved.remote),
          remoteVersion: versionOf(meta, u.resolved.remote),
          remoteHash: hash ? rowHash(meta, hashed.get(u.resolved.remote) ?? u.resolved.remote) : null,
          remoteLogId: logId,
        });
      }
    }
    // A key without a reference row when this batch looked it up gets a plain INSERT (one batch per source runs
    // at a time, under the lease); only the others need the upsert, which costs PostgreSQL about twice as much.
    const existing: typeof rows = [];
    const fresh: typeof rows = [];
    for (const r of rows) (this.resolver.referenced.get(r.entity)?.has(r.localPk) ? existing : fresh).push(r);
    const refMeta = metadataOf(this.tx, SynchroReference);
    const ctx = this.tx.getTransactionContext();
    const literal = (chunk: typeof rows) =>
      chunk.map((r) => REFERENCE_COLUMNS.map((c) => r[c.property as never]));
    const written =
      (await insertJsonRows(this.tx, refMeta, REFERENCE_COLUMNS, literal(fresh), { ctx })) &&
      (await insertJsonRows(this.tx, refMeta, REFERENCE_COLUMNS, literal(existing), {
        ctx,
        conflict: { target: [...REFERENCE_KEY], update: [...REFERENCE_BASELINE] },
      }));
    for (const chunk of written ? [] : chunkByParameters(this.tx.getPlatform(), rows, 7)) {
      await sqlEm(this.tx)
        .createQueryBuilder(SynchroReference)
        .insert(chunk)
        .onConflict([...REFERENCE_KEY])
        .merge([...REFERENCE_BASELINE])
        .execute();
    }
    for (const chunk of chunkByParameters(this.tx.getPlatform(), this.#deletedRefs, 2)) {
      await this.tx.nativeDelete(SynchroReference, {
        source: this.ctx.source,
        $or: chunk.map((r) => ({ entity: r.entity, localPk: r.localPk })),
      });
    }
  }
}

/** A row REMOTE has, found by reference or key, whose values LOCAL did not change (a collection change only). */
function collectionOnly(upsert: Upsert): boolean {
  return !!upsert.resolved.remote && !!upsert.resolved.by && !upsert.changes?.rowChanged;
}

/** A REMOTE row's key string, or null for none. */
function keyOf(remote: object | null): string | null {
  return remote ? keyString(primaryKeyOf(remote)) : null;
}
