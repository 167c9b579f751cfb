import {
  type EntityManager,
  type EntityMetadata,
  type EntityProperty,
  EventType,
  helper,
  Reference,
  ReferenceKind,
} from '@mikro-orm/core';
import type { Baseline } from '../../conflicts/Baseline.js';
import { dialectOf } from '../../log/dialect.js';
import { SynchroCheckpoint, SynchroReference } from '../../log/entities.js';
import { findByNaturalKeys } from '../../natural-keys/findByNaturalKeys.js';
import { KeyScope } from '../../natural-keys/KeyScope.js';
import { toKeyValue } from '../../natural-keys/keyScalars.js';
import { lookupByRows } from '../../natural-keys/lookupByRows.js';
import { keysOnlyLookup, lookupKeysOnly } from '../../natural-keys/lookupKeysOnly.js';
import { lookupNaturalKeys } from '../../natural-keys/lookupNaturalKeys.js';
import { metadataOf } from '../../natural-keys/metadataOf.js';
import type { NaturalKeyResolveOptions } from '../../natural-keys/NaturalKeyDefinition.js';
import { naturalKeyString } from '../../natural-keys/naturalKeyString.js';
import { naturalKeyValues } from '../../natural-keys/naturalKeyValues.js';
import { resolveNaturalKey } from '../../natural-keys/resolveNaturalKey.js';
import { postgresArray, tableName } from '../../util/jsonRows.js';
import { chunkByParameters } from '../../util/parameterLimit.js';
import { keyString, primaryKeyOf } from '../../util/primaryKey.js';
import { sqlEm } from '../../util/sqlEm.js';
import { relationTarget } from '../apply/copyValues.js';
import { hasGeneratedPk, jsonKeyListWhere, keyListWhere, pkListWhere, pkWeight } from './pkWhere.js';

/**
 * @internal The REMOTE row of a LOCAL row resolved earlier in the batch; null when it is new on REMOTE,
 * undefined when it has not been resolved.
 */
export type RemoteTarget = (local: object) => object | null | undefined;

/**
 * @internal How a LOCAL row was matched on REMOTE. `origin`: LOCAL received the row from REMOTE in an earlier
 * sync the other way, and LOCAL's reference table says which REMOTE row it came from.
 */
export type MatchedBy = 'reference' | 'origin' | 'natural-key' | 'primary-key';

/**
 * @internal REMOTE as a source of rows LOCAL received: its node id (the `source` of those references on LOCAL),
 * and per entity whether LOCAL holds any such reference (asked once per run).
 */
export interface ReceivedFrom {
  node: string | null;
  any: Map<string, boolean>;
  /** What LOCAL has applied of REMOTE's log (see {@link AppliedLog}). Undefined: not read yet. */
  appliedUpTo?: AppliedLog | null;
}

/**
 * @internal What LOCAL has applied of REMOTE's log, from LOCAL's checkpoint for REMOTE: every id up to `lastId`
 * except its open holes (ids whose transaction had not committed when LOCAL read past them).
 */
export class AppliedLog {
  /** Below the oldest hole: the conflict baseline of a received row (REMOTE's later changes may not have reached LOCAL). */
  readonly below: number;

  constructor(
    readonly lastId: number,
    readonly holes: ReadonlySet<number>,
  ) {
    let below = lastId;
    for (const id of holes) below = Math.min(below, id - 1);
    this.below = below;
  }

  /** Whether REMOTE's change `id` reached LOCAL. */
  has(id: number | string | null): boolean {
    if (id === null) return false;
    const n = Number(id);
    return n <= this.lastId && !this.holes.has(n);
  }
}

/** A reference row as the lookups read it (property names; JSON as the driver returns it). */
interface ReferenceRow {
  localPk: string;
  remotePk: unknown;
  remoteVersion?: string | null;
  remoteHash?: string | null;
  remoteLogId?: number | string | null;
}

/** The properties of a reference the lookups read, as {@link ReferenceRow} holds them. */
const REFERENCE_FIELDS = ['localPk', 'remotePk', 'remoteVersion', 'remoteHash', 'remoteLogId'] as const;

/**
 * @internal PostgreSQL: the statement of {@link RemoteResolver.references}, with three parameters: the LOCAL
 * keys as a text array literal, the source and the entity.
 */
export function referenceLookupSql(em: EntityManager, refMeta: EntityMetadata): string {
  const platform = em.getPlatform();
  const column = (name: string) =>
    `r.${platform.quoteIdentifier(refMeta.properties[name as never]!.fieldNames[0]!)}`;
  return (
    `select ${REFERENCE_FIELDS.map((name) => `${column(name)} as ${platform.quoteIdentifier(name)}`).join(', ')} ` +
    `from unnest(?::text[]) as k(local_pk) cross join lateral (select * from ${tableName(em, refMeta)} as r ` +
    `where ${column('source')} = ? and ${column('entity')} = ? and ${column('localPk')} = k.local_pk limit 1) as r`
  );
}

/** @internal A LOCAL row resolved on REMOTE: the managed REMOTE entity, or null when it has to be created. */
export interface Resolved {
  remote: object | null;
  by?: MatchedBy;
}

/**
 * @internal Finds the REMOTE rows of many LOCAL rows of one entity with bulk queries: the reference table
 * first, then the natural key, then (for application-assigned keys only) the primary key. Every REMOTE row
 * found is loaded once, into `tx`'s identity map, so relations to it resolve without another query.
 */
export class RemoteResolver {
  /** Conflict baselines read with the references, per entity and LOCAL key. */
  readonly baselines = new Map<string, Map<string, Baseline>>();
  /**
   * LOCAL keys, per entity, that have a reference row on REMOTE as of this batch's lookups (stale ones too):
   * only these need an upsert when the references are written; every other key gets a plain INSERT.
   */
  readonly referenced = new Map<string, Set<string>>();
  /**
   * Per entity, LOCAL keys of changed rows whose REMOTE row, recorded by a reference (or LOCAL's reference of a
   * row received from REMOTE), no longer exists: REMOTE deleted it since the last sync. Value: its REMOTE key.
   */
  readonly vanished = new Map<string, Map<string, unknown>>();
  /**
   * Per entity, LOCAL keys of rows whose natural key found a REMOTE row that another row of the batch holds through
   * its reference (and moves to another key): they are new on REMOTE, and their insert needs that update first.
   */
  readonly displaced = new Map<string, Set<string>>();

  constructor(
    private readonly local: EntityManager,
    private readonly tx: EntityManager,
    private readonly source: string,
    private readonly keys: NaturalKeyResolveOptions,
    /** REMOTE's managed rows hold no unflushed changes (not a caller's EntityManager): keys may skip them. */
    private readonly byRows = false,
    private readonly received: ReceivedFrom = { node: null, any: new Map() },
  ) {}

  async resolve(
    localMeta: EntityMetadata,
    remoteMeta: EntityMetadata,
    rows: Map<string, object>,
    remotePkOf: (localRow: object) => unknown | undefined,
    remoteTarget: RemoteTarget = () => undefined,
    keyOnly: ReadonlySet<string> = new Set(),
  ): Promise<Map<string, Resolved>> {
    const result = new Map<string, Resolved>();
    const refs = await this.references(localMeta.className, [...rows.keys()]);
    const byRemotePk = new Map<string, string>();
    for (const [pkKey, remotePk] of refs) byRemotePk.set(keyString(remotePk), pkKey);
    // Rows only pointed at need their REMOTE key, not their values: a reference to each one that still exists.
    const loaded = [...refs].filter(([pkKey]) => !keyOnly.has(pkKey)).map(([, remotePk]) => remotePk);
    const pointed = [...refs].filter(([pkKey]) => keyOnly.has(pkKey)).map(([, remotePk]) => remotePk);
    for (const remote of [
      ...(await this.loadByPk(remoteMeta, loaded)),
      ...(await this.existingByPk(remoteMeta, pointed)),
    ]) {
      const pkKey = byRemotePk.get(keyString(primaryKeyOf(remote)));
      if (pkKey) result.set(pkKey, { remote, by: 'reference' });
    }
    this.noteVanished(localMeta.className, refs, result, keyOnly);

    let missing = [...rows.keys()].filter((k) => !result.has(k));
    if (missing.length) {
      // Rows that came from REMOTE: found through LOCAL's own reference table, before any natural key (which
      // may have been edited since), so a row going back where it came from is never created twice.
      const origins = await this.origins(localMeta, missing);
      const byOrigin = new Map([...origins].map(([pkKey, remotePk]) => [keyString(remotePk), pkKey]));
      for (const remote of await this.loadByPk(remoteMeta, [...origins.values()])) {
        const pkKey = byOrigin.get(keyString(primaryKeyOf(remote)));
        if (pkKey) result.set(pkKey, { remote, by: 'origin' });
      }
      this.noteVanished(localMeta.className, origins, result, keyOnly);
      missing = missing.filter((k) => !result.has(k));
    }
    const definition = missing.length ? resolveNaturalKey(localMeta, this.keys) : null;
    const looked = new Set<string>();
    const options = { ...this.keys, side: 'REMOTE' as const };
    if (definition) {
      // Keys whose relation components are all resolved on REMOTE are looked up on the foreign-key columns
      // straight from the LOCAL row's values: neither side loads the related rows.
      const direct = this.byRows
        ? missing.map((k) =>
            rowKeyOf(localMeta, definition.properties, rows.get(k)!, remoteTarget, this.keys),
          )
        : [];
      const viaRows = direct.flatMap((key, i) => (key ? [i] : []));
      if (viaRows.length) {
        const found = await lookupByRows(
          this.tx,
          metadataOf(this.tx, remoteMeta.class),
          viaRows.map((i) => direct[i]!),
          options,
        );
        for (const [j, remote] of found) result.set(missing[viaRows[j]!]!, { remote, by: 'natural-key' });
      }
      // null: a relation component is new on REMOTE, so no row has this key there
      direct.forEach((key, i) => {
        if (key !== undefined) looked.add(missing[i]!);
      });
      missing = missing.filter((k) => !result.has(k));
    }
    let general = missing.filter((k) => !looked.has(k));
    if (definition && general.length && this.byRows && !remoteMeta.versionProperty) {
      // Rows only pointed at, by a key of plain columns: their LOCAL keys read as plain values (no entity built
      // for the ones REMOTE has), and their REMOTE keys the same way.
      const plain = await this.pointedAtByPlainKey(
        localMeta,
        remoteMeta,
        definition.properties,
        rows,
        general,
        keyOnly,
      );
      for (const [pkKey, remote] of plain) if (remote) result.set(pkKey, { remote, by: 'natural-key' });
      general = general.filter((k) => !plain.has(k));
      missing = missing.filter((k) => !result.has(k));
    }
    if (definition && general.length) {
      const entities = general.map((k) => rows.get(k)!);
      const values = await naturalKeyValues(this.local, localMeta.class, entities, this.keys);
      // relation components already resolved on REMOTE are given as those rows: matched on FK columns
      const lookups = values.map((key, i) =>
        this.withResolvedTargets(localMeta, definition.properties, entities[i]!, key, remoteTarget),
      );
      let wanted = lookups.flatMap((key, i) => (key ? [i] : []));
      // Rows only pointed at, by a key of plain columns: their REMOTE keys, read without building entities
      // (not for a versioned entity: its reference records the version as the conflict baseline).
      const pointed = wanted.filter((i) => keyOnly.has(general[i]!));
      if (
        pointed.length &&
        this.byRows &&
        !remoteMeta.versionProperty &&
        keysOnlyLookup(remoteMeta, definition.properties)
      ) {
        const keys = await lookupKeysOnly(
          this.tx,
          metadataOf(this.tx, remoteMeta.class),
          pointed.map((i) => lookups[i]!),
          options,
        );
        for (const [j, remotePk] of keys) {
          const remote = this.tx.getReference(remoteMeta.class, remotePk as never) as object;
          result.set(general[pointed[j]!]!, { remote, by: 'natural-key' });
        }
        wanted = wanted.filter((i) => !keyOnly.has(general[i]!));
      }
      if (wanted.length) {
        const { requested, found } = await lookupNaturalKeys(
          new KeyScope(this.tx, options),
          metadataOf(this.tx, remoteMeta.class),
          wanted.map((i) => lookups[i]!),
          options,
        );
        wanted.forEach((i, j) => {
          const remote = found.get(requested[j]!);
          if (remote) result.set(general[i]!, { remote, by: 'natural-key' });
        });
      }
      missing = missing.filter((k) => !result.has(k));
    }

    // A natural key another row of the batch moves away from: its REMOTE row is that row's, found through its
    // reference, and this one is new (the update frees the key before the insert takes it).
    const byKey = [...result].filter(([, r]) => r.by === 'natural-key');
    if (byKey.length) {
      const claimed = new Set(
        [...result.values()].filter((r) => r.by !== 'natural-key').map((r) => r.remote),
      );
      for (const [pkKey, r] of byKey) {
        if (!claimed.has(r.remote)) continue;
        result.delete(pkKey);
        missing.push(pkKey);
        entryOf(this.displaced, localMeta.className, () => new Set<string>()).add(pkKey);
      }
    }
    if (missing.length && !hasGeneratedPk(localMeta)) {
      const wanted = new Map<string, string>();
      for (const pkKey of missing) {
        const remotePk = remotePkOf(rows.get(pkKey)!);
        if (remotePk !== undefined) wanted.set(keyString(remotePk), pkKey);
      }
      const pks = [...wanted.keys()].map((k) => JSON.parse(k));
      for (const remote of await this.loadByPk(remoteMeta, pks)) {
        const pkKey = wanted.get(keyString(primaryKeyOf(remote)));
        if (pkKey) result.set(pkKey, { remote, by: 'primary-key' });
      }
    }
    for (const pkKey of rows.keys()) if (!result.has(pkKey)) result.set(pkKey, { remote: null });
    return result;
  }

  /** Records the rows of `recorded` (LOCAL key → REMOTE key) whose REMOTE row was not found: see {@link vanished}. */
  private noteVanished(
    entity: string,
    recorded: Map<string, unknown>,
    found: Map<string, Resolved>,
    keyOnly: ReadonlySet<string>,
  ): void {
    for (const [pkKey, remotePk] of recorded) {
      if (found.has(pkKey) || keyOnly.has(pkKey)) continue;
      entryOf(this.vanished, entity, () => new Map<string, unknown>()).set(pkKey, remotePk);
    }
  }

  /**
   * `key` (the natural key of `local`) with each relation component whose LOCAL row is already resolved
   * replaced by its REMOTE row; null when one of them is new on REMOTE (then so is `local`).
   */
  private withResolvedTargets(
    meta: EntityMetadata,
    properties: readonly string[],
    local: object,
    key: unknown[],
    remoteTarget: RemoteTarget,
  ): unknown[] | null {
    const out = [...key];
    for (const [i, name] of properties.entries()) {
      const prop = meta.properties[name as keyof object] as EntityProperty;
      if (prop.kind === ReferenceKind.SCALAR || key[i] === null || prop.mapToPk) continue;
      if (resolveNaturalKey(prop.targetMeta!, this.keys)?.allowMany) continue;
      const target = relationTarget(local, prop);
      const remote = target ? remoteTarget(target) : undefined;
      if (remote === null) return null;
      if (remote) out[i] = remote;
    }
    return out;
  }

  /**
   * REMOTE rows of LOCAL rows that no longer exist: through the reference, else the natural key stored with
   * the delete, else (application-assigned keys) the primary key with FK components mapped by reference.
   */
  async resolveDeleted(
    localMeta: EntityMetadata,
    remoteMeta: EntityMetadata,
    rows: { pk: unknown; pkKey: string; deletedKey: unknown[] | null }[],
  ): Promise<Map<string, object>> {
    const result = new Map<string, object>();
    const refs = await this.references(
      localMeta.className,
      rows.map((r) => r.pkKey),
    );
    const unreferenced = rows.map((r) => r.pkKey).filter((k) => !refs.has(k));
    for (const [pkKey, remotePk] of await this.origins(localMeta, unreferenced)) refs.set(pkKey, remotePk);
    const byRemotePk = new Map([...refs].map(([pkKey, remotePk]) => [keyString(remotePk), pkKey]));
    for (const remote of await this.loadByPk(remoteMeta, [...refs.values()])) {
      const pkKey = byRemotePk.get(keyString(primaryKeyOf(remote)));
      if (pkKey) result.set(pkKey, remote);
    }
    const withKey = rows.filter((r) => !result.has(r.pkKey) && r.deletedKey);
    if (withKey.length && resolveNaturalKey(localMeta, this.keys)) {
      const keys = withKey.map((r) => r.deletedKey!);
      const found = await findByNaturalKeys(this.tx, remoteMeta.class, keys, {
        ...this.keys,
        side: 'REMOTE',
      });
      for (const r of withKey) {
        const remote = found.get(naturalKeyString(r.deletedKey!));
        if (remote) result.set(r.pkKey, remote);
      }
      await this.keepLiveNaturalKeys(localMeta, withKey, result);
    }
    const rest = rows.filter((r) => !result.has(r.pkKey));
    if (rest.length && !hasGeneratedPk(localMeta)) {
      const mapped = await this.remapPks(
        localMeta,
        rest.map((r) => r.pk),
      );
      const wanted = new Map<string, string>();
      rest.forEach((r, i) => {
        if (mapped[i] !== undefined) wanted.set(keyString(mapped[i]), r.pkKey);
      });
      for (const remote of await this.loadByPk(
        remoteMeta,
        [...wanted.keys()].map((k) => JSON.parse(k)),
      )) {
        const pkKey = wanted.get(keyString(primaryKeyOf(remote)));
        if (pkKey) result.set(pkKey, remote);
      }
    }
    return result;
  }

  /**
   * Drops from `found` the deleted rows found by their natural key (no reference) whose REMOTE row is the
   * counterpart of a live LOCAL row that LOCAL received from REMOTE under the same key. In two-way sync that
   * happens when REMOTE deleted a row that LOCAL had changed meanwhile: the sync from LOCAL created it again on
   * REMOTE as a new row, which came back to LOCAL's peer as its own; REMOTE's delete of the old row must not
   * then remove it. A live row LOCAL did not receive from REMOTE (one-way sync, a key reused by another row)
   * does not stop the delete.
   */
  private async keepLiveNaturalKeys(
    localMeta: EntityMetadata,
    rows: { pkKey: string; deletedKey: unknown[] | null }[],
    found: Map<string, object>,
  ): Promise<void> {
    const keyed = rows.filter((r) => found.has(r.pkKey) && r.deletedKey);
    if (!keyed.length || !this.received.node || !resolveNaturalKey(localMeta, this.keys)) return;
    const live = await findByNaturalKeys(
      this.local,
      localMeta.class,
      keyed.map((r) => r.deletedKey!),
      { ...this.keys, side: 'LOCAL' },
    );
    if (!live.size) return;
    const liveKeys = new Map(
      keyed.flatMap((r) => {
        const row = live.get(naturalKeyString(r.deletedKey!));
        return row ? [[r.pkKey, keyString(primaryKeyOf(row))] as const] : [];
      }),
    );
    const received = await this.origins(localMeta, [...new Set(liveKeys.values())]);
    for (const [pkKey, livePk] of liveKeys) {
      const remotePk = received.get(livePk);
      if (remotePk !== undefined && keyString(remotePk) === keyString(primaryKeyOf(found.get(pkKey)!))) {
        found.delete(pkKey);
      }
    }
  }

  /** LOCAL primary keys with their FK components replaced by the REMOTE keys recorded in the references. */
  private async remapPks(meta: EntityMetadata, pks: unknown[]): Promise<(unknown | undefined)[]> {
    const props = meta.primaryKeys.map((name) => meta.properties[name]);
    if (props.every((p) => p.kind === ReferenceKind.SCALAR)) return pks;
    const parts = pks.map((pk) => (meta.compositePK ? (pk as unknown[]) : [pk]));
    const maps: (Map<string, unknown> | null)[] = [];
    for (const [i, p] of props.entries()) {
      const keys = parts.map((values) => keyString(values[i]));
      maps.push(
        p.kind === ReferenceKind.SCALAR ? null : await this.references(p.targetMeta!.className, keys),
      );
    }
    return parts.map((values) => {
      const mapped = values.map((v, i) => (maps[i] ? maps[i]!.get(keyString(v)) : v));
      if (mapped.some((v) => v === undefined)) return undefined;
      return meta.compositePK ? mapped.flat() : mapped[0];
    });
  }

  /** REMOTE primary keys recorded for LOCAL keys of `entity`. */
  async references(entity: string, pkKeys: string[]): Promise<Map<string, unknown>> {
    const found = new Map<string, unknown>();
    const platform = this.tx.getPlatform();
    // JSON as the driver returns it (SQLite: text), converted the way MikroORM converts the property
    const refMeta = metadataOf(this.tx, SynchroReference);
    const jsonType = refMeta.properties.remotePk.customType!;
    const postgres = dialectOf(this.tx) === 'postgres';
    for (const chunk of chunkByParameters(platform, pkKeys, 1)) {
      // plain rows (mapped to property names and types), not entities: nothing here is written back
      const rows = postgres
        ? await this.referencesByKey(refMeta, entity, chunk)
        : ((await sqlEm(this.tx)
            .createQueryBuilder(SynchroReference)
            .select([...REFERENCE_FIELDS])
            .where({
              $and: [
                { source: this.source, entity },
                keyListWhere(this.tx, refMeta.properties.localPk, 'string', chunk),
              ],
            } as never)
            .execute('all', true)) as ReferenceRow[]);
      const baselines = this.baselinesOf(entity);
      const referenced = entryOf(this.referenced, entity, () => new Set<string>());
      for (const row of rows) {
        referenced.add(row.localPk);
        found.set(row.localPk, jsonType.convertToJSValue(row.remotePk, platform));
        baselines.set(row.localPk, {
          remoteVersion: row.remoteVersion ?? null,
          remoteHash: row.remoteHash ?? null,
          remoteLogId: row.remoteLogId == null ? null : Number(row.remoteLogId),
        });
      }
    }
    return found;
  }

  /**
   * PostgreSQL: the references of `keys`, one primary-key lookup per key. A lookup of the keys as a list
   * (`local_pk = any(…)` or `in (…)`) is planned from the table's statistics, and a reference table that
   * grew during this run has none yet (autovacuum analyzes it a minute later at the earliest): PostgreSQL then
   * matches only `source` and `entity` in the index and filters every reference of the entity against the
   * list (`psql`, 72,000 references of one entity, 1,000 keys: 20–22 ms, against 1.8 ms once analyzed), so a
   * long first sync slowed down with every batch. Here each key drives its own lookup on the whole primary
   * key (`limit 1` keeps the planner from turning it back into a join of the lists), whatever the statistics.
   */
  private async referencesByKey(
    refMeta: EntityMetadata,
    entity: string,
    keys: string[],
  ): Promise<ReferenceRow[]> {
    return this.tx
      .getConnection()
      .execute<ReferenceRow[]>(
        referenceLookupSql(this.tx, refMeta),
        [postgresArray('text', keys), this.source, entity],
        'all',
        this.tx.getTransactionContext(),
      );
  }

  /**
   * REMOTE primary keys of LOCAL rows that LOCAL received from REMOTE: LOCAL's references with REMOTE as their
   * source map REMOTE keys to these LOCAL keys. Single-column keys only (a composite key is assigned by the
   * application, so it is the same on both sides). The keys are looked up through `receivedIndex` where LOCAL
   * has it (else the query reads LOCAL's references of the entity from REMOTE); either way it is skipped when
   * LOCAL never received a sync from REMOTE (one query per run) or no row of this entity (one query per entity
   * and run).
   */
  private async origins(meta: EntityMetadata, pkKeys: string[]): Promise<Map<string, unknown>> {
    const found = new Map<string, unknown>();
    const node = this.received.node;
    if (!node || meta.compositePK || !pkKeys.length) return found;
    // no checkpoint for REMOTE on LOCAL: no sync ever ran the other way, so LOCAL received nothing from it
    const applied = await this.appliedUpTo(node);
    if (applied === null) return found;
    const entity = meta.className;
    const em = sqlEm(this.local);
    let any = this.received.any.get(entity);
    if (any === undefined) {
      const one = await em
        .createQueryBuilder(SynchroReference)
        .select(['localPk'])
        .where({ source: node, entity })
        .limit(1)
        .execute('all', true);
      any = one.length > 0;
      // only a yes is kept for the run: a sync the other way may add the first reference meanwhile
      if (any) this.received.any.set(entity, any);
    }
    if (!any) return found;
    const values = pkKeys.map((k) => JSON.parse(k) as unknown);
    const platform = this.local.getPlatform();
    const remotePk = metadataOf(this.local, SynchroReference).properties.remotePk;
    // SQLite takes the keys as one JSON parameter, whatever their number
    const chunks = dialectOf(this.local) === 'sqlite' ? [values] : chunkByParameters(platform, values, 1);
    for (const chunk of chunks) {
      const rows = (await em
        .createQueryBuilder(SynchroReference)
        .select(['localPk', 'remotePk'])
        .where({ source: node, entity, ...jsonKeyListWhere(this.local, remotePk, chunk) })
        .execute('all', true)) as { localPk: string; remotePk: unknown }[];
      for (const row of rows) {
        found.set(
          keyString(remotePk.customType!.convertToJSValue(row.remotePk, platform)),
          JSON.parse(row.localPk),
        );
      }
    }
    if (found.size) {
      const baselines = this.baselinesOf(entity);
      for (const pkKey of found.keys()) {
        if (!baselines.has(pkKey))
          baselines.set(pkKey, { remoteVersion: null, remoteHash: null, remoteLogId: applied.below });
      }
    }
    return found;
  }

  /**
   * Of `remotePks` (REMOTE rows of `entity`), the ones LOCAL received from REMOTE at some point: LOCAL's
   * references with REMOTE as their source hold them as their LOCAL-side key (primary-key lookups). Empty in
   * one-way sync, where LOCAL never received anything.
   */
  async receivedRows(entity: string, remotePks: readonly unknown[]): Promise<Set<string>> {
    const found = new Set<string>();
    const node = this.received.node;
    if (!node || !remotePks.length || (await this.appliedUpTo(node)) === null) return found;
    const em = sqlEm(this.local);
    const localPk = metadataOf(this.local, SynchroReference).properties.localPk;
    const keys = remotePks.map((pk) => keyString(pk));
    for (const chunk of chunkByParameters(this.local.getPlatform(), keys, 1)) {
      const rows = (await em
        .createQueryBuilder(SynchroReference)
        .select(['localPk'])
        .where({
          $and: [{ source: node, entity }, keyListWhere(this.local, localPk, 'string', chunk)],
        } as never)
        .execute('all', true)) as { localPk: string }[];
      for (const row of rows) found.add(row.localPk);
    }
    return found;
  }

  /**
   * Of `remotePks` (REMOTE rows of `entity`), those a reference of this source points at, with the highest log
   * baseline among those references (-1 where none is recorded): REMOTE rows this source wrote or matched before.
   */
  async baselinesOfRemoteRows(entity: string, remotePks: readonly unknown[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    const refMeta = metadataOf(this.tx, SynchroReference);
    const remotePk = refMeta.properties.remotePk;
    const platform = this.tx.getPlatform();
    for (const chunk of chunkByParameters(platform, [...remotePks], 1)) {
      const rows = (await sqlEm(this.tx)
        .createQueryBuilder(SynchroReference)
        .select(['remotePk', 'remoteLogId'])
        .where({ source: this.source, entity, ...jsonKeyListWhere(this.tx, remotePk, chunk) } as never)
        .execute('all', true)) as { remotePk: unknown; remoteLogId: number | string | null }[];
      for (const row of rows) {
        const key = keyString(remotePk.customType!.convertToJSValue(row.remotePk, platform));
        const since = row.remoteLogId == null ? -1 : Number(row.remoteLogId);
        found.set(key, Math.max(found.get(key) ?? -1, since));
      }
    }
    return found;
  }

  private baselinesOf(entity: string): Map<string, Baseline> {
    return entryOf(this.baselines, entity, () => new Map<string, Baseline>());
  }

  /**
   * What LOCAL has applied of REMOTE's log (see {@link AppliedLog}); null when no sync ever ran from REMOTE to
   * LOCAL. A REMOTE change it holds reached LOCAL, before or after LOCAL's pending changes were made.
   */
  appliedFromRemote(): Promise<AppliedLog | null> {
    const node = this.received.node;
    return node ? this.appliedUpTo(node) : Promise.resolve(null);
  }

  /** See {@link ReceivedFrom.appliedUpTo}. */
  private async appliedUpTo(node: string): Promise<AppliedLog | null> {
    if (this.received.appliedUpTo !== undefined) return this.received.appliedUpTo;
    const checkpoint = await this.local.fork({ clear: true }).findOne(SynchroCheckpoint, { source: node });
    const applied = checkpoint
      ? new AppliedLog(Number(checkpoint.lastId), new Set((checkpoint.holes ?? []).map((h) => Number(h.id))))
      : null;
    this.received.appliedUpTo = applied;
    return applied;
  }

  /**
   * Rows only pointed at (foreign-key targets, collection items) that are still references on LOCAL, when their
   * natural key is plain columns on both sides ({@link keysOnlyLookup}): one LOCAL query per chunk reads their
   * rows as plain values, which give the keys without building an entity; {@link lookupKeysOnly} finds the
   * REMOTE keys. Returns, per LOCAL key handled, a REMOTE reference, or null where REMOTE has no such row: that
   * LOCAL row is then built from the values already read (it is created with them), not read again. Rows not
   * handled (another EntityManager's, not found on LOCAL, an entity with inheritance or load hooks) are left to
   * the general lookup, which loads them.
   */
  private async pointedAtByPlainKey(
    localMeta: EntityMetadata,
    remoteMeta: EntityMetadata,
    properties: readonly string[],
    rows: Map<string, object>,
    pkKeys: readonly string[],
    keyOnly: ReadonlySet<string>,
  ): Promise<Map<string, object | null>> {
    const handled = new Map<string, object | null>();
    const events = this.local.getEventManager();
    if (
      !keysOnlyLookup(localMeta, properties) ||
      !keysOnlyLookup(remoteMeta, properties) ||
      localMeta.root !== localMeta ||
      localMeta.inheritanceType ||
      localMeta.discriminatorColumn ||
      events.hasListeners(EventType.onLoad, localMeta) ||
      events.hasListeners(EventType.onInit, localMeta)
    ) {
      return handled;
    }
    const refs = new Map<string, object>();
    for (const pkKey of pkKeys) {
      const ref = rows.get(pkKey)!;
      const wrapped = helper(ref);
      if (keyOnly.has(pkKey) && !wrapped.__initialized && (wrapped.__em ?? this.local) === this.local)
        refs.set(String(wrapped.getPrimaryKey()), ref);
    }
    if (!refs.size) return handled;
    const pk = localMeta.getPrimaryProps()[0]!;
    const fields = properties.map((name) => localMeta.properties[name as never]!.fieldNames[0]!);
    const read: { pkKey: string; raw: Record<string, unknown> }[] = [];
    const pks = [...refs.values()].map((ref) => helper(ref).getPrimaryKey());
    for (const chunk of chunkByParameters(this.local.getPlatform(), pks, 1)) {
      // every column, as the database returns them: the keys come from them, and the rows REMOTE lacks are
      // built from them
      const raws = (await sqlEm(this.local)
        .createQueryBuilder(localMeta.class)
        .select('*')
        .where(pkListWhere(this.local, localMeta, chunk) as never)
        .execute('all', false)) as Record<string, unknown>[];
      for (const raw of raws) {
        const ref = refs.get(String(raw[pk.fieldNames[0]!]));
        if (ref) read.push({ pkKey: keyString(primaryKeyOf(ref)), raw });
      }
    }
    if (!read.length) return handled;
    const found = await lookupKeysOnly(
      this.tx,
      metadataOf(this.tx, remoteMeta.class),
      read.map(({ raw }) => fields.map((f) => toKeyValue(raw[f]))),
      { ...this.keys, side: 'REMOTE' },
    );
    read.forEach(({ pkKey, raw }, j) => {
      const remotePk = found.get(j);
      if (remotePk !== undefined) {
        handled.set(pkKey, this.tx.getReference(remoteMeta.class, remotePk as never) as object);
      } else {
        // new on REMOTE: the LOCAL reference becomes the loaded row (the identity map merges into it)
        this.local.map(localMeta.class, raw as never);
        handled.set(pkKey, null);
      }
    });
    return handled;
  }

  /** Natural keys of LOCAL rows (their primary keys when the entity has none), for reports. */
  async keysOf(meta: EntityMetadata, locals: object[]): Promise<unknown[]> {
    if (!resolveNaturalKey(meta, this.keys)) return locals.map((l) => primaryKeyOf(l));
    return naturalKeyValues(this.local, meta.class, locals, this.keys);
  }

  /**
   * The REMOTE rows of `pks` that exist, as references (managed entities where there are some): one query
   * reads only their keys, so no row is hydrated. For rows a batch only points at (foreign-key targets,
   * collection items that exist on REMOTE), whose values it neither writes nor compares. A key of another kind
   * than one column of numbers or strings (composite, custom type) is loaded in full.
   */
  async existingByPk(meta: EntityMetadata, pks: unknown[]): Promise<object[]> {
    if (!keysOnlyLookup(meta, [])) return this.loadByPk(meta, pks);
    const prop = meta.getPrimaryProps()[0]!;
    const uow = this.tx.getUnitOfWork();
    const found: object[] = [];
    const query = new Map<string, unknown>();
    for (const pk of pks) {
      const managed = uow.getById(meta.class, [pk] as never);
      if (managed && helper(managed).__initialized !== false) found.push(managed);
      else query.set(String(pk), pk);
    }
    for (const chunk of chunkByParameters(this.tx.getPlatform(), [...query.values()], 1)) {
      const rows = (await sqlEm(this.tx)
        .createQueryBuilder(meta.class)
        .select([prop.name])
        .where(pkListWhere(this.tx, meta, chunk) as never)
        .execute('all', true)) as Record<string, unknown>[];
      // the key as asked for (as the reference holds it), not as the driver returns it (PostgreSQL bigint: text)
      for (const row of rows) {
        const pk = query.get(String(row[prop.name]));
        if (pk !== undefined) found.push(this.tx.getReference(meta.class, pk as never) as object);
      }
    }
    return found;
  }

  /** Loads REMOTE rows by primary key into the identity map (rows already managed cost no query). */
  async loadByPk(meta: EntityMetadata, pks: unknown[]): Promise<object[]> {
    const uow = this.tx.getUnitOfWork();
    const loaded: object[] = [];
    const query: unknown[] = [];
    for (const pk of pks) {
      const managed = uow.getById(meta.class, (meta.compositePK ? pk : [pk]) as never);
      if (
        managed &&
        (managed as { __helper?: { __initialized?: boolean } }).__helper?.__initialized !== false
      ) {
        loaded.push(managed);
      } else {
        query.push(pk);
      }
    }
    for (const chunk of chunkByParameters(this.tx.getPlatform(), query, pkWeight(meta))) {
      loaded.push(...(await this.tx.find(meta.class, pkListWhere(this.tx, meta, chunk) as never)));
    }
    return loaded;
  }
}

/**
 * @internal The natural key of an initialized LOCAL row for {@link lookupByRows}: scalars as key values, each
 * relation component as the REMOTE row its LOCAL target resolved to. null when a target is new on REMOTE;
 * undefined when the row cannot be looked up that way (no relation component, an unloaded row or target, a
 * key through a primary-key-mapped relation or an allowMany target): then the general lookup does.
 */
function rowKeyOf(
  meta: EntityMetadata,
  properties: readonly string[],
  local: object,
  remoteTarget: RemoteTarget,
  keys: NaturalKeyResolveOptions,
): unknown[] | null | undefined {
  if (!helper(local).__initialized) return undefined;
  const out: unknown[] = [];
  let relations = 0;
  for (const name of properties) {
    const prop = meta.properties[name as keyof object] as EntityProperty;
    if (prop.kind === ReferenceKind.SCALAR) {
      out.push(toKeyValue(Reference.unwrapReference((local as Record<string, unknown>)[name] as object)));
      continue;
    }
    if (prop.mapToPk || resolveNaturalKey(prop.targetMeta!, keys)?.allowMany) return undefined;
    const target = relationTarget(local, prop);
    if (!target) {
      out.push(null);
      continue;
    }
    const remote = remoteTarget(target);
    if (remote === null) return null;
    if (remote === undefined) return undefined;
    out.push(remote);
    relations++;
  }
  return relations > 0 ? out : undefined;
}

/** The value of `key` in `map`, created with `create` and stored the first time. */
function entryOf<V>(map: Map<string, V>, key: string, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
