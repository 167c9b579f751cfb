import type { Configuration, MikroORM } from '@mikro-orm/core';
import { type SynchroOptions, SynchroSubscriber } from '@mikro-synchro/core';

/** @internal A SynchroSubscriber, also one from another copy of @mikro-synchro/core (e.g. loaded through a TS loader). */
function isSynchroSubscriber(value: unknown): value is SynchroSubscriber {
  if (value instanceof SynchroSubscriber) return true;
  const candidate = value as { constructor?: { name?: string }; runtime?: { options?: unknown } } | null;
  return (
    candidate?.constructor?.name === 'SynchroSubscriber' && typeof candidate.runtime?.options === 'object'
  );
}

/** The subscriber `withSynchro()` registered in this config, or null when the config does not use it. */
export function synchroSubscriberOf(config: Configuration): SynchroSubscriber | null {
  const subscribers: unknown[] = [...(config.get('subscribers') ?? [])];
  return (subscribers.find(isSynchroSubscriber) as SynchroSubscriber | undefined) ?? null;
}

/**
 * The options `withSynchro()` was given in this config (read from the subscriber it registers), or null when the
 * config does not use `withSynchro()`.
 */
export function synchroOptionsOf(config: Configuration): SynchroOptions | null {
  return synchroSubscriberOf(config)?.runtime.options ?? null;
}

/** Names of the entities whose changes this ORM logs and syncs. */
export function watchedEntityNames(orm: MikroORM): string[] {
  return synchroSubscriberOf(orm.config)?.runtime.watchedNames(orm.getMetadata()) ?? [];
}
