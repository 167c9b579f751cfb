import type { EntityManager } from '@mikro-orm/core';
import { SynchroConflict } from '../log/entities.js';
import type { BatchCounts, SyncContext } from '../sync/SyncContext.js';
import { chunkByParameters } from '../util/parameterLimit.js';
import { rowKey as key } from '../util/primaryKey.js';
import { sqlEm } from '../util/sqlEm.js';

/**
 * @internal After a batch committed on REMOTE: stores the conflicts left for a person on LOCAL (one row per
 * LOCAL row, refreshed while pending) and forgets the resolutions the batch applied.
 */
export async function storeConflicts(ctx: SyncContext, counts: BatchCounts): Promise<void> {
  const remote = ctx.localRuntime.options.remote ?? '';
  const em = sqlEm(ctx.localEm.fork({ clear: true }));
  // a person may have decided while the batch ran: that decision stays, with the values it was made on
  // (a decision the batch saw and found made on other values is replaced)
  const superseded = new Set(counts.superseded.map(key));
  const decided = await decidedMeanwhile(
    em,
    remote,
    counts.pending.filter((c) => !superseded.has(key(c))),
  );
  const pending = counts.pending.filter((c) => !decided.has(key(c)));
  const now = new Date();
  // a conflict raised again after an out-of-date decision is a new one: its date and resolution start over
  for (const [rows, merged] of [
    [pending.filter((c) => !superseded.has(key(c))), ['key', 'local', 'remoteValues', 'status']],
    [
      pending.filter((c) => superseded.has(key(c))),
      ['key', 'local', 'remoteValues', 'status', 'createdAt', 'resolvedAt'],
    ],
  ] as const) {
    if (!rows.length) continue;
    await em
      .createQueryBuilder(SynchroConflict)
      .insert(
        rows.map((c) => ({
          remote,
          entity: c.entity,
          localPk: c.localPk,
          key: c.key,
          local: c.local,
          remoteValues: c.remote,
          status: 'pending' as const,
          createdAt: now,
          resolvedAt: null,
        })),
      )
      .onConflict(['remote', 'entity', 'localPk'])
      .merge([...merged])
      .execute();
  }
  if (counts.settled.length) {
    await em.nativeDelete(SynchroConflict, {
      remote,
      $or: counts.settled.map((s) => ({ entity: s.entity, localPk: s.localPk })),
    });
  }
}

/** Entity and LOCAL key of the rows among `pending` whose stored conflict has a decision. */
async function decidedMeanwhile(
  em: EntityManager,
  remote: string,
  pending: readonly { entity: string; localPk: string }[],
): Promise<Set<string>> {
  const decided = new Set<string>();
  const keys = [...new Set(pending.map((c) => c.localPk))];
  for (const chunk of keys.length ? chunkByParameters(em.getPlatform(), keys, 1) : []) {
    const rows = await em.find(
      SynchroConflict,
      { remote, localPk: { $in: chunk }, status: { $in: ['local', 'remote'] } },
      { fields: ['entity', 'localPk'], disableIdentityMap: true },
    );
    for (const r of rows) decided.add(key(r));
  }
  return decided;
}
