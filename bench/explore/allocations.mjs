// Where does a sync allocate, and how much is live? `npx node --expose-gc bench/explore/allocations.mjs
// [changes]` (REMOTE: SYNCHRO_PG_URL or PGlite). Writes a LOCAL SQLite log of `changes` changes (raw, as
// scenario 4 does), runs scenario 4's memory task on it under V8's sampling heap profiler with collected
// objects included (so the totals are everything allocated, not what survived), and prints the bytes
// allocated per change, the top allocating functions and the packages they are in. The peak RSS of a sync is
// set by V8 letting its heap grow to a multiple of what is live, so the live size (printed by `--trace-gc` as
// the size after each Mark-Compact) matters more than the allocation rate.
import { Session } from 'node:inspector/promises';
import { booksForChanges } from '../lib/data.mjs';
import { openRef, pgKind } from '../lib/db.mjs';
import { populateRawTask } from '../scenarios/delta.mjs';
import { memoryTask } from '../scenarios/memory.mjs';

const changes = Number(process.argv[2] ?? 100_000);
const pop = await populateRawTask({ books: booksForChanges(changes), log: true });
const session = new Session();
session.connect();
try {
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 65_536,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  const run = await memoryTask({ localRef: pop.localRef, remoteKind: pgKind() });
  const { profile } = await session.post('HeapProfiler.stopSampling');

  const byFunction = new Map();
  const byPackage = new Map();
  let total = 0;
  const short = (url) =>
    url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/.*?\/(packages|bench)\//, '$1/');
  const add = (map, key, bytes) => map.set(key, (map.get(key) ?? 0) + bytes);
  const walk = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    total += node.selfSize;
    add(byFunction, `${functionName || '(anonymous)'} ${short(url)}:${lineNumber + 1}`, node.selfSize);
    const parts = short(url).split('/');
    add(
      byPackage,
      parts[0].startsWith('@') ? parts.slice(0, 2).join('/') : parts[0] || '(V8 / generated)',
      node.selfSize,
    );
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  const mb = (bytes) => (bytes / 2 ** 20).toFixed(0).padStart(7);
  console.log(
    `${run.changes} changes in ${Math.round(run.ms)} ms: ${mb(total).trim()} MB allocated, ` +
      `${(total / 1024 / run.changes).toFixed(1)} KB per change; peak RSS sampled ${run.sampledMaxRssMb} MB`,
  );
  console.log('\nMB allocated, by function:');
  for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(mb(v), k);
  console.log('\nMB allocated, by package:');
  for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(mb(v), k);
} finally {
  session.disconnect();
  await openRef(pop.localRef).drop();
}
