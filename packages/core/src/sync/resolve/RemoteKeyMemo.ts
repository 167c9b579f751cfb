import { type EntityMetadata, ReferenceKind } from '@mikro-orm/core';

/**
 * @internal REMOTE primary keys of LOCAL rows that earlier batches of one run resolved or created, kept for
 * the entities other rows point at (FK targets and collection items). Every batch works in a fresh context,
 * so without it each batch would find the same authors and tags again (a reference lookup and a load per
 * batch). Entries are added only once their batch has committed on REMOTE, and forgotten when a batch
 * deletes the row. At most `capacity` entries are kept (least recently used dropped first), so memory stays
 * flat. The capacity is small on purpose: many-to-many pivot rows point at their owners, so every owner row
 * (every book with tags) is a target too, and a memo of 100,000 entries held ~10 MB that V8 let the heap grow
 * to ~4 times before collecting (~30 MB more peak RSS on a 300,000-change run, no faster than 20,000).
 */
export class RemoteKeyMemo {
  readonly #entries = new Map<string, unknown>();

  constructor(
    /** Entities whose rows are kept: those some relation points at. */
    private readonly targets: ReadonlySet<string>,
    private readonly capacity = 20_000,
  ) {}

  /** Whether rows of `entity` are kept at all. */
  keeps(entity: string): boolean {
    return this.targets.has(entity);
  }

  /** The REMOTE primary key of a LOCAL row, when a committed batch of this run resolved it. */
  get(entity: string, localPk: string): unknown | undefined {
    return this.#entries.get(memoKey(entity, localPk));
  }

  /** Records what a committed batch resolved, and forgets the rows it deleted. */
  commit(
    resolved: readonly { entity: string; localPk: string; remotePk: unknown }[],
    deleted: readonly { entity: string; localPk: string }[],
  ): void {
    for (const d of deleted) this.#entries.delete(memoKey(d.entity, d.localPk));
    for (const r of resolved) {
      if (!this.targets.has(r.entity)) continue;
      const key = memoKey(r.entity, r.localPk);
      this.#entries.delete(key); // re-inserted last: the most recently used survive
      this.#entries.set(key, r.remotePk);
    }
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.capacity) break;
      this.#entries.delete(key);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}

function memoKey(entity: string, localPk: string): string {
  return `${entity}\u0000${localPk}`;
}

/** @internal Entities that a many-to-one, or an owning one-to-one or many-to-many, of `metas` points at. */
export function relationTargets(metas: Iterable<EntityMetadata>): Set<string> {
  const targets = new Set<string>();
  for (const meta of metas) {
    for (const prop of meta.relations) {
      const points =
        prop.kind === ReferenceKind.MANY_TO_ONE ||
        ((prop.kind === ReferenceKind.ONE_TO_ONE || prop.kind === ReferenceKind.MANY_TO_MANY) && prop.owner);
      if (points && prop.targetMeta) targets.add(prop.targetMeta.className);
    }
  }
  return targets;
}
