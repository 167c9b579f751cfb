import { canonical } from '../natural-keys/canonicalJson.js';
import { plainValue } from '../util/plainValue.js';
import type { SyncConflict } from './ConflictPolicy.js';

/** @internal A decision stored by `resolveConflict()`, with the values the person decided on. */
export interface StoredResolution {
  status: 'local' | 'remote';
  local: Record<string, unknown>;
  remote: Record<string, unknown>;
}

/**
 * @internal The stored decision, if it still applies: the conflict's LOCAL and REMOTE values are still the ones
 * the person saw (`synchroStatus().pendingConflicts`). A change on either side since then was never decided
 * on, so the policy decides again (`manual`: the conflict is stored again, with the new values).
 */
export function applicableResolution(
  stored: StoredResolution | undefined,
  conflict: SyncConflict,
  /** Properties never synced (`SynchroOptions.skip`): a change of theirs is no change to the decision. */
  skipped: readonly string[],
): 'local' | 'remote' | undefined {
  if (!stored) return undefined;
  const same =
    sameData(stored.local, conflict.local, skipped) && sameData(stored.remote, conflict.remote, skipped);
  return same ? stored.status : undefined;
}

/** Values compared as the JSON they are stored as (dates as ISO text, bigints as decimal text, keys sorted). */
function sameData(
  stored: Record<string, unknown>,
  current: Record<string, unknown>,
  skipped: readonly string[],
): boolean {
  const asStored = (values: Record<string, unknown>) => {
    const synced = Object.fromEntries(Object.entries(values).filter(([name]) => !skipped.includes(name)));
    return JSON.stringify(plainValue(JSON.parse(JSON.stringify(synced, canonical))));
  };
  return asStored(stored) === asStored(current);
}
