import { AsyncLocalStorage } from 'node:async_hooks';

interface CaptureContext {
  /** Logging is off for this async call tree. */
  disabled?: boolean;
  /** Writes in this call tree are applied by a sync from this source node (so they are not sent back). */
  origin?: string;
}

const storage = new AsyncLocalStorage<CaptureContext>();

/**
 * Runs `fn` with change logging switched off for its async call tree only; concurrent requests keep logging.
 *
 * @example
 * await withoutSynchroLog(() => em.flush()); // not synced
 */
export function withoutSynchroLog<T>(fn: () => T): T {
  return storage.run({ ...storage.getStore(), disabled: true }, fn);
}

/**
 * Wraps `fn` so every call runs as {@link withoutSynchroLog}; usable as a plain wrapper or as a method decorator.
 *
 * @example
 * const recompute = disableSynchroLog(async (em: EntityManager) => { ...; await em.flush(); });
 */
export function disableSynchroLog<F extends (...args: any[]) => any>(fn: F, _context?: unknown): F {
  return function (this: unknown, ...args: Parameters<F>): ReturnType<F> {
    return withoutSynchroLog(() => fn.apply(this, args));
  } as F;
}

/** @internal Runs `fn` marking every change it logs as applied by a sync from `origin`. */
export function withSynchroOrigin<T>(origin: string, fn: () => T): T {
  return storage.run({ ...storage.getStore(), origin }, fn);
}

/** Whether logging is switched off in the current async call tree. */
export function isSynchroLogDisabled(): boolean {
  return storage.getStore()?.disabled === true;
}

/** @internal The origin of writes in the current async call tree (null for local changes). */
export function currentSynchroOrigin(): string | null {
  return storage.getStore()?.origin ?? null;
}
