import { type EntityMetadata, helper } from '@mikro-orm/core';
import type { Decision } from '../../conflicts/decide.js';
import { keyString, primaryKeyOf } from '../../util/primaryKey.js';
import type { RowChanges } from '../plan/collapse.js';
import type { Resolved } from '../resolve/RemoteResolver.js';
import type { UserPivot } from './pivotEntity.js';

/** @internal A LOCAL row the batch writes on REMOTE (changed, or an FK target missing there). */
export interface Upsert {
  meta: EntityMetadata;
  remoteMeta: EntityMetadata;
  pkKey: string;
  local: object;
  resolved: Resolved;
  links: Set<string>;
  /** Only ensured as an FK / collection target: written only when missing on REMOTE. */
  ensureOnly: boolean;
  /** Current LOCAL items of the many-to-many properties in `links` read as pivot rows (else the collections). */
  items?: Map<string, object[]>;
  /** Resolved from the REMOTE key an earlier batch of the run recorded (its REMOTE row is a reference). */
  remembered?: boolean;
  /** The logged changes of this row (absent for ensured targets). */
  changes?: RowChanges;
  /** Set when REMOTE changed the row since the last sync: what the conflict policy decided. */
  decision?: Decision;
}

/** @internal A LOCAL row deleted since the checkpoint. */
export interface Deletion {
  meta: EntityMetadata;
  remoteMeta: EntityMetadata;
  row: RowChanges;
}

/** @internal A user pivot collection synced as pivot rows: its owners and the LOCAL pivot rows kept. */
export interface PivotScope extends UserPivot {
  /** The owners' many-to-many property stored through the pivot entity. */
  property: string;
  remoteMeta: EntityMetadata;
  owners: Upsert[];
  kept: Upsert[];
}

/** @internal What one batch will write: built by BatchSync, executed by BatchWriter. */
export class BatchPlan {
  readonly upserts = new Map<string, Map<string, Upsert>>();
  readonly deletes: Deletion[] = [];
  readonly #pivots: PivotScope[] = [];

  /** The user pivot collections synced as pivot rows. */
  get pivots(): readonly PivotScope[] {
    return this.#pivots;
  }

  addPivots(scope: PivotScope): void {
    this.#pivots.push(scope);
    this.#pivotCollections = undefined;
  }

  /** Whether `upsert` owns pivot rows of its collection `prop` in this batch. */
  pivotOwner(upsert: Upsert, prop: string): boolean {
    return this.pivotCollections().get(upsert)?.includes(prop) ?? false;
  }

  /** The upsert of a LOCAL entity, if it is part of the batch. */
  upsertOf(local: object): Upsert | undefined {
    return this.upserts.get(helper(local).__meta.className)?.get(keyString(primaryKeyOf(local)));
  }

  /** The REMOTE entity of a LOCAL one resolved (or created) in this batch. */
  remoteOf(local: object): object | null {
    return this.upsertOf(local)?.resolved.remote ?? null;
  }

  /**
   * The many-to-many collections of an upsert that LOCAL changed and the batch writes: those synced through the
   * collection, and those synced as the rows of a pivot entity.
   */
  changedCollections(upsert: Upsert): Set<string> {
    const props = new Set(upsert.links);
    for (const prop of this.pivotCollections().get(upsert) ?? []) props.add(prop);
    return props;
  }

  /** The pivot-entity properties of each owner, built when first asked for and again after a scope is added. */
  private pivotCollections(): Map<Upsert, string[]> {
    if (!this.#pivotCollections) {
      this.#pivotCollections = new Map();
      for (const scope of this.pivots) {
        for (const owner of scope.owners) {
          this.#pivotCollections.set(owner, [...(this.#pivotCollections.get(owner) ?? []), scope.property]);
        }
      }
    }
    return this.#pivotCollections;
  }

  #pivotCollections?: Map<Upsert, string[]>;

  /** Upserts whose values are written (changed rows, and ensured targets missing on REMOTE). */
  *written(): Generator<Upsert> {
    for (const byPk of this.upserts.values()) {
      for (const upsert of byPk.values()) if (isWritten(upsert)) yield upsert;
    }
  }
}

/**
 * @internal Whether an upsert's row is written on REMOTE: not a pointed-at row REMOTE already has, and not a
 * conflict left to REMOTE (`remote`) or to a person (`pending`).
 */
export function isWritten(upsert: Upsert): boolean {
  if (upsert.ensureOnly && upsert.resolved.remote) return false;
  return upsert.decision !== 'remote' && upsert.decision !== 'pending';
}

/**
 * @internal Whether an upsert's values (scalars and FKs) are written: a row REMOTE lacks, or an existing one whose
 * values LOCAL logged a change of. A row that only had a collection change, or a pivot row kept because its
 * owner's collection changed, exists on REMOTE as it is: writing its values would undo REMOTE's own edits
 * without any conflict check (which only looks at rows whose values changed).
 */
export function writesValues(upsert: Upsert): boolean {
  if (!isWritten(upsert)) return false;
  // values a conflict policy merged are written even for a row whose collection alone LOCAL changed
  if (typeof upsert.decision === 'object') return true;
  return upsert.resolved.by === undefined || upsert.changes?.rowChanged === true;
}

/** @internal The current LOCAL items of a many-to-many property of an upsert. */
export function itemsOf(upsert: Upsert, prop: string): object[] {
  const read = upsert.items?.get(prop);
  if (read) return read;
  return (upsert.local as Record<string, { getItems(): object[] }>)[prop]!.getItems();
}
