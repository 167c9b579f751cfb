import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { SynchroConfigError } from '../errors/SynchroConfigError.js';
import type { SynchroRuntime } from './SynchroRuntime.js';
import { SynchroSubscriber } from './SynchroSubscriber.js';

/** @internal An EntityManager of `ormOrEm` (the ORM's global one is forked). */
export function emOf(ormOrEm: MikroORM | EntityManager): EntityManager {
  return 'em' in ormOrEm && 'config' in ormOrEm && !('getUnitOfWork' in ormOrEm)
    ? (ormOrEm as MikroORM).em.fork()
    : (ormOrEm as EntityManager);
}

/** @internal The synchro runtime registered by `withSynchro()`, or null. */
export function findRuntime(em: EntityManager): SynchroRuntime | null {
  for (const subscriber of em.getEventManager().getSubscribers()) {
    if (subscriber instanceof SynchroSubscriber) return subscriber.runtime;
  }
  return null;
}

/** @internal Like {@link findRuntime}, but a missing `withSynchro()` is a {@link SynchroConfigError}. */
export function runtimeOf(em: EntityManager, side: string): SynchroRuntime {
  const runtime = findRuntime(em);
  if (!runtime) throw SynchroConfigError.notEnabled(side);
  return runtime;
}
