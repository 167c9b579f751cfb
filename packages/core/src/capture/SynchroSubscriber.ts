import type {
  EntityManager,
  EventArgs,
  EventSubscriber,
  FlushEventArgs,
  TransactionEventArgs,
  UnitOfWork,
} from '@mikro-orm/core';
import { writeChangeRows } from '../log/ChangeLogWriter.js';
import { primaryKeyOf } from '../util/primaryKey.js';
import { currentSynchroOrigin, isSynchroLogDisabled } from './context.js';
import { snapshotDeletedKeys } from './deleteSnapshots.js';
import { FlushCapture } from './FlushCapture.js';
import type { SynchroRuntime } from './SynchroRuntime.js';

/**
 * Logs every flushed change of a watched entity (create, update, delete, many-to-many link) in the same
 * transaction as the data. Registered by {@link withSynchro}.
 *
 * When the flush opens its own transaction the log is written in `beforeTransactionCommit`; inside a caller's
 * transaction (`em.transactional()`), in `afterFlush`, which still runs inside it. Either way a failing flush
 * or a rolled back transaction leaves no log row.
 */
export class SynchroSubscriber implements EventSubscriber {
  readonly #pending = new WeakMap<UnitOfWork, FlushCapture>();

  constructor(readonly runtime: SynchroRuntime) {}

  async onFlush({ em, uow }: FlushEventArgs): Promise<void> {
    this.#pending.delete(uow);
    if (!this.runtime.capture || isSynchroLogDisabled()) return;
    const ownTransaction =
      !em.isInTransaction() &&
      em.getPlatform().supportsTransactions() &&
      em.config.get('implicitTransactions');
    const capture = new FlushCapture(currentSynchroOrigin(), !!ownTransaction);
    capture.collectLinks(uow, this.runtime, em);
    await snapshotDeletedKeys(em, uow, this.runtime, capture);
    this.#pending.set(uow, capture);
  }

  async beforeTransactionCommit({ em, uow, transaction }: TransactionEventArgs): Promise<void> {
    const capture = uow && this.#pending.get(uow);
    if (!uow || !capture?.ownTransaction) return;
    this.#pending.delete(uow);
    await writeChangeRows(em, capture.rows(uow, this.runtime, em), capture.origin, transaction);
  }

  async afterFlush({ em, uow }: FlushEventArgs): Promise<void> {
    const capture = this.#pending.get(uow);
    if (!capture) return;
    this.#pending.delete(uow);
    // Inside the caller's transaction (or on a platform without transactions): still before its commit.
    await writeChangeRows(
      em,
      capture.rows(uow, this.runtime, em),
      capture.origin,
      em.getTransactionContext(),
    );
  }

  async afterUpsert({ em, entity, meta }: EventArgs<object>): Promise<void> {
    if (!this.runtime.capture || isSynchroLogDisabled() || !meta) return;
    if (!this.runtime.isWatched(meta, em.getMetadata())) return;
    const row = { entity: meta.className, action: 'update' as const, pk: primaryKeyOf(entity) };
    await writeChangeRows(em as EntityManager, [row], currentSynchroOrigin(), em.getTransactionContext());
  }
}
