// Conflict detection against REMOTE's own log at several log sizes:
// `SYNCHRO_PG_URL=… npx node --expose-gc bench/explore/conflictScan.mjs 100000,1000000` (PGlite without it).
// LOCAL (SQLite) logs 1,000 books and syncs them once, so every book's baseline is REMOTE's log position then.
// Three times: REMOTE's log grows by N rows applied from the same LOCAL (raw inserts, as a long run leaves
// them), then the 1,000 books change on LOCAL and sync again. Prints each sync's time and the REMOTE statements
// that read `synchro_change`: the detector asks for changes not applied from this LOCAL since the oldest
// baseline, so without `originIndex` its cost follows the log's size since then. Each size runs twice: REMOTE
// without and with `withSynchro(…, { originIndex: true })`.
import { synchronize } from '@mikro-synchro/core';
import { populateLogged } from '../lib/data.mjs';
import { createDatabase, nativeQuery, openOrm, pgKind } from '../lib/db.mjs';
import { timed } from '../lib/measure.mjs';
import { queryStats } from '../lib/queryStats.mjs';
import { changeBooks } from '../scenarios/delta.mjs';
import { localOptions } from '../scenarios/sync.mjs';

const sizes = (process.argv[2] ?? '100000,1000000').split(',').map(Number);
const BOOKS = 1000;
for (const size of sizes)
  for (const originIndex of [false, true]) {
    const localDb = await createDatabase('sqlite');
    const remoteDb = await createDatabase(pgKind());
    const local = await openOrm(localDb, { synchro: localOptions('auto') });
    const remote = await openOrm(remoteDb, { synchro: { remote: null, originIndex } });
    try {
      await populateLogged(local, BOOKS);
      await synchronize(local, remote, { batchSize: 1000 });
      const q = await nativeQuery(remote);
      const [{ origin }] = await q.all('select origin from synchro_change where origin is not null limit 1');
      const ids = Array.from({ length: BOOKS }, (_, i) => i + 1);
      for (let it = 0; it < 3; it++) {
        await q.run(
          'insert into synchro_change (entity, action, pk, origin, created_at) ' +
            "select 'Book', 'update', to_jsonb(g), $1, now() from generate_series(1, $2::int) g",
          [origin, size],
        );
        await q.exec('analyze synchro_change');
        await changeBooks(local, ids, it + 1);
        const stats = queryStats({ REMOTE: remote });
        const { ms, value } = await timed(() => synchronize(local, remote, { batchSize: 1000 }));
        const reads = stats
          .summary(50)
          .top.filter((t) => /^REMOTE: select .* from "synchro_change"/.test(t.statement));
        stats.stop();
        console.log(
          `originIndex ${originIndex}, log +${size} rows, sync ${it}: ${ms} ms, ${value.updated} updated, ${value.conflicts?.length ?? 0} conflicts`,
        );
        for (const t of reads)
          console.log(`  ${String(t.ms).padStart(6)} ms ${String(t.count).padStart(3)}x ${t.statement}`);
      }
      q.release();
    } finally {
      await local.close(true);
      await remote.close(true);
      await localDb.drop();
      await remoteDb.drop();
    }
  }
process.exit(0);
