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
    for (const row of rows) {
      const key = keyString(row.pk);
      last.set(key, Math.max(last.get(key) ?? 0, Number(row.id)));
    }
  }
  return last;
}
