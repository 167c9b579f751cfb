// What RSS is made of during a long sync, without forcing collections: `npx node bench/explore/memParts.mjs
// [changes] [variant]` (SYNCHRO_PG_URL for a PostgreSQL REMOTE, else PGlite). Populates LOCAL with the rows and log
// of `changes` changes (as scenario 4), syncs them into a fresh REMOTE and prints, at every twentieth of the log,
// RSS, the V8 heap (used / committed), memory outside it held by JavaScript objects (external, of which array
// buffers) and the anonymous memory that is neither (malloc of the drivers, V8's own, fragmentation).
import { synchronize } from '@mikro-synchro/core';
import { booksForChanges } from '../lib/data.mjs';
import { createDatabase, openOrm, openRef, pgKind } from '../lib/db.mjs';
import { memNow } from '../lib/measure.mjs';
import { populateRawTask } from '../scenarios/delta.mjs';
import { localOptions } from '../scenarios/sync.mjs';

const changes = Number(process.argv[2] ?? 300_000);
const variant = process.argv[3] ?? 'auto';
const pop = await populateRawTask({ books: booksForChanges(changes), log: true });
const local = await openOrm(openRef(pop.localRef), { synchro: localOptions(variant), create: false });
const remoteDb = await createDatabase(pgKind());
const remote = await openOrm(remoteDb, { synchro: { remote: null } });
const mb = (n) => Math.round(n / 2 ** 20);
let peak = 0;
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 20);
try {
  let next = 0;
  const t0 = performance.now();
  console.log('changes     s   rss  peak heapUsed heapTotal external arrayBuffers other-anon');
  const report = await synchronize(local, remote, {
    batchSize: 1000,
    onProgress: ({ done, total }) => {
      if (done / total < next) return;
      const m = process.memoryUsage();
      const parts = memNow();
      const cols = [
        String(done).padStart(7),
        String(Math.round((performance.now() - t0) / 1000)).padStart(5),
        mb(m.rss),
        mb(peak),
        mb(m.heapUsed),
        mb(m.heapTotal),
        mb(m.external),
        mb(m.arrayBuffers),
        Math.round(parts.rssAnonMb - mb(m.heapTotal) - mb(m.external)),
      ];
      console.log(cols.map((c) => String(c).padStart(5)).join(' '));
      next += 0.05;
    },
  });
  console.log(report.status, report.created, report.updated, `peak ${mb(peak)} MB`);
} finally {
  clearInterval(timer);
  await local.close(true);
  await remote.close(true);
  await openRef(pop.localRef).drop();
  await remoteDb.drop();
}
process.exit(0);
