// What a long sync keeps alive between batches: `npx node --expose-gc bench/explore/retained.mjs [changes]
// [variant]` (SYNCHRO_PG_URL for a PostgreSQL REMOTE, else PGlite). Syncs the log of `changes` changes (as scenario
// 4) and writes three heap snapshots after a forced collection: before the sync (both ORMs open), between the
// third and fourth batch, and between the last two. Prints the live heap of each and the constructors that grew
// most from one to the next.
import { writeHeapSnapshot } from 'node:v8';
import { synchronize } from '@mikro-synchro/core';
import { booksForChanges } from '../lib/data.mjs';
import { createDatabase, openOrm, openRef, pgKind } from '../lib/db.mjs';
import { bySelf, totalSize } from '../lib/heapSnapshot.mjs';
import { gc } from '../lib/measure.mjs';
import { populateRawTask } from '../scenarios/delta.mjs';
import { localOptions } from '../scenarios/sync.mjs';

const changes = Number(process.argv[2] ?? 100_000);
const variant = process.argv[3] ?? 'auto';
const pop = await populateRawTask({ books: booksForChanges(changes), log: true });
const local = await openOrm(openRef(pop.localRef), { synchro: localOptions(variant), create: false });
const remoteDb = await createDatabase(pgKind());
const remote = await openOrm(remoteDb, { synchro: { remote: null } });
const snap = (name) => {
  gc();
  return writeHeapSnapshot(`/tmp/retained-${name}.heapsnapshot`);
};
const files = { before: snap('before') };
let batches = 0;
try {
  await synchronize(local, remote, {
    batchSize: 1000,
    onProgress: ({ done, total }) => {
      batches += 1;
      if (batches === 3) files.early = snap('early');
      if (done < total && total - done <= 1000 && !files.late) files.late = snap('late');
    },
  });
} finally {
  await local.close(true);
  await remote.close(true);
  await openRef(pop.localRef).drop();
  await remoteDb.drop();
}
const parts = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, bySelf(f)]));
const mb = (n) => (n / 2 ** 20).toFixed(2);
console.log(
  Object.entries(parts)
    .map(([k, m]) => `${k}: ${mb(totalSize(m))} MB`)
    .join('; '),
);
for (const [a, b] of [
  ['before', 'early'],
  ['early', 'late'],
]) {
  console.log(`\n${a} -> ${b}`);
  const rows = [...new Set([...parts[a].keys(), ...parts[b].keys()])]
    .map((k) => ({
      k,
      d: (parts[b].get(k)?.size ?? 0) - (parts[a].get(k)?.size ?? 0),
      n: (parts[b].get(k)?.count ?? 0) - (parts[a].get(k)?.count ?? 0),
    }))
    .sort((x, y) => y.d - x.d)
    .slice(0, 25);
  for (const r of rows) console.log(`${mb(r.d).padStart(8)} MB ${String(r.n).padStart(8)}  ${r.k}`);
}
process.exit(0);
