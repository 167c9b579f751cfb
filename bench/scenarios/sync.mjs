import { synchronize } from '@mikro-synchro/core';
import { withCpuProfile } from '../lib/cpuProfile.mjs';
import { changesFor, countRows, populateLogged, rowsFor } from '../lib/data.mjs';
import { createDatabase, nativeQuery, openOrm, openRef, truncateAll } from '../lib/db.mjs';
import { floorCopy } from '../lib/floor.mjs';
import { gc, memNow, round, timed } from '../lib/measure.mjs';
import { perObjectReplay } from '../lib/perObject.mjs';
import { instrumentPhases } from '../lib/phases.mjs';
import { queryStats } from '../lib/queryStats.mjs';

/** Writes the logged history of `books` books into a new LOCAL SQLite file (through withSynchro). */
export async function populateLoggedTask({ books }) {
  const db = await createDatabase('sqlite');
  const orm = await openOrm(db, { synchro: { remote: 'server' } });
  try {
    const { ms } = await timed(() => populateLogged(orm, books));
    const conn = orm.em.getConnection();
    const actions = await conn.execute('select action, count(*) as n from synchro_change group by action');
    const changes = actions.reduce((a, r) => a + Number(r.n), 0);
    return {
      ref: db.ref,
      books,
      changes,
      expectedChanges: changesFor(books),
      actions: Object.fromEntries(actions.map((r) => [r.action, Number(r.n)])),
      populateMs: ms,
    };
  } finally {
    await orm.close(true);
  }
}

/**
 * Options of LOCAL's withSynchro for a sync variant: 'uow' forces the unit-of-work write path, 'bulk' the bulk
 * path, 'auto' leaves `writePath` unset (the default). A core without `writePath` ignores the option (then
 * every variant is the unit of work; `report.paths` says which path each entity took).
 */
export function localOptions(variant) {
  const options = { remote: 'server' };
  if (variant === 'bulk') options.writePath = 'bulk';
  if (variant === 'uow') options.writePath = 'unit-of-work';
  return options;
}

const SYNC_VARIANTS = new Set(['uow', 'bulk', 'auto']);

/**
 * One replay of LOCAL's whole log into REMOTE (emptied first, so it is as fresh as a new database) by one
 * variant; returns timing and what was written.
 */
async function replay(variant, localRef, remote, { batchSize, profile = false, cpuProfile = null }) {
  const localDb = openRef(localRef);
  const isSync = SYNC_VARIANTS.has(variant);
  const local = await openOrm(localDb, { synchro: localOptions(variant), create: false });
  await truncateAll(remote);
  const localNative = await nativeQuery(local);
  const remoteNative = await nativeQuery(remote);
  const stats = profile ? queryStats({ LOCAL: local, REMOTE: remote }) : null;
  const phases = profile ? await instrumentPhases() : null;
  try {
    gc();
    stats?.reset();
    phases?.reset();
    const before = memNow();
    let detail = {};
    const { ms } = await timed(() =>
      withCpuProfile(cpuProfile, async () => {
        if (isSync) {
          const report = await synchronize(local, remote, {
            batchSize,
            onProgress: (pr) => {
              globalThis.benchProgress = { variant, ...pr };
            },
          });
          if (report.status !== 'synced')
            throw new Error(`sync ${report.status}: ${JSON.stringify(report.errors)}`);
          detail = {
            created: report.created,
            updated: report.updated,
            linked: report.linked,
            skipped: report.skipped,
            paths: report.paths ?? null,
          };
        } else if (variant === 'floor' || variant === 'floor-execute') {
          detail = {
            rows: await floorCopy(localNative, remoteNative, remote, {
              write: variant === 'floor' ? 'native' : 'execute',
            }),
          };
        } else if (variant === 'per-object' || variant === 'per-object-longlived') {
          detail = await perObjectReplay(local, remote, { fresh: variant === 'per-object' });
        } else {
          throw new Error(`unknown variant ${variant}`);
        }
      }),
    );
    const localCounts = await countRows(localNative);
    const remoteCounts = await countRows(remoteNative);
    const verified = JSON.stringify(localCounts) === JSON.stringify(remoteCounts);
    if (!verified) {
      throw new Error(
        `${variant}: REMOTE rows differ from LOCAL: ${JSON.stringify(remoteCounts)} vs ${JSON.stringify(localCounts)}`,
      );
    }
    const [{ n: changes }] = await localNative.all('select count(*) as n from synchro_change');
    const rows = Object.values(localCounts).reduce((a, b) => a + b, 0);
    return {
      ms,
      changes: Number(changes),
      rows,
      rowsPerSec: round(rows / (ms / 1000)),
      changesPerSec: round(Number(changes) / (ms / 1000)),
      verified,
      rssBefore: before.rssMb,
      rssAfter: memNow().rssMb,
      ...detail,
      ...(stats ? { queries: stats.summary() } : {}),
      ...(phases ? { phases: phases.summary() } : {}),
    };
  } finally {
    localNative.release();
    remoteNative.release();
    await local.close(true);
  }
}

/**
 * Scenario 2, one child: a warm-up replay of `warmupRef`'s log, then `runs` replays of `localRef`'s log,
 * each into a fresh REMOTE of `remoteKind`.
 */
export async function syncTask({
  variant,
  localRef,
  warmupRef,
  remoteKind,
  runs = 1,
  batchSize = 1000,
  profile = false,
  cpuProfile = null,
}) {
  const remoteDb = await createDatabase(remoteKind);
  const remote = await openOrm(remoteDb, { synchro: { remote: null } });
  try {
    const warm = warmupRef ? await replay(variant, warmupRef, remote, { batchSize }) : null;
    const out = [];
    for (let i = 0; i < runs; i++)
      out.push(await replay(variant, localRef, remote, { batchSize, profile, cpuProfile }));
    const [{ v }] = await remote.em.getConnection().execute('select version() as v');
    return { variant, warmupMs: warm?.ms ?? null, runs: out, remoteVersion: v };
  } finally {
    await remote.close(true);
    await remoteDb.drop();
  }
}

export { rowsFor };
