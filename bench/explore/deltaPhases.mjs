// Where a small-delta sync spends its time at two table sizes: `npx node --expose-gc bench/explore/deltaPhases.mjs
// 100000,1000000 [delta]` (SYNCHRO_PG_URL for a PostgreSQL REMOTE, else PGlite). For each size: populate LOCAL
// and REMOTE raw, then three times: change `delta` books spread over the table (as scenario 3) and sync with the
// query log and the phase timers on. Prints per-side query time, the top statements and the phases; drops both
// databases at the end. Environment: ITER syncs per size (3), BATCH the batch size (1000), TOP statements shown (6).
import { synchronize } from '@mikro-synchro/core';
import { booksForRows } from '../lib/data.mjs';
import { openOrm, openRef, pgKind } from '../lib/db.mjs';
import { timed } from '../lib/measure.mjs';
import { instrumentPhases } from '../lib/phases.mjs';
import { queryStats } from '../lib/queryStats.mjs';
import { changeBooks, changedIds, populateRawTask } from '../scenarios/delta.mjs';
import { localOptions } from '../scenarios/sync.mjs';

const sizes = (process.argv[2] ?? '100000,1000000').split(',').map(Number);
const delta = Number(process.argv[3] ?? 10_000);
const phases = await instrumentPhases();
for (const total of sizes) {
  const books = booksForRows(total);
  const pop = await populateRawTask({ books, remoteKind: pgKind() });
  const local = await openOrm(openRef(pop.localRef), { synchro: localOptions('auto'), create: false });
  const remote = await openOrm(openRef(pop.remoteRef), { synchro: { remote: null }, create: false });
  try {
    for (let it = 0; it < Number(process.env.ITER ?? 3); it++) {
      await changeBooks(local, changedIds(books, delta, it), it + 1);
      const stats = queryStats({ LOCAL: local, REMOTE: remote });
      phases.reset();
      const { ms, value } = await timed(() =>
        synchronize(local, remote, { batchSize: Number(process.env.BATCH ?? 1000) }),
      );
      const q = stats.summary(Number(process.env.TOP ?? 6));
      stats.stop();
      console.log(`\n== ${total} rows, sync ${it}: ${ms} ms, ${value.updated} updated`);
      console.log(JSON.stringify(q.sides));
      for (const t of q.top)
        console.log(`  ${String(t.ms).padStart(6)} ms ${String(t.count).padStart(4)}x ${t.statement}`);
      for (const p of phases.summary().slice(0, 12))
        console.log(`  ${String(p.ms).padStart(6)} ms ${p.phase} (${p.calls})`);
    }
  } finally {
    await local.close(true);
    await remote.close(true);
    await openRef(pop.localRef).drop();
    await openRef(pop.remoteRef).drop();
  }
}
process.exit(0);
