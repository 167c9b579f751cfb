// What a batch holds while it is in flight: `npx node --expose-gc bench/explore/batchHeap.mjs [changes] [variant]
// [batch]` (SYNCHRO_PG_URL for a PostgreSQL REMOTE, else PGlite). Syncs the log of `changes` changes (as scenario 4)
// and writes two heap snapshots: between batches (after a forced collection) and inside batch `batch`, just before
// its REMOTE transaction commits. Prints the heap by constructor (self size) in each and the difference, which is
// what one batch keeps alive until it ends.
import { writeHeapSnapshot } from 'node:v8';
import { synchronize } from '@mikro-synchro/core';
import { booksForChanges } from '../lib/data.mjs';
import { createDatabase, openOrm, openRef, pgKind } from '../lib/db.mjs';
import { bySelf, totalSize } from '../lib/heapSnapshot.mjs';
import { gc } from '../lib/measure.mjs';
import { populateRawTask } from '../scenarios/delta.mjs';
import { localOptions } from '../scenarios/sync.mjs';

const changes = Number(process.argv[2] ?? 30_000);
const variant = process.argv[3] ?? 'auto';
const inBatch = Number(process.argv[4] ?? 20);
const pop = await populateRawTask({ books: booksForChanges(changes), log: true });
const local = await openOrm(openRef(pop.localRef), { synchro: localOptions(variant), create: false });
const remoteDb = await createDatabase(pgKind());
const remote = await openOrm(remoteDb, { synchro: { remote: null } });
const files = {};
let commits = 0;
remote.em.getEventManager().registerSubscriber({
  beforeTransactionCommit() {
    commits += 1;
    if (commits === inBatch) files.inside = writeHeapSnapshot('/tmp/batch-inside.heapsnapshot');
  },
});
try {
  let batches = 0;
  await synchronize(local, remote, {
    batchSize: 1000,
    onProgress: () => {
      batches += 1;
      if (batches === inBatch - 1) {
        gc();
        files.between = writeHeapSnapshot('/tmp/batch-between.heapsnapshot');
      }
    },
  });
} finally {
  await local.close(true);
  await remote.close(true);
  await openRef(pop.localRef).drop();
  await remoteDb.drop();
}
const between = bySelf(files.between);
const inside = bySelf(files.inside);
const mb = (n) => (n / 2 ** 20).toFixed(2);
console.log(
  `between batches: ${mb(totalSize(between))} MB; inside batch ${inBatch}: ${mb(totalSize(inside))} MB`,
);
const rows = [...new Set([...between.keys(), ...inside.keys()])]
  .map((k) => ({
    k,
    a: between.get(k)?.size ?? 0,
    b: inside.get(k)?.size ?? 0,
    n: (inside.get(k)?.count ?? 0) - (between.get(k)?.count ?? 0),
  }))
  .sort((x, y) => y.b - y.a - (x.b - x.a))
  .slice(0, 40);
for (const r of rows) console.log(`${mb(r.b - r.a).padStart(8)} MB ${String(r.n).padStart(8)}  ${r.k}`);
process.exit(0);
