import { synchronize } from '@mikro-synchro/core';
import { countRows } from '../lib/data.mjs';
import { createDatabase, nativeQuery, openOrm, openRef } from '../lib/db.mjs';
import { gc, memNow, round, rssSampler, timed } from '../lib/measure.mjs';
import { localOptions } from './sync.mjs';

/**
 * Scenario 4, one child per N: syncs LOCAL's whole log (N changes, written raw) into a fresh REMOTE, sampling
 * RSS every 250 ms and at every batch; the child's own peak RSS (VmHWM) is reported by child.mjs.
 */
export async function memoryTask({
  localRef,
  remoteKind,
  variant = 'uow',
  batchSize = 1000,
  remoteOptions = {},
}) {
  const local = await openOrm(openRef(localRef), { synchro: localOptions(variant), create: false });
  const remoteDb = await createDatabase(remoteKind);
  // remoteOptions: extra withSynchro() options of REMOTE for exploration (e.g. { originIndex: true })
  const remote = await openOrm(remoteDb, { synchro: { remote: null, ...remoteOptions } });
  try {
    // PGlite runs in this process: its memory is part of the RSS (reported separately as the baseline)
    gc();
    const baseline = memNow();
    const sampler = rssSampler(250);
    const t0 = performance.now();
    const progress = [];
    let next = 0;
    const { ms, value: report } = await timed(() =>
      synchronize(local, remote, {
        batchSize,
        onProgress: ({ done, total }) => {
          const m = memNow();
          if (done / total >= next) {
            progress.push({ done, ...m });
            next += 0.1;
          }
          // read by child.mjs every 2 s, so a run stopped at its time limit still shows its memory curve
          globalThis.benchProgress = {
            done,
            total,
            ...m,
            baselineRssMb: baseline.rssMb,
            ms: Math.round(performance.now() - t0),
            curve: sampler.peek(),
          };
        },
      }),
    );
    const sampled = sampler.stop();
    if (report.status !== 'synced')
      throw new Error(`sync ${report.status}: ${JSON.stringify(report.errors)}`);
    const localNative = await nativeQuery(local);
    const remoteNative = await nativeQuery(remote);
    const lc = await countRows(localNative);
    const rc = await countRows(remoteNative);
    const [{ n }] = await localNative.all('select count(*) as n from synchro_change');
    localNative.release();
    remoteNative.release();
    if (JSON.stringify(lc) !== JSON.stringify(rc))
      throw new Error(`REMOTE differs: ${JSON.stringify(rc)} vs ${JSON.stringify(lc)}`);
    return {
      variant,
      changes: Number(n),
      ms,
      changesPerSec: round(Number(n) / (ms / 1000)),
      baselineRssMb: baseline.rssMb,
      sampledMaxRssMb: sampled.maxMb,
      progress,
      samples: sampled.samples.filter((_, i, a) => i % Math.max(1, Math.floor(a.length / 40)) === 0),
      report: {
        created: report.created,
        updated: report.updated,
        linked: report.linked,
        paths: report.paths ?? null,
      },
    };
  } finally {
    await local.close(true);
    await remote.close(true);
    await remoteDb.drop();
  }
}
