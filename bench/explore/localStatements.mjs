// How much does each LOCAL statement of a batch cost in memory on SQLite, and how fast is the log read?
// ('find by id' is an `in` list of 1,000 parameters; the sync reads rows through 'find by id, json_each'.)
// `npx node --expose-gc bench/explore/localStatements.mjs [batches]`. Writes the rows and log of 1,000 books per
// batch into a temporary SQLite file (raw, as scenario 4 does), then, in one process per kind of statement, runs
// it once per batch (1,000 ids each) and prints RSS after a forced GC every quarter of the batches, then reads the
// whole log with readLogBatch (5 passes) and prints the time of each pass.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { insertRawLog, insertRawRows } from '../lib/data.mjs';
import { createDatabase, nativeQuery, openOrm, openRef } from '../lib/db.mjs';
import { Book } from '../lib/model.mjs';

const [mode, refJson, batchArg] = process.argv.slice(2);
const mb = () => {
  globalThis.gc?.();
  return Math.round(process.memoryUsage().rss / 2 ** 20);
};

if (mode && refJson) {
  // child: one kind of statement
  const batches = Number(batchArg);
  const orm = await openOrm(openRef(JSON.parse(refJson)), { synchro: { remote: 'server' }, create: false });
  const core = '../../packages/core/dist';
  const { plainPivot, readPivotRows } = await import(`${core}/sync/apply/pivotRows.js`);
  const { readLogBatch } = await import(`${core}/log/LogReader.js`);
  const { pkListWhere } = await import(`${core}/sync/resolve/pkWhere.js`);
  const meta = orm.getMetadata().get('Book');
  const line = [`${mode}: start ${mb()} MB`];
  if (mode === 'log read') {
    for (let pass = 0; pass < 5; pass++) {
      const t = performance.now();
      let position = { lastId: 0, holes: [] };
      for (;;) {
        const batch = await readLogBatch(orm.em, position, 1000);
        if (!batch.changes.length) break;
        position = batch.next;
      }
      line.push(`pass ${pass + 1} ${Math.round(performance.now() - t)} ms`);
    }
  } else {
    for (let b = 0; b < batches; b++) {
      const em = orm.em.fork();
      const ids = Array.from({ length: 1000 }, (_, i) => b * 1000 + i + 1);
      if (mode === 'pivot read') await readPivotRows(em, plainPivot(em, meta, 'tags'), ids);
      if (mode === 'populate')
        await em.populate(
          ids.map((id) => em.getReference(Book, id)),
          ['tags'],
        );
      if (mode === 'find by id') await em.find(Book, { id: { $in: ids } });
      if (mode === 'find by id, json_each') await em.find(Book, pkListWhere(em, meta, ids));
      if ((b + 1) % Math.max(1, Math.floor(batches / 4)) === 0) line.push(`${b + 1}: ${mb()} MB`);
    }
  }
  console.log(line.join(', '));
  await orm.close(true);
} else {
  const batches = Number(process.argv[2] ?? 240);
  const db = await createDatabase('sqlite');
  const orm = await openOrm(db, { synchro: { remote: 'server' } });
  const native = await nativeQuery(orm);
  await insertRawRows(native, batches * 1000, { chunk: 500 });
  await insertRawLog(native, Math.min(batches * 1000, 20_000));
  native.release();
  await orm.close(true);
  for (const kind of ['find by id', 'find by id, json_each', 'populate', 'pivot read', 'log read']) {
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', fileURLToPath(import.meta.url), kind, JSON.stringify(db.ref), String(batches)],
      { stdio: 'inherit' },
    );
    if (child.status !== 0) process.exitCode = 1;
  }
  await db.drop();
}
