import { ChangeSetType, type EntityManager, helper } from '@mikro-orm/core';

/** @internal A fork whose flushes are recorded. */
export interface TrackedFork {
  em: EntityManager;
  /** The entities its flushes updated. */
  updated: Set<object>;
}

/**
 * @internal Forks of one EntityManager that remember every row their flushes insert (the entity `create()` returns
 * and whatever it cascades to), so a check can delete exactly those rows afterwards.
 */
export class TrackedForks {
  readonly #em: EntityManager;
  readonly #inserted: object[] = [];

  constructor(em: EntityManager) {
    this.#em = em;
  }

  /** A fresh fork; its event manager is a clone so the recording subscriber does not leak to other forks. */
  fork(): TrackedFork {
    const em = this.#em.fork({ cloneEventManager: true });
    const updated = new Set<object>();
    em.getEventManager().registerSubscriber({
      afterFlush: ({ uow }) => {
        for (const cs of uow.getChangeSets()) {
          if (cs.type === ChangeSetType.CREATE) this.#inserted.push(cs.entity);
          else if (cs.type === ChangeSetType.UPDATE || cs.type === ChangeSetType.UPDATE_EARLY) {
            updated.add(cs.entity);
          }
        }
      },
    });
    return { em, updated };
  }

  /** Flushes the entity `create()` returns in a fresh fork; throws if that inserted no new row. */
  async insert<T extends object>(entity: string, create: (em: EntityManager) => T | Promise<T>): Promise<T> {
    const { em } = this.fork();
    const row = await create(em);
    em.persist(row);
    await em.flush();
    if (!this.#inserted.includes(row)) {
      throw new TypeError(
        `create() returned a ${entity} that flush() did not insert; return a new entity, e.g. em.create(${entity}, { ... })`,
      );
    }
    return row;
  }

  /** Deletes every inserted row in one flush, which orders the deletes by foreign keys. */
  async removeInserted(): Promise<void> {
    const em = this.#em.fork();
    for (const entity of this.#inserted.splice(0)) {
      const wrapped = helper(entity);
      em.remove(em.getReference(wrapped.__meta.class, wrapped.getPrimaryKeys()!));
    }
    await em.flush();
  }

  /** Runs `fn`, then deletes the inserted rows; a failure of `fn` wins over a failure to clean up after it. */
  static async run<R>(em: EntityManager, fn: (forks: TrackedForks) => Promise<R>): Promise<R> {
    const forks = new TrackedForks(em);
    let result: R;
    try {
      result = await fn(forks);
    } catch (error) {
      await forks.removeInserted().catch(() => {});
      throw error;
    }
    await forks.removeInserted();
    return result;
  }
}
