import type { EntityManager, EntityMetadata } from '@mikro-orm/core';
import { type SynchroAction, SynchroChange } from '../log/entities.js';
import { metadataOf } from '../natural-keys/metadataOf.js';
import { jsonKeyListWhere } from '../sync/resolve/pkWhere.js';
import { keyString, primaryKeyOf } from '../util/primaryKey.js';
import { type Baseline, detectionMethod, rowHash, versionOf } from './Baseline.js';

/** @internal A REMOTE row that changed since the last sync wrote or confirmed it. */
export interface Detected {
  /** When REMOTE last changed it, from REMOTE's log (null when REMOTE keeps no log). */
  remoteChangedAt: Date | null;
  /** The id of that change in REMOTE's log (null when REMOTE keeps no log or logged none since the baseline). */
  remoteLogId: number | null;
}

/**
 * @internal Detects REMOTE changes made since a sync last wrote or confirmed each row: by version property,
 * else by REMOTE's own change log (changes not applied from this source), else by a hash of the row. A row
 * with no baseline yet (first contact) is never in conflict.
 */
export class ConflictDetector {
  constructor(
    private readonly tx: EntityManager,
    private readonly source: string,
    /** REMOTE logs its own changes (`withSynchro` with capture on). */
    readonly remoteLogs: boolean,
  ) {}

  async detect(
    meta: EntityMetadata,
    rows: { pkKey: string; remote: object; baseline: Baseline }[],
  ): Promise<Map<string, Detected>> {
    const method = detectionMethod(meta, this.remoteLogs);
    const since = Math.min(...rows.map((r) => r.baseline.remoteLogId ?? Number.MAX_SAFE_INTEGER));
    const changes = this.remoteLogs
      ? await this.changesSince(
          meta,
          rows.map((r) => primaryKeyOf(r.remote)),
          since,
        )
      : new Map<string, { id: number; at: Date }>();
    const found = new Map<string, Detected>();
    for (const { pkKey, remote, baseline } of rows) {
      const logged = changes.get(keyString(primaryKeyOf(remote)));
      let changed: boolean;
      if (method === 'version' && (baseline.remoteVersion !== null || !this.remoteLogs)) {
        changed = baseline.remoteVersion !== null && versionOf(meta, remote) !== baseline.remoteVersion;
      } else if (method === 'log' || method === 'version') {
        // 'version' without a version baseline: a row LOCAL received from REMOTE (its version is REMOTE's own,
        // never synced), checked through REMOTE's log since what LOCAL had applied of it
        changed = baseline.remoteLogId !== null && !!logged && logged.id > baseline.remoteLogId;
      } else {
        changed = baseline.remoteHash !== null && rowHash(meta, remote) !== baseline.remoteHash;
      }
      const since = baseline.remoteLogId ?? 0;
      const after = logged && logged.id > since ? logged : null;
      if (changed) found.set(pkKey, { remoteChangedAt: after?.at ?? null, remoteLogId: after?.id ?? null });
    }
    return found;
  }

  /** The highest id of REMOTE's log right now: every change up to it has been seen by this batch. */
  async logPosition(): Promise<number | null> {
    if (!this.remoteLogs) return null;
    const last = await this.tx.find(SynchroChange, {}, { orderBy: { id: 'desc' }, limit: 1, fields: ['id'] });
    return last.length ? Number(last[0].id) : 0;
  }

  /**
   * The latest of REMOTE's own changes (not applied from this source) per row (by key string) after log id
   * `since`, of one `action` when given, in one query, for the rows of `pks` only (single-column keys; a
   * composite key reads every change of the entity since then). Empty when REMOTE keeps no log.
   */
  async changesSince(
    meta: EntityMetadata,
    pks: readonly unknown[],
    since: number,
    /** Only changes of this kind. */
    action?: SynchroAction,
  ): Promise<Map<string, { id: number; at: Date }>> {
    const latest = new Map<string, { id: number; at: Date }>();
    const changes = await this.readChanges(meta, pks, since, ['id', 'pk', 'createdAt'], action);
    for (const c of changes) {
      const key = keyString(c.pk);
      const prev = latest.get(key);
      if (!prev || Number(c.id) > prev.id) latest.set(key, { id: Number(c.id), at: c.createdAt });
    }
    return latest;
  }

  /**
   * REMOTE's own changes (not applied from this source) of many-to-many collections LOCAL changed, since each
   * row's baseline (REMOTE-log detection only; a row without a log baseline is left out): the rows for which
   * REMOTE changed one of the same collections, with the latest such change.
   */
  async collectionChanges(
    meta: EntityMetadata,
    rows: { pkKey: string; remote: object; baseline: Baseline; collections: ReadonlySet<string> }[],
    /** Collections stored through a pivot entity whose key holds the owner's: its own rows' changes count too. */
    pivots: ReadonlyMap<string, { meta: EntityMetadata; ownerIndex: number }> = new Map(),
  ): Promise<Map<string, Detected>> {
    const detected = new Map<string, Detected>();
    const logged = rows.filter((r) => r.baseline.remoteLogId !== null);
    if (!this.remoteLogs || !logged.length) return detected;
    const since = Math.min(...logged.map((r) => r.baseline.remoteLogId!));
    const owners = logged.map((r) => primaryKeyOf(r.remote));
    const fields: (keyof LogRow)[] = ['id', 'pk', 'action', 'property', 'createdAt'];
    const byRow = new Map<string, LogRow[]>();
    const add = (key: string, c: LogRow) => {
      const list = byRow.get(key);
      if (list) list.push(c);
      else byRow.set(key, [c]);
    };
    for (const c of await this.readChanges(meta, owners, since, fields)) add(keyString(c.pk), c);
    // a pivot row created or deleted as an entity: a change of its owner's collection (an update of its own
    // columns is not, and is checked as that row's own change)
    const wanted = new Set(logged.flatMap((r) => [...r.collections]));
    for (const [property, pivot] of pivots) {
      if (!wanted.has(property)) continue;
      for (const c of await this.readChanges(pivot.meta, owners, since, fields)) {
        if (c.action !== 'create' && c.action !== 'delete') continue;
        const owner = Array.isArray(c.pk) ? c.pk[pivot.ownerIndex] : undefined;
        if (owner !== undefined) add(keyString(owner), { ...c, action: 'link', property });
      }
    }
    for (const { pkKey, remote, baseline, collections } of logged) {
      const after = (byRow.get(keyString(primaryKeyOf(remote))) ?? []).filter(
        (c) => Number(c.id) > baseline.remoteLogId!,
      );
      const same = after.filter((c) => c.action === 'link' && collections.has(c.property ?? ''));
      if (!same.length) continue;
      const last = same.reduce((a, b) => (Number(b.id) > Number(a.id) ? b : a));
      detected.set(pkKey, { remoteChangedAt: last.createdAt, remoteLogId: Number(last.id) });
    }
    return detected;
  }

  /** REMOTE's own changes of the rows of `pks` after log id `since` (none when REMOTE keeps no log). */
  private async readChanges(
    meta: EntityMetadata,
    pks: readonly unknown[],
    since: number,
    fields: (keyof LogRow)[],
    action?: SynchroAction,
  ): Promise<LogRow[]> {
    if (!this.remoteLogs || !pks.length) return [];
    if (!Number.isFinite(since) || since === Number.MAX_SAFE_INTEGER) return [];
    const rows = await this.tx.find(
      SynchroChange,
      {
        entity: meta.className,
        id: { $gt: since },
        ...(action ? { action } : {}),
        // `<` or `>` rather than `<>`: each branch is a range of the (origin, id) index of `originIndex`
        $or: [{ origin: null }, { origin: { $lt: this.source } }, { origin: { $gt: this.source } }],
        ...this.pkFilter(meta, pks),
      },
      { disableIdentityMap: true, fields: fields as never },
    );
    return rows as LogRow[];
  }

  /** The log's `pk` among the rows' keys, so other rows' changes (other sites', REMOTE's own) stay in the database. */
  private pkFilter(meta: EntityMetadata, pks: readonly unknown[]): object {
    if (meta.compositePK || pks.length > MAX_PK_FILTER) return {};
    const pk = metadataOf(this.tx, SynchroChange).properties.pk;
    return jsonKeyListWhere(this.tx, pk, [...pks]);
  }
}

/** The fields of a REMOTE log row the checks read. */
interface LogRow {
  id: number | string;
  pk: unknown;
  action: SynchroAction;
  property?: string | null;
  createdAt: Date;
}

/** Above this many rows the check reads every change of the entity since the baseline (parameter limits). */
const MAX_PK_FILTER = 10_000;
