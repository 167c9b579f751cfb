import { type EntityManager, type EntityMetadata, Utils } from '@mikro-orm/core';
import { SynchroSubscriber } from '../../capture/SynchroSubscriber.js';

/** How a sync writes the rows of one entity on REMOTE. */
export type WritePath = 'unit-of-work' | 'bulk';

/**
 * Which write path to use: `'auto'` picks the unit of work for entities that REMOTE hooks or subscribers
 * observe, and the bulk path for the others; or force one path, globally or per entity name.
 * @default 'auto'
 */
export type WritePathOption = 'auto' | WritePath | Record<string, 'auto' | WritePath>;

const OBSERVING_EVENTS = [
  'beforeCreate',
  'afterCreate',
  'beforeUpdate',
  'afterUpdate',
  'beforeDelete',
  'afterDelete',
  'beforeFlush',
  'onFlush',
  'afterFlush',
] as const;

/**
 * @internal Whether anything on REMOTE must see writes of this entity: a lifecycle hook on it, or a subscriber
 * (other than mikro-synchro's own) with entity or flush events that is not limited to other entities.
 */
export function isObserved(em: EntityManager, meta: EntityMetadata): boolean {
  const hooks = meta.hooks as Record<string, unknown[] | undefined>;
  if (OBSERVING_EVENTS.some((event) => hooks[event]?.length)) return true;
  for (const subscriber of em.getEventManager().getSubscribers()) {
    if (subscriber instanceof SynchroSubscriber) continue;
    const only = subscriber.getSubscribedEntities?.();
    if (only?.length && !only.some((name) => Utils.className(name) === meta.className)) continue;
    if (
      OBSERVING_EVENTS.some((event) => typeof (subscriber as Record<string, unknown>)[event] === 'function')
    ) {
      return true;
    }
  }
  return false;
}

/** @internal The path for one entity, from the option and what REMOTE observes. */
export function choosePath(
  option: WritePathOption | undefined,
  entity: string,
  observed: boolean,
): WritePath {
  const chosen = typeof option === 'object' ? (option[entity] ?? 'auto') : (option ?? 'auto');
  if (chosen !== 'auto') return chosen;
  return observed ? 'unit-of-work' : 'bulk';
}
