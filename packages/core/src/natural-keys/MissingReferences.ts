import { type EntityManager, type EntityMetadata, helper } from '@mikro-orm/core';
import { NaturalKeyError } from '../errors/NaturalKeyError.js';
import { chunkKeys } from './chunkKeys.js';
import type { KeyScope } from './KeyScope.js';
import { platformLimits } from './platformLimits.js';

/** @internal Unloaded references to load, by the EntityManager they belong to and their root entity. */
export class MissingReferences {
  readonly #groups = new Map<EntityManager, Map<EntityMetadata, Map<object, string>>>();

  get size(): number {
    return this.#groups.size;
  }

  /** Records `ref` (a `target` referenced from an `owner`), to be loaded through its own EntityManager. */
  add(
    scope: KeyScope,
    ref: object | undefined,
    target: EntityMetadata,
    owner: EntityMetadata,
    prop: string | undefined,
  ): void {
    const em = ref ? (helper(ref).__em ?? scope.em) : undefined;
    if (!ref || !em) {
      throw NaturalKeyError.notLoaded(owner.className, prop, target.className);
    }
    let byRoot = this.#groups.get(em);
    if (!byRoot) {
      byRoot = new Map();
      this.#groups.set(em, byRoot);
    }
    // entity classes (and so `__meta` on their prototype) may be shared by several ORMs: ask the owning one
    const root = em.getMetadata().find(helper(ref).__meta.class)?.root ?? helper(ref).__meta.root;
    let refs = byRoot.get(root);
    if (!refs) {
      refs = new Map();
      byRoot.set(root, refs);
    }
    refs.set(ref, owner.className);
  }

  /**
   * Loads every recorded reference: one query per EntityManager and entity type (more only past the
   * platform's statement limits). Filters are off: a key needs the referenced row even if a filter hides it.
   */
  async load(): Promise<void> {
    for (const [em, byRoot] of this.#groups) {
      const limits = platformLimits(em.getPlatform());
      for (const [root, refs] of byRoot) {
        const width = root.primaryKeys.length;
        const maxKeys = width > 1 ? limits.maxOrTerms : limits.maxInList;
        for (const chunk of chunkKeys([...refs.keys()], () => width, limits.maxParams, maxKeys)) {
          await em.find(root.class, chunk as never, { filters: false });
        }
        for (const [ref, owner] of refs) {
          if (!helper(ref).__initialized) {
            throw NaturalKeyError.missingReference(owner, root.className, helper(ref).getPrimaryKey());
          }
        }
      }
    }
    this.#groups.clear();
  }
}
