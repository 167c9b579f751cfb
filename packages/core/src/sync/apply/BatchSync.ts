import {
  type EntityManager,
  type EntityMetadata,
  type EntityProperty,
  helper,
  ReferenceKind,
} from '@mikro-orm/core';
import type { LoggedChange } from '../../log/LogReader.js';
import { chunkByParameters } from '../../util/parameterLimit.js';
import { keyString, primaryKeyOf } from '../../util/primaryKey.js';
import { collapse, type RowChanges } from '../plan/collapse.js';
import { pkListWhere, pkWeight } from '../resolve/pkWhere.js';
import { RemoteResolver } from '../resolve/RemoteResolver.js';
import type { BatchCounts, SyncContext } from '../SyncContext.js';
import { BatchPlan, isWritten, itemsOf, type Upsert } from './BatchPlan.js';
import { BatchWriter } from './BatchWriter.js';
import { carriedProperties, relationTarget } from './copyValues.js';
import { userPivotOf } from './pivotEntity.js';
import { plainKey, plainPivot, readPivotRows } from './pivotRows.js';

/**
 * @internal One batch of the log, in two steps. {@link BatchSync.plan} loads the LOCAL rows in bulk, before
 * any REMOTE transaction is open; {@link BatchSync.apply} resolves them and everything they point to on REMOTE
 * in bulk into `tx`'s identity map (the batch transaction), and a BatchWriter writes. `apply` returns what was
 * (or, in a dry run, would be) written.
 */
export class BatchSync {
  readonly #plan = new BatchPlan();
  readonly #upserts = this.#plan.upserts;
  #resolver!: RemoteResolver;
  #tx!: EntityManager;
  #changes = 0;
  /** Rows resolved so far, by entity (resolution runs again for rows added after conflicts are decided). */
  readonly #done = new Map<string, Set<string>>();
  /** Rows created on REMOTE whose collections were added by {@link completeCreatedRows}. */
  readonly #whole = new WeakSet<Upsert>();
  /** The plain collections {@link completeCreatedRows} added to rows created on REMOTE. */
  readonly #completed: { owner: Upsert; prop: string }[] = [];

  constructor(
    private readonly ctx: SyncContext,
    private readonly local: EntityManager,
  ) {}

  /** Reads the batch's LOCAL rows (only LOCAL is read). */
  async plan(changes: LoggedChange[]): Promise<this> {
    this.#changes = changes.length;
    for (const [entity, byPk] of collapse(changes)) {
      await this.planEntity(entity, byPk);
    }
    return this;
  }

  /** Resolves the planned rows on REMOTE inside `tx` (the batch transaction) and writes them. */
  async apply(tx: EntityManager): Promise<BatchCounts> {
    this.#tx = tx;
    this.#resolver = new RemoteResolver(
      this.local,
      tx,
      this.ctx.source,
      this.ctx.localRuntime.options,
      !this.ctx.callerRemote,
      this.ctx.received,
    );
    await this.resolveAll();
    const writer = new BatchWriter(this.ctx, tx, this.#plan, this.#resolver);
    await writer.decide();
    // once conflicts are decided, the rows to be created are known: each is created whole
    let planned: Set<Upsert> | undefined;
    for (let rows = this.rowsToComplete(); rows.size; rows = this.rowsToComplete()) {
      planned ??= new Set(this.allUpserts());
      if (!(await this.completeCreatedRows(rows))) break;
      await this.resolveAll();
    }
    if (planned) this.leaveOutHeld(planned);
    return writer.write(this.#changes);
  }

  /** Loads the LOCAL rows of one entity; existing ones are upserted, vanished ones deleted. */
  private async planEntity(entity: string, byPk: Map<string, RowChanges>): Promise<void> {
    const meta = this.ctx.localMeta(entity);
    if (!meta) return; // an entity removed from the model since it was logged
    const remoteMeta = this.ctx.remoteMeta(entity);
    const locals = await this.loadLocal(
      meta,
      [...byPk.values()].map((r) => r.pk),
    );
    // A created row logs no `link` rows: its owning collections are synced with it (empty ones are dropped
    // below, so a row created without items leaves REMOTE's collection as it is, as before).
    const implied = new Map<RowChanges, Set<string>>();
    const owned = ownedCollections(meta, this.ctx.skipped(entity));
    for (const row of byPk.values()) {
      if (!row.created || !owned.length || !locals.has(row.pkKey)) continue;
      const added = new Set(owned.filter((p) => !row.links.has(p)));
      for (const p of added) row.links.add(p);
      if (added.size) implied.set(row, added);
    }
    for (const row of byPk.values()) {
      const local = locals.get(row.pkKey);
      if (local) {
        this.addUpsert(meta, remoteMeta, row.pkKey, local, row.links, false).changes = row;
      } else if (!row.bornInBatch && row.rowChanged) {
        this.#plan.deletes.push({ meta, remoteMeta, row });
      } else {
        this.ctx.report.skipped += 1;
      }
    }
    const linked = [...byPk.values()].filter((r) => r.links.size && locals.has(r.pkKey));
    const byRow = new Map(linked.map((r) => [r, this.#upserts.get(meta.className)!.get(r.pkKey)!]));
    for (const prop of new Set(linked.flatMap((r) => [...r.links]))) {
      const rows = linked.filter((r) => r.links.has(prop));
      await this.planCollection(
        meta,
        prop,
        rows.map((r) => byRow.get(r)!),
        new Set(rows.filter((r) => implied.get(r)?.has(prop)).map((r) => byRow.get(r)!)),
      );
    }
  }

  /**
   * Plans the many-to-many property `prop` of `owners` (upserts of `meta`): reads their current LOCAL items, or,
   * for a collection stored through a pivot entity, adds its LOCAL pivot rows as upserts (synced with their extra
   * columns; the collection itself is not rewritten). An owner of `optional` with no items is left out: it is a
   * row new to REMOTE, so there is nothing to write.
   */
  private async planCollection(
    meta: EntityMetadata,
    prop: string,
    owners: Upsert[],
    optional: ReadonlySet<Upsert>,
  ): Promise<void> {
    const pivot = userPivotOf(this.local.getMetadata(), meta, prop);
    if (!pivot) {
      const byOwner = await this.loadItems(
        meta,
        prop,
        owners.map((u) => u.local),
      );
      for (const upsert of owners) {
        const items = byOwner ? (byOwner.get(upsert.local) ?? []) : itemsOf(upsert, prop);
        if (byOwner) {
          upsert.items ??= new Map();
          upsert.items.set(prop, items);
        }
        if (optional.has(upsert) && items.length === 0) upsert.links.delete(prop);
      }
      return;
    }
    for (const upsert of owners) upsert.links.delete(prop);
    const pivotRemote = this.ctx.remoteMeta(pivot.pivotMeta.className);
    const found: object[] = [];
    for (const chunk of chunkByParameters(this.local.getPlatform(), owners, pkWeight(meta))) {
      const rows = await this.local.find(pivot.pivotMeta.class, {
        [pivot.ownerProp]: { $in: chunk.map((u) => u.local) },
      } as never);
      found.push(...rows);
    }
    const withRows = new Set(
      found.map((row) => relationTarget(row, pivot.pivotMeta.properties[pivot.ownerProp as never])),
    );
    const kept = found.map((row) =>
      this.addUpsert(pivot.pivotMeta, pivotRemote, keyString(primaryKeyOf(row)), row, new Set(), false),
    );
    this.#plan.addPivots({
      ...pivot,
      property: prop,
      remoteMeta: pivotRemote,
      owners: owners.filter((u) => !optional.has(u) || withRows.has(u.local)),
      kept,
    });
  }

  /**
   * After {@link completeCreatedRows}: a row a conflict keeps off REMOTE (decided for REMOTE, or pending) is left
   * out of the collections completed, and so is every row added for them that would point at such a row (a
   * pivot row, or an item new to REMOTE): they cannot be written without it, and the decision stands. Rows
   * added only for those are left out too.
   */
  private leaveOutHeld(planned: ReadonlySet<Upsert>): void {
    const dropped = new Set<Upsert>();
    const held = (u: Upsert | undefined) => !!u && (dropped.has(u) || (!isWritten(u) && !u.resolved.remote));
    const added = [...this.allUpserts()].filter((u) => !planned.has(u) && !u.resolved.remote);
    for (let more = true; more; ) {
      more = false;
      for (const u of added) {
        if (dropped.has(u) || !this.relationTargets(u).some((t) => held(this.#plan.upsertOf(t)))) continue;
        dropped.add(u);
        more = true;
      }
    }
    for (const u of this.addedOnlyFor(dropped, added)) dropped.add(u);
    for (const { owner, prop } of this.#completed) {
      const items = itemsOf(owner, prop).filter((item) => !held(this.#plan.upsertOf(item)));
      owner.items ??= new Map();
      owner.items.set(prop, items);
      if (!items.length) owner.links.delete(prop);
    }
    for (const u of dropped) this.#upserts.get(u.meta.className)?.delete(u.pkKey);
    for (const scope of this.#plan.pivots) {
      if (scope.kept.some((k) => dropped.has(k))) scope.kept = scope.kept.filter((k) => !dropped.has(k));
      if (scope.owners.some((o) => dropped.has(o)))
        scope.owners = scope.owners.filter((o) => !dropped.has(o));
    }
  }

  /**
   * Of `added` (rows completion added), those only rows in `dropped` reach: not an FK target, a completed
   * collection's item or a pivot row of any row still written or already planned.
   */
  private addedOnlyFor(dropped: ReadonlySet<Upsert>, added: readonly Upsert[]): Upsert[] {
    const adds = new Set(added);
    const completed = new Map<Upsert, string[]>();
    for (const { owner, prop } of this.#completed)
      completed.set(owner, [...(completed.get(owner) ?? []), prop]);
    // each pivot row under the owner it points at
    const kept = new Map<Upsert, Upsert[]>();
    for (const scope of this.#plan.pivots) {
      const ownerProp = scope.pivotMeta.properties[scope.ownerProp as never] as EntityProperty;
      for (const row of scope.kept) {
        const target = relationTarget(row.local, ownerProp);
        const owner = target && this.#plan.upsertOf(target);
        if (!owner) continue;
        const list = kept.get(owner);
        if (list) list.push(row);
        else kept.set(owner, [row]);
      }
    }
    const needed = new Set<Upsert>();
    const stack: Upsert[] = [];
    const reach = (u: Upsert | undefined) => {
      if (!u || !adds.has(u) || dropped.has(u) || needed.has(u)) return;
      needed.add(u);
      stack.push(u);
    };
    const follow = (u: Upsert) => {
      for (const target of this.relationTargets(u)) reach(this.#plan.upsertOf(target));
      for (const prop of completed.get(u) ?? []) {
        for (const item of itemsOf(u, prop)) reach(this.#plan.upsertOf(item));
      }
      for (const row of kept.get(u) ?? []) reach(row);
    };
    for (const u of this.allUpserts()) if (!adds.has(u)) follow(u);
    for (let u = stack.pop(); u; u = stack.pop()) follow(u);
    return added.filter((u) => !needed.has(u) && !dropped.has(u));
  }

  private *allUpserts(): Generator<Upsert> {
    for (const byPk of this.#upserts.values()) yield* byPk.values();
  }

  /** The LOCAL rows an upsert's many-to-one relations point at. */
  private relationTargets(upsert: Upsert): object[] {
    const targets: object[] = [];
    for (const [prop, kind] of carriedProperties(upsert.meta, [])) {
      if (kind !== 'relation') continue;
      const target = relationTarget(upsert.local, prop);
      if (target) targets.push(target);
    }
    return targets;
  }

  /**
   * Rows the batch creates on REMOTE that LOCAL did not log as created in it and that {@link completeCreatedRows}
   * has not seen yet, by entity (none on the common path: no allocation there beyond the map).
   */
  private rowsToComplete(): Map<string, Upsert[]> {
    const byEntity = new Map<string, Upsert[]>();
    for (const upsert of this.#plan.written()) {
      if (upsert.resolved.remote || upsert.changes?.created || this.#whole.has(upsert)) continue;
      this.#whole.add(upsert);
      const list = byEntity.get(upsert.meta.className);
      if (list) list.push(upsert);
      else byEntity.set(upsert.meta.className, [upsert]);
    }
    return byEntity;
  }

  /**
   * Makes every row the batch creates on REMOTE whole: a row LOCAL did not log as created in this batch (one
   * REMOTE deleted and a decision makes again, or one REMOTE never had, only pointed at or changed) gets the
   * items of its many-to-many collections too, which LOCAL's log of this batch may not name. Takes the rows of
   * {@link rowsToComplete}; returns whether anything was added, whose rows must then be resolved.
   */
  private async completeCreatedRows(byEntity: Map<string, Upsert[]>): Promise<boolean> {
    let added = false;
    for (const [entity, rows] of byEntity) {
      const meta = rows[0]!.meta;
      for (const prop of ownedCollections(meta, this.ctx.skipped(entity))) {
        const owners = rows.filter((u) => !u.links.has(prop) && !this.#plan.pivotOwner(u, prop));
        if (!owners.length) continue;
        for (const u of owners) u.links.add(prop);
        await this.planCollection(meta, prop, owners, new Set(owners));
        for (const u of owners) {
          const pivotRows = this.#plan.pivotOwner(u, prop);
          if (!u.links.has(prop) && !pivotRows) continue;
          added = true;
          // a target created with its collections is written as a row of its own (and stays so once created)
          u.ensureOnly = false;
          if (pivotRows) continue;
          this.#completed.push({ owner: u, prop });
          for (const item of itemsOf(u, prop)) this.addTarget(item);
        }
      }
    }
    return added;
  }

  /**
   * The current items of a many-to-many of LOCAL rows, read from its pivot table as plain keys (items are
   * references, loaded only if their own key is needed); where that is not possible (see `plainPivot`), the
   * collections are populated and null is returned.
   */
  private async loadItems(
    meta: EntityMetadata,
    prop: string,
    owners: object[],
  ): Promise<Map<object, object[]> | null> {
    const pivot = plainPivot(this.local, meta, prop);
    if (!pivot) {
      for (const chunk of chunkByParameters(this.local.getPlatform(), owners, pkWeight(meta))) {
        await this.local.populate(chunk as never[], [prop] as never[]);
      }
      return null;
    }
    const target = (meta.properties[prop as never] as EntityProperty).targetMeta!;
    const rows = await readPivotRows(
      this.local,
      pivot,
      owners.map((o) => helper(o).getPrimaryKey()),
    );
    return new Map(
      owners.map((owner) => [
        owner,
        (rows.get(plainKey(owner)) ?? []).map((pk) => this.local.getReference(target.class, pk as never)),
      ]),
    );
  }

  private async loadLocal(meta: EntityMetadata, pks: unknown[]): Promise<Map<string, object>> {
    const found = new Map<string, object>();
    for (const chunk of chunkByParameters(this.local.getPlatform(), pks, pkWeight(meta))) {
      for (const row of await this.local.find(meta.class, pkListWhere(this.local, meta, chunk) as never)) {
        found.set(keyString(primaryKeyOf(row)), row);
      }
    }
    return found;
  }

  private addUpsert(
    meta: EntityMetadata,
    remoteMeta: EntityMetadata,
    pkKey: string,
    local: object,
    links: Set<string>,
    ensureOnly: boolean,
  ): Upsert {
    let byPk = this.#upserts.get(meta.className);
    if (!byPk) {
      byPk = new Map();
      this.#upserts.set(meta.className, byPk);
    }
    let upsert = byPk.get(pkKey);
    if (!upsert) {
      upsert = { meta, remoteMeta, pkKey, local, links, ensureOnly, resolved: { remote: null } };
      // A target an earlier batch of this run resolved: its REMOTE row, not loaded (nothing is written to it).
      const remotePk = ensureOnly ? this.ctx.targets.get(meta.className, pkKey) : undefined;
      if (remotePk !== undefined) {
        upsert.resolved = {
          remote: this.#tx.getReference(remoteMeta.class, remotePk as never),
          by: 'reference',
        };
        upsert.remembered = true;
      }
      byPk.set(pkKey, upsert);
    } else if (!ensureOnly) {
      // A changed row is resolved in full (loaded, with its conflict baseline), even if it was remembered.
      if (upsert.remembered) {
        upsert.remembered = false;
        upsert.resolved = { remote: null };
        // resolved again in full, also when it was added after the batch's resolution ran
        this.#done.get(meta.className)?.delete(pkKey);
      }
      upsert.ensureOnly = false;
      upsert.local = local;
      for (const l of links) upsert.links.add(l);
    }
    return upsert;
  }

  /**
   * Resolves every upsert and everything it points to (FK targets, collection items) on REMOTE, one entity
   * type at a time in FK order, with bulk queries. A target missing on REMOTE becomes an upsert itself
   * (created once, watched or not), so the loop runs until nothing new is found.
   */
  private async resolveAll(): Promise<void> {
    const done = this.#done;
    const remoteTarget = (local: object) => {
      if (typeof local !== 'object') return undefined;
      const upsert = this.#plan.upsertOf(local);
      if (!upsert || !done.get(upsert.meta.className)?.has(upsert.pkKey)) return undefined;
      return upsert.resolved.remote;
    };
    for (;;) {
      let progressed = false;
      for (const entity of this.ctx.entityOrder([...this.#upserts.keys()])) {
        const byPk = this.#upserts.get(entity)!;
        const seen = done.get(entity) ?? new Set<string>();
        done.set(entity, seen);
        for (const [pkKey, upsert] of byPk) if (upsert.remembered) seen.add(pkKey);
        const todo = new Map<string, object>();
        for (const [k, u] of byPk) if (!seen.has(k)) todo.set(k, u.local);
        if (!todo.size) continue;
        progressed = true;
        // The FK targets of changed rows are resolved first (the order restarts when they are new to the
        // batch), so natural keys through them match on REMOTE's foreign-key columns.
        for (const pkKey of todo.keys()) {
          const upsert = byPk.get(pkKey)!;
          if (!upsert.ensureOnly) this.addRelationTargets(upsert);
        }
        if (this.unresolvedBefore(entity, done)) break;
        const first = byPk.values().next().value!;
        const pointedAt = new Set([...todo.keys()].filter((pkKey) => byPk.get(pkKey)!.ensureOnly));
        const resolved = await this.#resolver.resolve(
          first.meta,
          first.remoteMeta,
          todo,
          (local) => this.remotePkOf(first.meta, local),
          remoteTarget,
          pointedAt,
        );
        for (const [pkKey, r] of resolved) {
          byPk.get(pkKey)!.resolved = r;
          seen.add(pkKey);
        }
        for (const pkKey of todo.keys()) await this.ensureTargets(byPk.get(pkKey)!);
      }
      if (!progressed) return;
    }
  }

  /** Whether an entity before `entity` in FK order has upserts not resolved yet. */
  private unresolvedBefore(entity: string, done: Map<string, Set<string>>): boolean {
    for (const name of this.ctx.entityOrder([...this.#upserts.keys()])) {
      if (name === entity) return false;
      const seen = done.get(name);
      for (const pkKey of this.#upserts.get(name)!.keys()) if (!seen?.has(pkKey)) return true;
    }
    return false;
  }

  private addRelationTargets(upsert: Upsert): void {
    for (const target of this.relationTargets(upsert)) this.addTarget(target);
  }

  /** Adds the FK targets and collection items of an upsert that is written, so they resolve too. */
  private async ensureTargets(upsert: Upsert): Promise<void> {
    if (upsert.ensureOnly && upsert.resolved.remote) return; // exists on REMOTE and unchanged: not written
    if (upsert.ensureOnly) this.addRelationTargets(upsert); // changed rows had theirs added before resolving
    for (const name of upsert.links) {
      for (const item of itemsOf(upsert, name)) this.addTarget(item);
    }
  }

  private addTarget(target: object): void {
    // `helper().__meta` sits on the shared prototype (last ORM to start wins): use LOCAL's own metadata.
    const meta = this.ctx.localMeta(helper(target).__meta.className)!;
    this.addUpsert(
      meta,
      this.ctx.remoteMeta(meta.className),
      keyString(primaryKeyOf(target)),
      target,
      new Set(),
      true,
    );
  }

  /** For application-assigned keys: the REMOTE primary key, with FK components remapped. */
  private remotePkOf(meta: EntityMetadata, local: object): unknown | undefined {
    const parts: unknown[] = [];
    for (const name of meta.primaryKeys) {
      const prop = meta.properties[name];
      if (prop.kind === ReferenceKind.SCALAR) {
        parts.push((local as Record<string, unknown>)[name]);
        continue;
      }
      const target = relationTarget(local, prop);
      const remote = target && this.#plan.remoteOf(target);
      if (!remote) return undefined; // target is new on REMOTE, so this row is new too
      parts.push(primaryKeyOf(remote));
    }
    return meta.compositePK ? parts.flat() : parts[0];
  }
}

/** @internal The owning many-to-many properties of `meta` that are synced (not in `skipped`). */
function ownedCollections(meta: EntityMetadata, skipped: readonly string[]): string[] {
  return meta.relations
    .filter((p) => p.kind === ReferenceKind.MANY_TO_MANY && p.owner && !skipped.includes(p.name))
    .map((p) => p.name);
}
