import type { EntityManager, UnitOfWork } from '@mikro-orm/core';
import type { FlushCapture } from './FlushCapture.js';
import type { SynchroRuntime } from './SynchroRuntime.js';

/** @internal Records the natural key of every watched row deleted by this flush, while it still exists. */
export async function snapshotDeletedKeys(
  _em: EntityManager,
  _uow: UnitOfWork,
  _runtime: SynchroRuntime,
  _capture: FlushCapture,
): Promise<void> {
  // Filled in with the natural-key resolver (packages/core/src/natural-keys).
}
