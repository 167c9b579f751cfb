import type { LoggedChange } from '../../log/LogReader.js';
import { keyString } from '../../util/primaryKey.js';

/** @internal Every logged change of one LOCAL row in a batch, collapsed. */
export interface RowChanges {
  entity: string;
  /** LOCAL primary key (JSON) and its string form. */
  pk: unknown;
  pkKey: string;
  /** The first change of the chain was its creation: if the row is gone now, REMOTE never needs it. */
  bornInBatch: boolean;
  /** Natural key recorded by the last delete in the chain. */
  deletedKey: unknown[] | null;
  /** A `create` is in the chain: it stands for the row's owning many-to-many collections as well. */
  created: boolean;
  /** Many-to-many properties whose collection changed. */
  links: Set<string>;
  /** Scalar or relation values changed (create/update/delete), not only links. */
  rowChanged: boolean;
  /** Time of the last change (conflict policies compare it with REMOTE's). */
  changedAt: Date;
  /** Log ids of the chain (kept pending when a conflict waits for a person). */
  ids: number[];
}

/**
 * @internal Collapses a batch into one entry per row: the log says *that* a row changed, and the current
 * LOCAL row says how, so create → update → delete → create → update is one upsert of the final row, and
 * create → delete is nothing at all.
 */
export function collapse(changes: readonly LoggedChange[]): Map<string, Map<string, RowChanges>> {
  const byEntity = new Map<string, Map<string, RowChanges>>();
  for (const change of changes) {
    let rows = byEntity.get(change.entity);
    if (!rows) {
      rows = new Map();
      byEntity.set(change.entity, rows);
    }
    const pkKey = keyString(change.pk);
    let row = rows.get(pkKey);
    if (!row) {
      row = {
        entity: change.entity,
        pk: change.pk,
        pkKey,
        bornInBatch: change.action === 'create',
        created: false,
        deletedKey: null,
        links: new Set(),
        rowChanged: false,
        changedAt: change.createdAt,
        ids: [],
      };
      rows.set(pkKey, row);
    }
    row.ids.push(change.id);
    if (change.action === 'create') row.created = true;
    if (change.action === 'link') {
      if (change.property) row.links.add(change.property);
    } else {
      row.rowChanged = true;
    }
    if (change.action === 'delete') row.deletedKey = change.naturalKey;
    if (change.createdAt > row.changedAt) row.changedAt = change.createdAt;
  }
  return byEntity;
}
