import { type EntityMetadata, ReferenceKind } from '@mikro-orm/core';
import { isGeneratedPivot } from '../../capture/SynchroRuntime.js';

/**
 * @internal REMOTE primary keys of LOCAL rows that earlier batches of one run resolved or created, kept for
 * the entities other rows point at (FK targets and collection items). Every batch works in a fresh context,
 * so without it each batch would find the same authors and tags again (a reference lookup and a load per
 * batch). Entries are added only once their batch has committed on REMOTE, and forgotten when a batch
 * deletes the row. At most `capacity` entries are kept per entity (least recently used dropped first), so
 * memory stays flat. Integer keys are kept as numbers, not strings: V8 lets its heap grow to ~4 times what is
 * live before collecting, so every MB held here costs ~4 MB of peak RSS.
 */
export class RemoteKeyMemo {
  readonly #byEntity = new Map<string, Map<string | number, unknown>>();

  constructor(
    /** Entities whose rows are kept: those some relation points at. */
    private readonly targets: ReadonlySet<string>,
    private readonly capacity = 50_000,
  ) {}

  /** Whether rows of `entity` are kept at all. */
  keeps(entity: string): boolean {
    return this.targets.has(entity);
  }

  /** The REMOTE primary key of a LOCAL row, when a committed batch of this run resolved it. */
  get(entity: string, localPk: string): unknown | undefined {
    return this.#byEntity.get(entity)?.get(memoKey(localPk));
  }

  /** Records what a committed batch resolved, and forgets the rows it deleted. */
  commit(
    resolved: readonly { entity: string; localPk: string; remotePk: unknown }[],
    deleted: readonly { entity: string; localPk: string }[],
  ): void {
    for (const d of deleted) this.#byEntity.get(d.entity)?.delete(memoKey(d.localPk));
    const touched = new Set<Map<string | number, unknown>>();
    for (const r of resolved) {
      if (!this.targets.has(r.entity)) continue;
      let entries = this.#byEntity.get(r.entity);
      if (!entries) {
        entries = new Map();
        this.#byEntity.set(r.entity, entries);
      }
      const key = memoKey(r.localPk);
      entries.delete(key); // re-inserted last: the most recently used survive
      entries.set(key, r.remotePk);
      touched.add(entries);
    }
    for (const entries of touched) {
      for (const key of entries.keys()) {
        if (entries.size <= this.capacity) break;
        entries.delete(key);
      }
    }
  }

  get size(): number {
    let size = 0;
    for (const entries of this.#byEntity.values()) size += entries.size;
    return size;
  }
}

/** A key string of a safe integer (`"42"`) as the number, else the string itself. */
function memoKey(localPk: string): string | number {
  const n = Number(localPk);
  return Number.isSafeInteger(n) && String(n) === localPk ? n : localPk;
}

/** @internal Entities that a many-to-one, or an owning one-to-one or many-to-many, of `metas` points at. */
export function relationTargets(metas: Iterable<EntityMetadata>): Set<string> {
  const targets = new Set<string>();
  for (const meta of metas) {
    // A generated pivot table is synced through its owners' collections, never as rows of its own: what it
    // points at (every owner of a tagged book, say) is not a target.
    if (isGeneratedPivot(meta)) continue;
    for (const prop of meta.relations) {
      const points =
        prop.kind === ReferenceKind.MANY_TO_ONE ||
        ((prop.kind === ReferenceKind.ONE_TO_ONE || prop.kind === ReferenceKind.MANY_TO_MANY) && prop.owner);
      if (points && prop.targetMeta) targets.add(prop.targetMeta.className);
    }
  }
  return targets;
}
