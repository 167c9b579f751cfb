import {
  ChangeSetType,
  type EntityManager,
  type EntityMetadata,
  helper,
  ReferenceKind,
} from '@mikro-orm/core';
import { withSynchroOrigin } from '../../capture/context.js';
import { SynchroError } from '../../errors/SynchroError.js';
import { SynchroReference } from '../../log/entities.js';
import type { LoggedChange } from '../../log/LogReader.js';
import { chunkByParameters } from '../../util/parameterLimit.js';
import { keyString, primaryKeyOf } from '../../util/primaryKey.js';
import { sqlEm } from '../../util/sqlEm.js';
import { collapse, type RowChanges } from '../plan/collapse.js';
import { pkWeight, pkWhere } from '../resolve/pkWhere.js';
import { RemoteResolver, type Resolved } from '../resolve/RemoteResolver.js';
import type { BatchCounts, SyncContext } from '../SyncContext.js';
import { carriedProperties, cloneValue, relationTarget } from './copyValues.js';
import { type UserPivot, userPivotOf } from './pivotEntity.js';

/** @internal A LOCAL row the batch writes on REMOTE (changed, or an FK target missing there). */
interface Upsert {
  meta: EntityMetadata;
  remoteMeta: EntityMetadata;
  pkKey: string;
  local: object;
  resolved: Resolved;
  links: Set<string>;
  /** Only ensured as an FK / collection target: written only when missing on REMOTE. */
  ensureOnly: boolean;
}

/**
 * @internal Applies one batch of the log: loads the LOCAL rows in bulk, resolves them and everything they
 * point to on REMOTE in bulk, writes through `tx` (a REMOTE unit of work inside the batch transaction) and
 * records references. Returns what was (or, in a dry run, would be) written.
 */
export class BatchSync {
  readonly #upserts = new Map<string, Map<string, Upsert>>();
  readonly #deletes: { meta: EntityMetadata; remoteMeta: EntityMetadata; row: RowChanges }[] = [];
  readonly #resolver: RemoteResolver;
  readonly #deletedRefs: { entity: string; localPk: string }[] = [];
  readonly #pivots: (UserPivot & { remoteMeta: EntityMetadata; owners: Upsert[]; kept: Upsert[] })[] = [];

  constructor(
    private readonly ctx: SyncContext,
    private readonly local: EntityManager,
    private readonly tx: EntityManager,
  ) {
    this.#resolver = new RemoteResolver(local, tx, ctx.source, ctx.localRuntime.options);
  }

  async run(changes: LoggedChange[]): Promise<BatchCounts> {
    const rows = collapse(changes);
    for (const [entity, byPk] of rows) {
      await this.planEntity(entity, byPk);
    }
    await this.resolveAll();
    this.writeValues();
    await this.writeLinks();
    await this.prunePivotRows();
    await this.removeDeleted();
    const counts = this.count(changes.length);
    if (this.ctx.dryRun) return counts;
    await withSynchroOrigin(this.ctx.source, () => this.tx.flush());
    await this.writeReferences();
    return counts;
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
    for (const row of byPk.values()) {
      const local = locals.get(row.pkKey);
      if (local) {
        this.addUpsert(meta, remoteMeta, row.pkKey, local, row.links, false);
      } else if (!row.bornInBatch && row.rowChanged) {
        this.#deletes.push({ meta, remoteMeta, row });
      } else {
        this.ctx.report.skipped += 1;
      }
    }
    const linked = [...byPk.values()].filter((r) => r.links.size && locals.has(r.pkKey));
    const props = new Set(linked.flatMap((r) => [...r.links]));
    for (const prop of props) {
      const rows = linked.filter((r) => r.links.has(prop));
      const owners = rows.map((r) => locals.get(r.pkKey)!);
      const pivot = userPivotOf(this.local.getMetadata(), meta, prop);
      if (!pivot) {
        await this.local.populate(owners as never[], [prop] as never[]);
        continue;
      }
      // Synced as pivot rows, with their extra columns; the collection itself is not rewritten.
      for (const r of rows) r.links.delete(prop);
      const pivotRemote = this.ctx.remoteMeta(pivot.pivotMeta.className);
      const found = await this.local.find(pivot.pivotMeta.class, {
        [pivot.ownerProp]: { $in: owners },
      } as never);
      const kept = found.map((row) =>
        this.addUpsert(pivot.pivotMeta, pivotRemote, keyString(primaryKeyOf(row)), row, new Set(), false),
      );
      const ownerUpserts = rows.map((r) => this.#upserts.get(meta.className)!.get(r.pkKey)!);
      this.#pivots.push({ ...pivot, remoteMeta: pivotRemote, owners: ownerUpserts, kept });
    }
  }

  private async loadLocal(meta: EntityMetadata, pks: unknown[]): Promise<Map<string, object>> {
    const found = new Map<string, object>();
    for (const chunk of chunkByParameters(this.local.getPlatform(), pks, pkWeight(meta))) {
      for (const row of await this.local.find(meta.class, pkWhere(meta, chunk) as never)) {
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
      byPk.set(pkKey, upsert);
    } else if (!ensureOnly) {
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
    const done = new Map<string, Set<string>>();
    for (;;) {
      let progressed = false;
      for (const entity of this.ctx.entityOrder([...this.#upserts.keys()])) {
        const byPk = this.#upserts.get(entity)!;
        const seen = done.get(entity) ?? new Set<string>();
        done.set(entity, seen);
        const todo = new Map([...byPk].filter(([k]) => !seen.has(k)).map(([k, u]) => [k, u.local]));
        if (!todo.size) continue;
        progressed = true;
        const first = byPk.values().next().value!;
        const resolved = await this.#resolver.resolve(first.meta, first.remoteMeta, todo, (local) =>
          this.remotePkOf(first.meta, local),
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

  /** Adds the FK targets and collection items of an upsert that is written, so they resolve too. */
  private async ensureTargets(upsert: Upsert): Promise<void> {
    if (upsert.ensureOnly && upsert.resolved.remote) return; // exists on REMOTE and unchanged: not written
    for (const [prop, kind] of carriedProperties(upsert.meta, [])) {
      if (kind !== 'relation') continue;
      const target = relationTarget(upsert.local, prop);
      if (target) this.addTarget(target);
    }
    for (const name of upsert.links) {
      const coll = (upsert.local as Record<string, { getItems(): object[] }>)[name];
      for (const item of coll.getItems()) this.addTarget(item);
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
      const remote = target && this.remoteOf(target);
      if (!remote) return undefined; // target is new on REMOTE, so this row is new too
      parts.push(primaryKeyOf(remote));
    }
    return meta.compositePK ? parts.flat() : parts[0];
  }

  /** The REMOTE entity of a LOCAL one resolved (or created) in this batch. */
  private remoteOf(local: object): object | null {
    const meta = helper(local).__meta;
    return this.#upserts.get(meta.className)?.get(keyString(primaryKeyOf(local)))?.resolved.remote ?? null;
  }

  /** Creates the missing REMOTE rows and assigns current LOCAL values (relations after every row exists). */
  private writeValues(): void {
    const written: Upsert[] = [];
    for (const byPk of this.#upserts.values()) {
      for (const upsert of byPk.values()) {
        if (upsert.ensureOnly && upsert.resolved.remote) continue;
        const skip = this.ctx.skipped(upsert.meta.className);
        const values: Record<string, unknown> = {};
        for (const [prop, kind] of carriedProperties(upsert.meta, skip)) {
          if (kind === 'value')
            values[prop.name] = cloneValue((upsert.local as Record<string, unknown>)[prop.name]);
        }
        if (upsert.resolved.remote) {
          this.tx.assign(upsert.resolved.remote, values as never);
        } else {
          upsert.resolved = {
            remote: this.tx.create(upsert.remoteMeta.class, values as never, { persist: true }),
          };
        }
        written.push(upsert);
      }
    }
    for (const upsert of written) {
      const relations: Record<string, unknown> = {};
      for (const [prop, kind] of carriedProperties(upsert.meta, this.ctx.skipped(upsert.meta.className))) {
        if (kind !== 'relation') continue;
        const target = relationTarget(upsert.local, prop);
        relations[prop.name] = target ? this.requireRemote(target, upsert, prop.name) : null;
      }
      if (Object.keys(relations).length) this.tx.assign(upsert.resolved.remote!, relations as never);
    }
  }

  private requireRemote(target: object, owner: Upsert, prop: string): object {
    const remote = this.remoteOf(target);
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

  /** Makes each changed REMOTE collection equal to the LOCAL one (one populate query per property). */
  private async writeLinks(): Promise<void> {
    for (const byPk of this.#upserts.values()) {
      const props = new Set([...byPk.values()].flatMap((u) => [...u.links]));
      for (const prop of props) {
        const owners = [...byPk.values()].filter((u) => u.links.has(prop));
        const existing = owners.map((u) => u.resolved.remote!).filter((r) => helper(r).hasPrimaryKey());
        if (existing.length) await this.tx.populate(existing as never[], [prop] as never[]);
        for (const owner of owners) {
          const items = (owner.local as Record<string, { getItems(): object[] }>)[prop].getItems();
          const remoteItems = items.map((item) => this.requireRemote(item, owner, prop));
          const coll = (
            owner.resolved.remote as Record<string, { set(items: object[]): void; isDirty(): boolean }>
          )[prop];
          coll.set(remoteItems);
          if (coll.isDirty()) this.ctx.report.linked += 1;
        }
      }
    }
  }

  /** Removes REMOTE pivot rows of the synced owners that LOCAL no longer has (one query per property). */
  private async prunePivotRows(): Promise<void> {
    for (const scope of this.#pivots) {
      const owners = scope.owners.map((u) => u.resolved.remote!).filter((r) => helper(r).hasPrimaryKey());
      const kept = new Set(scope.kept.map((u) => u.resolved.remote));
      if (owners.length) {
        const rows = await this.tx.find(scope.remoteMeta.class, {
          [scope.ownerProp]: { $in: owners },
        } as never);
        for (const row of rows) if (!kept.has(row)) this.tx.remove(row);
      }
      this.ctx.report.linked += scope.owners.length;
    }
  }

  /** Finds deleted rows on REMOTE (reference, stored natural key, or application-assigned key) and removes them. */
  private async removeDeleted(): Promise<void> {
    const byEntity = new Map<
      string,
      { meta: EntityMetadata; remoteMeta: EntityMetadata; rows: RowChanges[] }
    >();
    for (const d of this.#deletes) {
      const group = byEntity.get(d.meta.className) ?? { meta: d.meta, remoteMeta: d.remoteMeta, rows: [] };
      group.rows.push(d.row);
      byEntity.set(d.meta.className, group);
    }
    for (const { meta, remoteMeta, rows } of byEntity.values()) {
      const found = await this.#resolver.resolveDeleted(meta, remoteMeta, rows);
      for (const row of rows) {
        const remote = found.get(row.pkKey);
        if (remote) this.tx.remove(remote);
        else this.ctx.report.skipped += 1; // untracked on REMOTE: left alone
      }
      this.#deletedRefs.push(...rows.map((r) => ({ entity: meta.className, localPk: r.pkKey })));
    }
  }

  /** Counts what the flush will write, from the unit of work's change sets. */
  private count(changes: number): BatchCounts {
    const uow = this.tx.getUnitOfWork();
    uow.computeChangeSets();
    const counts: BatchCounts = { created: 0, updated: 0, deleted: 0, changes };
    for (const cs of uow.getChangeSets()) {
      if (cs.meta.className === SynchroReference.meta.className) continue;
      if (cs.type === ChangeSetType.CREATE) counts.created += 1;
      else if (cs.type === ChangeSetType.DELETE || cs.type === ChangeSetType.DELETE_EARLY)
        counts.deleted += 1;
      else if (Object.keys(cs.payload).length) counts.updated += 1;
    }
    return counts;
  }

  /** Records LOCAL → REMOTE keys of every row written or matched, and forgets those of deleted rows. */
  private async writeReferences(): Promise<void> {
    const rows: { source: string; entity: string; localPk: string; remotePk: unknown }[] = [];
    for (const byPk of this.#upserts.values()) {
      for (const u of byPk.values()) {
        if (u.resolved.by === 'reference' || !u.resolved.remote) continue;
        rows.push({
          source: this.ctx.source,
          entity: u.meta.className,
          localPk: u.pkKey,
          remotePk: primaryKeyOf(u.resolved.remote),
        });
      }
    }
    for (const chunk of chunkByParameters(this.tx.getPlatform(), rows, 4)) {
      await sqlEm(this.tx)
        .createQueryBuilder(SynchroReference)
        .insert(chunk)
        .onConflict(['source', 'entity', 'localPk'])
        .merge(['remotePk'])
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
