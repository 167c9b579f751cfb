import { ChangeSet, ChangeSetType, type EntityManager, type EntityMetadata, helper } from '@mikro-orm/core';
import { chunkByParameters } from '../../util/parameterLimit.js';
import { primaryKeyOf } from '../../util/primaryKey.js';
import { pkWeight, pkWhere } from '../resolve/pkWhere.js';

/**
 * @internal The bulk write path: multi-row INSERTs and batched UPDATEs through MikroORM's change set
 * persister (so types, embeddables and returned keys are handled as in a flush) and bulk DELETEs, inside
 * the batch transaction, without the unit of work's hooks and events. Written rows are registered in the
 * identity map as clean, so relations and collections of later unit-of-work writes point at them.
 */
export class BulkWriter {
  constructor(private readonly tx: EntityManager) {}

  /** Assigns `data` to managed REMOTE rows and writes the ones that changed; returns how many. */
  async update(
    meta: EntityMetadata,
    rows: { remote: object; data: Record<string, unknown> }[],
  ): Promise<number> {
    const comparator = this.tx.getComparator();
    const changeSets: ChangeSet<object>[] = [];
    for (const { remote, data } of rows) {
      this.tx.assign(remote, data as never);
      const wrapped = helper(remote);
      const diff = comparator.diffEntities(
        meta.class,
        wrapped.__originalEntityData ?? {},
        comparator.prepareEntity(remote),
      );
      if (Object.keys(diff).length)
        changeSets.push(new ChangeSet(remote, ChangeSetType.UPDATE, diff as never, meta));
    }
    if (changeSets.length === 0) return 0;
    const persister = this.tx.getUnitOfWork().getChangeSetPersister();
    await persister.executeUpdates(changeSets, true, { ctx: this.tx.getTransactionContext() });
    for (const cs of changeSets) helper(cs.entity).__originalEntityData = comparator.prepareEntity(cs.entity);
    return changeSets.length;
  }

  /** Inserts new rows (one multi-row INSERT per chunk) and returns them, managed, in the order given. */
  async insert(meta: EntityMetadata, rows: Record<string, unknown>[]): Promise<object[]> {
    if (rows.length === 0) return [];
    const comparator = this.tx.getComparator();
    const entities = rows.map(
      (data) => this.tx.create(meta.class, data as never, { persist: false }) as object,
    );
    const changeSets = entities.map(
      (entity) =>
        new ChangeSet(entity, ChangeSetType.CREATE, comparator.prepareEntity(entity) as never, meta),
    );
    const uow = this.tx.getUnitOfWork();
    await uow.getChangeSetPersister().executeInserts(changeSets, { ctx: this.tx.getTransactionContext() });
    for (const cs of changeSets)
      uow.register(cs.entity, comparator.prepareEntity(cs.entity), { refresh: true });
    return entities;
  }

  /** Deletes REMOTE rows by primary key; returns the number of rows deleted. */
  async delete(meta: EntityMetadata, remotes: object[]): Promise<number> {
    let deleted = 0;
    const pks = remotes.map((r) => primaryKeyOf(r));
    for (const chunk of chunkByParameters(this.tx.getPlatform(), pks, pkWeight(meta))) {
      deleted += await this.tx.nativeDelete(meta.class, pkWhere(meta, chunk) as never);
    }
    for (const remote of remotes) this.tx.getUnitOfWork().unsetIdentity(remote);
    return deleted;
  }
}
