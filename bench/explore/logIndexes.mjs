// What an index on the log costs the capture: `npx node --expose-gc bench/explore/logIndexes.mjs [runs]`
// (SYNCHRO_PG_URL adds PostgreSQL). Scenario 1's flushes (10,000 creates, then 10,000 updates) in one process
// per database, alternating: plain, logged (default indexes), logged with the index `originIndex: true` adds
// on (origin, id), and logged with one on (entity, origin, id). Prints medians and ratios to plain.
import { PG_URL } from '../lib/db.mjs';
import { median } from '../lib/measure.mjs';
import { LOG_INDEX_VARIANTS, logging } from '../scenarios/logging.mjs';

const runs = Number(process.argv[2] ?? 15);
const variants = ['plain', 'logged', ...Object.keys(LOG_INDEX_VARIANTS)];
for (const kind of ['sqlite', ...(PG_URL ? ['postgresql'] : [])]) {
  const r = await logging({ kind, n: 10_000, runs, variants });
  for (const flush of ['createMs', 'updateMs']) {
    const plain = median(r.runs.plain.map((x) => x[flush]));
    const cells = variants.map((v) => {
      const ms = median(r.runs[v].map((x) => x[flush]));
      return `${v} ${Math.round(ms)} ms (${(ms / plain).toFixed(3)}x)`;
    });
    console.log(`${kind} ${flush}: ${cells.join(', ')}`);
  }
}
process.exit(0);
