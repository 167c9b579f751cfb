import type { EntityManager } from '@mikro-orm/core';
import { SynchroChange } from '../log/entities.js';
import { metadataOf } from '../natural-keys/metadataOf.js';
import { jsonKeyListWhere } from '../sync/resolve/pkWhere.js';
import { chunkByParameters } from '../util/parameterLimit.js';
import { keyString } from '../util/primaryKey.js';

/**
 * @internal Per LOCAL row (by key string), the id of the last change LOCAL logged as applied by a sync from
 * `origin` (REMOTE's node id): when LOCAL last received the row from REMOTE. Rows never received are absent.
 * One query per chunk of keys, on LOCAL's own log.
 */
export async function lastReceived(
  em: EntityManager,
  entity: string,
  origin: string,
  pks: readonly unknown[],
): Promise<Map<string, number>> {
  const last = new Map<string, number>();
  if (!pks.length) return last;
  const fork = em.fork({ clear: true });
  const pk = metadataOf(fork, SynchroChange).properties.pk;
  for (const chunk of chunkByParameters(fork.getPlatform(), [...pks], 1)) {
    const rows = await fork.find(
      SynchroChange,
      { entity, origin, ...jsonKeyListWhere(fork, pk, chunk) } as never,
      { fields: ['id', 'pk'], disableIdentityMap: true },
    );
    keepLatest(last, rows, (pk) => keyString(pk));
  }
  return last;
}

/**
 * @internal As {@link lastReceived}, for the owners of the rows of a pivot entity whose primary key holds its
 * owner's at `ownerIndex`: per owner key (of `owners`), the id of the last pivot row LOCAL logged as received
 * from `origin`. Composite keys are not filtered in the log, so this reads every row of the pivot entity that
 * LOCAL received from `origin` (two columns each).
 */
export async function lastReceivedByOwner(
  em: EntityManager,
  entity: string,
  origin: string,
  ownerIndex: number,
  owners: readonly unknown[],
): Promise<Map<string, number>> {
  const last = new Map<string, number>();
  if (!owners.length) return last;
  const wanted = new Set(owners.map((pk) => keyString(pk)));
  const rows = await em
    .fork({ clear: true })
    .find(SynchroChange, { entity, origin } as never, { fields: ['id', 'pk'], disableIdentityMap: true });
  keepLatest(last, rows, (pk) => {
    const key = Array.isArray(pk) && pk[ownerIndex] !== undefined ? keyString(pk[ownerIndex]) : undefined;
    return key !== undefined && wanted.has(key) ? key : undefined;
  });
  return last;
}

/** Records in `last`, per key of each log row's `pk` (rows without one skipped), the highest log id. */
function keepLatest(
  last: Map<string, number>,
  rows: readonly { id: number | string; pk: unknown }[],
  keyOf: (pk: unknown) => string | undefined,
): void {
  for (const row of rows) {
    const key = keyOf(row.pk);
    if (key !== undefined) last.set(key, Math.max(last.get(key) ?? 0, Number(row.id)));
  }
}
