import {
  type ChangeSet,
  ChangeSetType,
  type Collection,
  type EntityManager,
  type EntityMetadata,
  ReferenceKind,
  type UnitOfWork,
} from '@mikro-orm/core';
import type { SynchroAction } from '../log/entities.js';
import { primaryKeyOf } from '../util/primaryKey.js';
import type { SynchroRuntime } from './SynchroRuntime.js';

/** @internal One row to write to the change log. */
export interface ChangeRow {
  entity: string;
  action: SynchroAction;
  pk: unknown;
  naturalKey?: unknown[] | null;
  property?: string | null;
}

/** @internal A many-to-many collection of `owner` (owning side `property`) changed in this flush. */
interface LinkTarget {
  owner: object;
  meta: EntityMetadata;
  property: string;
}

/**
 * @internal What one flush will log, gathered in two steps: in `onFlush` (before any SQL runs: the inverse
 * side diffs and the natural keys of deleted rows still exist), and at write time, inside the flush's
 * transaction, when database-assigned primary keys are known.
 */
export class FlushCapture {
  readonly links: LinkTarget[] = [];
  /** Properties already linked per owner, so collecting stays linear in the number of collection updates. */
  readonly #linked = new Map<object, Set<string>>();
  /** Collection updates already diffed in `onFlush`. */
  readonly #seen = new Set<object>();
  readonly deleteKeys = new Map<object, unknown[] | null>();
  /** Rows this flush creates: their `create` stands for their collections, so no link is collected. */
  readonly #created = new Set<object>();

  constructor(
    readonly origin: string | null,
    /** The flush opens its own transaction, so the log is written in `beforeTransactionCommit`. */
    readonly ownTransaction: boolean,
  ) {}

  /** Collects link targets from the collection updates (both sides) before they are persisted. */
  collectLinks(uow: UnitOfWork, runtime: SynchroRuntime, em: EntityManager): void {
    for (const cs of uow.getChangeSets()) if (cs.type === ChangeSetType.CREATE) this.#created.add(cs.entity);
    for (const coll of uow.getCollectionUpdates() as Collection<object>[]) {
      this.#seen.add(coll);
      const prop = coll.property;
      if (prop.kind !== ReferenceKind.MANY_TO_MANY) continue;
      if (prop.owner) {
        this.addLink(coll.owner, prop.name, runtime, em);
        continue;
      }
      // Changed from the inverse side: every item that entered or left the collection has a changed owning
      // collection (`prop.mappedBy` on the item).
      const before = new Set(coll.getSnapshot() ?? []);
      const after = new Set(coll.getItems(false));
      for (const item of after) if (!before.has(item)) this.addLink(item, prop.mappedBy, runtime, em);
      for (const item of before) if (!after.has(item)) this.addLink(item, prop.mappedBy, runtime, em);
    }
  }

  /**
   * MikroORM may add collection updates after `onFlush` (e.g. an inverse-side change propagated while
   * persisting new rows). Their snapshots are already taken by now, so an owning collection is logged as is
   * and an inverse one logs every item it holds: a link entry only asks the sync to compare the collection.
   */
  private collectLateLinks(uow: UnitOfWork, runtime: SynchroRuntime, em: EntityManager): void {
    for (const coll of uow.getCollectionUpdates() as Collection<object>[]) {
      if (this.#seen.has(coll)) continue;
      const prop = coll.property;
      if (prop.kind !== ReferenceKind.MANY_TO_MANY) continue;
      if (prop.owner) this.addLink(coll.owner, prop.name, runtime, em);
      else for (const item of coll.getItems(false)) this.addLink(item, prop.mappedBy, runtime, em);
    }
  }

  private addLink(owner: object, property: string, runtime: SynchroRuntime, em: EntityManager): void {
    if (this.#created.has(owner)) return;
    const meta = (owner as { __meta?: EntityMetadata }).__meta;
    if (!meta || !runtime.isWatched(meta, em.getMetadata())) return;
    let props = this.#linked.get(owner);
    if (!props) {
      props = new Set();
      this.#linked.set(owner, props);
    }
    if (props.has(property)) return;
    props.add(property);
    this.links.push({ owner, meta, property });
  }

  /** Builds the log rows from the flush's final change sets and the collected links. */
  rows(uow: UnitOfWork, runtime: SynchroRuntime, em: EntityManager): ChangeRow[] {
    this.collectLateLinks(uow, runtime, em);
    const rows: ChangeRow[] = [];
    const deleted = new Set<object>();
    const metadata = em.getMetadata();
    const watched = new Map<EntityMetadata, boolean>();
    for (const cs of uow.getChangeSets() as ChangeSet<object>[]) {
      let isWatched = watched.get(cs.meta);
      if (isWatched === undefined) {
        isWatched = runtime.isWatched(cs.meta, metadata);
        watched.set(cs.meta, isWatched);
      }
      if (!isWatched) continue;
      const action = actionOf(cs);
      if (!action) continue;
      if (action === 'delete') deleted.add(cs.entity);
      if (action === 'create') this.#created.add(cs.entity);
      rows.push({
        entity: cs.meta.className,
        action,
        pk: primaryKeyOf(cs.entity),
        naturalKey: action === 'delete' ? (this.deleteKeys.get(cs.entity) ?? null) : null,
      });
    }
    for (const link of this.links) {
      // a new row's `create` stands for its collections too (the sync compares them): no `link` row
      if (deleted.has(link.owner) || this.#created.has(link.owner)) continue;
      rows.push({
        entity: link.meta.className,
        action: 'link',
        pk: primaryKeyOf(link.owner),
        property: link.property,
      });
    }
    return rows;
  }
}

/** @internal The logged action of a change set, or null when it changes nothing that is synced. */
function actionOf(cs: ChangeSet<object>): SynchroAction | null {
  switch (cs.type) {
    case ChangeSetType.CREATE:
      return 'create';
    case ChangeSetType.DELETE:
    case ChangeSetType.DELETE_EARLY:
      return 'delete';
    default: {
      // An owner whose only change is a many-to-many collection is logged as a `link`, not an update.
      const props = cs.meta.properties as Record<string, { kind?: ReferenceKind }>;
      for (const name in cs.payload) if (props[name]?.kind !== ReferenceKind.MANY_TO_MANY) return 'update';
      return null;
    }
  }
}
