import type { ConflictPolicy, SyncConflict } from './ConflictPolicy.js';

/** @internal What a sync does with one conflicting row. */
export type Decision = 'local' | 'remote' | 'pending' | { merged: Record<string, unknown> };

/** @internal The policy for an entity: per entity, else global, else the default for this REMOTE. */
export function policyFor(
  option: ConflictPolicy | Record<string, ConflictPolicy> | undefined,
  entity: string,
  remoteLogs: boolean,
): ConflictPolicy {
  const fallback: ConflictPolicy = remoteLogs ? 'newer-wins' : 'local-wins';
  if (option === undefined) return fallback;
  if (typeof option === 'string' || typeof option === 'function') return option;
  return option[entity] ?? fallback;
}

/**
 * @internal Applies a policy to one conflict. `newer-wins` compares the LOCAL change time with REMOTE's
 * (from its log); a tie, or no REMOTE time to compare with, goes to REMOTE. Times are the databases' wall
 * clocks at millisecond precision: clock skew between the machines shifts the outcome (docs/conflicts.md).
 */
export async function decide(
  policy: ConflictPolicy,
  conflict: SyncConflict,
  localChangedAt: Date,
  remoteChangedAt: Date | null,
): Promise<Decision> {
  switch (policy) {
    case 'local-wins':
      return 'local';
    case 'remote-wins':
      return 'remote';
    case 'manual':
      return 'pending';
    case 'newer-wins':
      return remoteChangedAt && localChangedAt.getTime() > remoteChangedAt.getTime() ? 'local' : 'remote';
    default: {
      const result = await policy(conflict);
      if (result === 'local' || result === 'remote') return result;
      return { merged: result };
    }
  }
}
