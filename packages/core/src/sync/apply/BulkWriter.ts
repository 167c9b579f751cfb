import {
  ChangeSet,
  ChangeSetType,
  type EntityManager,
  type EntityMetadata,
  type EntityProperty,
  helper,
  ReferenceKind,
} from '@mikro-orm/core';
import { SynchroError } from '../../errors/SynchroError.js';
import { insertJsonRows, type JsonColumn } from '../../util/jsonRows.js';
import { chunkByParameters } from '../../util/parameterLimit.js';
import { primaryKeyOf } from '../../util/primaryKey.js';
import { pkWeight, pkWhere } from '../resolve/pkWhere.js';
import { relationTarget } from './copyValues.js';
import { insertFromArrays } from './insertFromArrays.js';
import { plainPivot, readPivotRows } from './pivotRows.js';
import { updateFromValues } from './updateFromValues.js';

/**
 * @internal The bulk write path: multi-row INSERTs and batched UPDATEs through MikroORM's change set
 * persister (so types, embeddables and returned keys are handled as in a flush) and bulk DELETEs, inside
 * the batch transaction, without the unit of work's hooks and events. Written rows are registered in the
 * identity map as clean, so relations and collections of later unit-of-work writes point at them.
 */
export class BulkWriter {
  constructor(private readonly tx: EntityManager) {}

  /**
   * Assigns `data` to managed REMOTE rows and writes the ones that changed (PostgreSQL: {@link updateFromValues},
   * else MikroORM's batched UPDATE); returns those rows.
   */
  async update(
    meta: EntityMetadata,
    rows: { remote: object; data: Record<string, unknown> }[],
  ): Promise<object[]> {
    const comparator = this.tx.getComparator();
    const changeSets: ChangeSet<object>[] = [];
    const snapshots = new Map<object, unknown>();
    for (const { remote, data } of rows) {
      this.assign(meta, remote, data);
      const wrapped = helper(remote);
      const after = comparator.prepareEntity(remote);
      const diff = comparator.diffEntities(meta.class, wrapped.__originalEntityData ?? {}, after);
      if (Object.keys(diff).length) {
        changeSets.push(new ChangeSet(remote, ChangeSetType.UPDATE, diff as never, meta));
        snapshots.set(remote, after);
      }
    }
    if (changeSets.length === 0) return [];
    if (await updateFromValues(this.tx, meta, changeSets)) {
      // nothing is read back: the entities hold what was written
      for (const cs of changeSets) helper(cs.entity).__originalEntityData = snapshots.get(cs.entity) as never;
      return changeSets.map((cs) => cs.entity);
    }
    const persister = this.tx.getUnitOfWork().getChangeSetPersister();
    await persister.executeUpdates(changeSets, true, { ctx: this.tx.getTransactionContext() });
    for (const cs of changeSets) helper(cs.entity).__originalEntityData = comparator.prepareEntity(cs.entity);
    return changeSets.map((cs) => cs.entity);
  }

  /**
   * `em.assign()` of `data`, with plain scalar values set directly (what assign does for them, without its
   * per-property work); relations, embeddables and a null into a non-nullable property go through assign.
   */
  private assign(meta: EntityMetadata, remote: object, data: Record<string, unknown>): void {
    let rest: Record<string, unknown> | null = null;
    for (const key of Object.keys(data)) {
      const prop = meta.properties[key as never] as EntityProperty | undefined;
      const value = data[key];
      if (prop?.kind === ReferenceKind.SCALAR && !prop.embedded && (value != null || prop.nullable)) {
        (remote as Record<string, unknown>)[key] = value;
      } else {
        rest ??= {};
        rest[key] = value;
      }
    }
    if (rest) this.tx.assign(remote, rest as never);
  }

  /**
   * Inserts new rows (one multi-row INSERT per chunk) and returns them, managed, in the order given. Rows of
   * a {@link plainRows} entity go to the driver as plain data (no entity is built, hydrated or snapshotted
   * for them) and come back as references to the keys the database assigned; others are created as
   * entities and written through the change set persister.
   */
  async insert(meta: EntityMetadata, rows: Record<string, unknown>[], plain = false): Promise<object[]> {
    if (rows.length === 0) return [];
    if (plain && plainRows(meta)) return this.insertPlain(meta, rows);
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

  /**
   * Plain-data INSERTs, relations as their target's key: on PostgreSQL one array per column where every value
   * has a text form ({@link insertFromArrays}), else as `em.insertMany()` sends them (custom types converted by
   * the driver) in as few statements as the parameter limit allows. The new rows are returned as references
   * (in the identity map, so relations of later writes point at them).
   */
  private async insertPlain(meta: EntityMetadata, rows: Record<string, unknown>[]): Promise<object[]> {
    const relations = meta.relations.filter((p) => p.name in rows[0]!);
    const data = rows.map((row) => {
      const out = { ...row };
      for (const prop of relations) {
        const target = relationTarget(out, prop);
        out[prop.name] = target ? helper(target).getPrimaryKey() : null;
      }
      return out;
    });
    const keys = (await insertFromArrays(this.tx, meta, data)) ?? (await this.insertMany(meta, data));
    return keys.map((key, i) => {
      if (key == null) throw SynchroError.keyNotReturned(meta.className, i);
      return this.tx.getReference(meta.class, key as never) as object;
    });
  }

  /** Plain-data rows through the driver's multi-row INSERT; returns their primary keys. */
  private async insertMany(meta: EntityMetadata, data: Record<string, unknown>[]): Promise<unknown[]> {
    const pk = meta.getPrimaryProps()[0]!;
    const driver = this.tx.getDriver();
    const ctx = this.tx.getTransactionContext();
    const columns = Object.keys(data[0]!).length || 1;
    const keys: unknown[] = [];
    for (const chunk of chunkByParameters(this.tx.getPlatform(), data, columns)) {
      const res = await driver.nativeInsertMany(meta.class, chunk as never[], {
        ctx,
        convertCustomTypes: true,
        processCollections: false,
      });
      chunk.forEach((row, i) => {
        keys.push(row[pk.name] ?? res.rows?.[i]?.[pk.fieldNames[0]!]);
      });
    }
    return keys;
  }

  /**
   * Makes the pivot-table rows of `prop` (a many-to-many of `meta`) equal to `items` for each owner: one
   * query reads the current rows of owners that existed before the batch (`created` ones have none), then
   * multi-row INSERTs and DELETEs. Returns the owners whose collection changed (for existing owners the
   * REMOTE collection objects are not updated: the batch's EntityManager is discarded). Returns null, writing
   * nothing, where this is not supported: a custom or ordered pivot, a composite key, an item without a key
   * yet (new on the unit-of-work path); the caller then goes through the collections.
   */
  async links(
    meta: EntityMetadata,
    prop: string,
    owners: { remote: object; created: boolean; items: object[] }[],
  ): Promise<object[] | null> {
    const pivot = plainPivot(this.tx, meta, prop);
    if (!pivot) return null;
    const { ownerName, itemName } = pivot;
    if (owners.some((o) => o.items.some((i) => !helper(i).hasPrimaryKey()))) return null;
    const platform = this.tx.getPlatform();
    const ctx = this.tx.getTransactionContext();
    const old = owners.filter((o) => !o.created).map((o) => primaryKeyOf(o.remote));
    const current = new Map<string, Set<string>>();
    for (const [owner, items] of await readPivotRows(this.tx, pivot, old)) {
      current.set(owner, new Set(items.map(String)));
    }
    const inserts: Record<string, unknown>[] = [];
    const deletes: { owner: unknown; items: unknown[] }[] = [];
    const changed: object[] = [];
    for (const { remote, items } of owners) {
      const ownerPk = primaryKeyOf(remote);
      const had = current.get(String(ownerPk)) ?? new Set<string>();
      const wanted = new Map(items.map((i) => [String(primaryKeyOf(i)), primaryKeyOf(i)]));
      const added = [...wanted].filter(([k]) => !had.has(k));
      const removed = [...had].filter((k) => !wanted.has(k));
      for (const [, itemPk] of added) inserts.push({ [ownerName]: ownerPk, [itemName]: itemPk });
      if (removed.length) deletes.push({ owner: ownerPk, items: removed });
      if (added.length || removed.length) changed.push(remote);
    }
    const driver = this.tx.getDriver();
    // deletes first: an item that left and came back under another key must not collide
    for (const { owner, items } of deletes) {
      for (const chunk of chunkByParameters(platform, items, 1)) {
        const where = { [ownerName]: owner, [itemName]: { $in: chunk } };
        await driver.nativeDelete(pivot.meta.class, where as never, { ctx });
      }
    }
    const columns = [ownerName, itemName].map((name) =>
      literalColumn(pivot.meta.properties[name as never] as EntityProperty),
    );
    const literal =
      columns.every((c) => c !== null) &&
      (await insertJsonRows(
        this.tx,
        pivot.meta,
        columns as JsonColumn[],
        inserts.map((row) => [row[ownerName], row[itemName]]),
        { ctx },
      ));
    if (!literal) {
      for (const chunk of chunkByParameters(platform, inserts, 2)) {
        await driver.nativeInsertMany(pivot.meta.class, chunk as never[], { ctx });
      }
    }
    return changed;
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

/**
 * @internal Whether new rows of `meta` can be inserted as plain data: one table (no inheritance), a single
 * primary key column, scalar columns (no embeddables) and relations to single-column keys. Other entities
 * are written as entities.
 */
export function plainRows(meta: EntityMetadata): boolean {
  let plain = plainCache.get(meta);
  if (plain === undefined) {
    plain =
      meta.root === meta &&
      !meta.discriminatorColumn &&
      !meta.inheritanceType &&
      meta.primaryKeys.length === 1 &&
      meta.getPrimaryProps()[0]!.kind === ReferenceKind.SCALAR &&
      meta.props.every((prop) => {
        if (prop.persist === false || prop.formula) return true;
        switch (prop.kind) {
          case ReferenceKind.SCALAR:
            return !prop.embedded;
          case ReferenceKind.MANY_TO_ONE:
            return prop.fieldNames.length === 1;
          case ReferenceKind.ONE_TO_ONE:
            return !prop.owner || prop.fieldNames.length === 1;
          case ReferenceKind.ONE_TO_MANY:
          case ReferenceKind.MANY_TO_MANY:
            return true;
          default:
            return false; // embedded
        }
      });
    plainCache.set(meta, plain);
  }
  return plain;
}

const plainCache = new WeakMap<EntityMetadata, boolean>();

/**
 * @internal How a pivot key column travels in {@link insertJsonRows}: integers as integers, strings into
 * character columns as text; null for any other column type (the caller then inserts with parameters).
 */
function literalColumn(prop: EntityProperty): JsonColumn | null {
  const type = prop.columnTypes?.[0]?.toLowerCase() ?? '';
  if (prop.fieldNames?.length !== 1) return null;
  if (/^(int|integer|bigint|smallint|tinyint|mediumint|int[248])\b/.test(type))
    return { property: prop.name, type: 'integer' };
  if (/^(varchar|character varying|text|char|character|nvarchar)\b/.test(type))
    return { property: prop.name, type: 'text' };
  return null;
}
