import type { EntityManager, EntityName, FilterQuery } from '@mikro-orm/core';
import { SynchroConfigError } from '../errors/SynchroConfigError.js';
import { writeChangeRows } from '../log/ChangeLogWriter.js';
import { primaryKeyOf } from '../util/primaryKey.js';
import { currentSynchroOrigin, isSynchroLogDisabled } from './context.js';
import { deletedRowKeys } from './deleteSnapshots.js';
import { runtimeOf } from './runtimeOf.js';
import { entityNameOf } from './SynchroRuntime.js';

/**
 * Logs the rows matching `where` as changed, for writes that bypass the unit of work (`nativeUpdate`,
 * `nativeDelete`, QueryBuilder, `insertMany`, raw SQL). Returns the number of rows logged.
 *
 * Call it after an insert or update, and BEFORE a delete (the rows must still exist so their natural keys
 * can be recorded). It runs in `em`'s transaction when there is one: wrap both writes in `em.transactional()`
 * to commit them atomically.
 *
 * @example
 * await em.transactional(async (tx) => {
 *   await tx.nativeUpdate(Book, { price: { $lt: 10 } }, { price: 10 });
 *   await logChanges(tx, Book, { price: 10 });
 * });
 */
export async function logChanges(
  em: EntityManager,
  entity: EntityName<any> | string,
  where: object,
  action: 'create' | 'update' | 'delete' = 'update',
): Promise<number> {
  const runtime = runtimeOf(em, 'LOCAL');
  const name = entityNameOf(entity);
  const meta = [...em.getMetadata().getAll().values()].find((m) => m.className === name);
  if (!meta)
    throw SynchroConfigError.unknownEntity(
      name,
      [...em.getMetadata().getAll().values()].map((m) => m.className),
    );
  if (!runtime.capture || isSynchroLogDisabled() || !runtime.isWatched(meta, em.getMetadata())) return 0;
  const reader = em.fork({ keepTransactionContext: true, clear: true, flushMode: 'commit' });
  const rows = await reader.find(
    meta.class,
    where as FilterQuery<object>,
    action === 'delete' ? {} : { fields: meta.primaryKeys as never[] },
  );
  const keys = action === 'delete' ? await deletedRowKeys(reader, meta, rows, runtime) : null;
  const changes = rows.map((row, i) => ({
    entity: meta.className,
    action,
    pk: primaryKeyOf(row),
    naturalKey: keys?.[i] ?? null,
  }));
  await writeChangeRows(em, changes, currentSynchroOrigin(), em.getTransactionContext());
  return changes.length;
}
