// Whether the live heap of a long sync grows with the number of changes: `npx node --expose-gc
// bench/explore/liveSet.mjs [changes] [variant] [snapshots]` (SYNCHRO_PG_URL for a PostgreSQL REMOTE, else PGlite).
// Populates LOCAL with the rows and log of `changes` changes (as scenario 4), syncs them into a fresh REMOTE, and
// at every tenth of the log forces a full collection and prints what is still live (heapUsed), the heap V8 keeps
// (heapTotal) and RSS. With `snapshots`, writes a heap snapshot at the first and the last tenth
// (/tmp/live-<tenth>.heapsnapshot) to compare what the live heap holds.
import { writeHeapSnapshot } from 'node:v8';
import { synchronize } from '@mikro-synchro/core';
import { booksForChanges } from '../lib/data.mjs';
import { createDatabase, openOrm, openRef, pgKind } from '../lib/db.mjs';
import { gc, memNow } from '../lib/measure.mjs';
import { populateRawTask } from '../scenarios/delta.mjs';
import { localOptions } from '../scenarios/sync.mjs';

const changes = Number(process.argv[2] ?? 300_000);
const variant = process.argv[3] ?? 'auto';
const snapshots = process.argv[4] === 'snapshots';
const pop = await populateRawTask({ books: booksForChanges(changes), log: true });
const local = await openOrm(openRef(pop.localRef), { synchro: localOptions(variant), create: false });
const remoteDb = await createDatabase(pgKind());
const remote = await openOrm(remoteDb, { synchro: { remote: null } });
try {
  let next = 0;
  const t0 = performance.now();
  const report = await synchronize(local, remote, {
    batchSize: 1000,
    onProgress: ({ done, total }) => {
      if (done / total < next) return;
      const before = memNow();
      gc();
      const after = memNow();
      const tenth = Math.round(next * 10);
      console.log(
        `${String(done).padStart(8)} changes, ${Math.round((performance.now() - t0) / 1000)} s: live ${after.heapUsedMb} MB ` +
          `(heapUsed before gc ${before.heapUsedMb}), heapTotal ${after.heapTotalMb}, rss ${after.rssMb}, ` +
          `native ${Math.round(after.rssAnonMb - after.heapTotalMb)}`,
      );
      if (snapshots && (tenth === 1 || tenth === 9)) writeHeapSnapshot(`/tmp/live-${tenth}.heapsnapshot`);
      next += 0.1;
    },
  });
  console.log(report.status, report.created, report.updated);
} finally {
  await local.close(true);
  await remote.close(true);
  await openRef(pop.localRef).drop();
  await remoteDb.drop();
}
process.exit(0);
