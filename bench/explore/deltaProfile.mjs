// CPU profile of small-delta syncs only (not the populate): `npx node bench/explore/deltaProfile.mjs 100000 [delta]
// [out.cpuprofile]` (SYNCHRO_PG_URL for a PostgreSQL REMOTE, else PGlite). Populates LOCAL and REMOTE raw as scenario 3
// does, runs one unprofiled sync, then profiles three more and prints the top frames by self and inclusive time.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { synchronize } from '@mikro-synchro/core';
import { booksForRows } from '../lib/data.mjs';
import { openOrm, openRef, pgKind } from '../lib/db.mjs';
import { timed } from '../lib/measure.mjs';
import { profileTop } from '../lib/profileTop.mjs';
import { changeBooks, changedIds, populateRawTask } from '../scenarios/delta.mjs';
import { localOptions } from '../scenarios/sync.mjs';

const total = Number(process.argv[2] ?? 100_000);
const delta = Number(process.argv[3] ?? 10_000);
const out = process.argv[4] ?? 'bench/results/profiles/delta.cpuprofile';
const books = booksForRows(total);
const pop = await populateRawTask({ books, remoteKind: pgKind() });
const local = await openOrm(openRef(pop.localRef), { synchro: localOptions('auto'), create: false });
const remote = await openOrm(openRef(pop.remoteRef), { synchro: { remote: null }, create: false });
const session = new Session();
session.connect();
try {
  for (let it = 0; it < 4; it++) {
    await changeBooks(local, changedIds(books, delta, it), it + 1);
    if (it === 1) {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const { ms } = await timed(() => synchronize(local, remote, { batchSize: 1000 }));
    console.log(`sync ${it}: ${ms} ms`);
  }
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(out, JSON.stringify(profile));
  const all = profileTop(out, { top: 30 });
  console.log(`profiled ${all.totalMs} ms`);
  for (const kind of ['self', 'inclusive']) {
    console.log(`\n${kind}:`);
    for (const f of all[kind])
      console.log(`  ${String(f.ms).padStart(6)} ms ${String(f.pct).padStart(5)}%  ${f.frame}`);
  }
} finally {
  await local.close(true);
  await remote.close(true);
  await openRef(pop.localRef).drop();
  await openRef(pop.remoteRef).drop();
}
process.exit(0);
