// One benchmark task in its own process, so its peak RSS is its own: `node --expose-gc bench/child.mjs
// <task> '<params JSON>' <result file>`. Spawned by bench/run.mjs with process.execPath.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { peakRss } from './lib/measure.mjs';

const [task, paramsJson, outFile] = process.argv.slice(2);
const params = JSON.parse(paramsJson ?? '{}');
const TASKS = {
  logging: async (p) => (await import('./scenarios/logging.mjs')).logging(p),
  'populate-logged': async (p) => (await import('./scenarios/sync.mjs')).populateLoggedTask(p),
  'populate-raw': async (p) => (await import('./scenarios/delta.mjs')).populateRawTask(p),
  sync: async (p) => (await import('./scenarios/sync.mjs')).syncTask(p),
  delta: async (p) => (await import('./scenarios/delta.mjs')).deltaTask(p),
  memory: async (p) => (await import('./scenarios/memory.mjs')).memoryTask(p),
  facts: async (p) => (await import('./scenarios/facts.mjs')).factsTask(p),
  versions: async (p) => (await import('./scenarios/facts.mjs')).versionsTask(p),
  'pglite-template': async () => (await import('./lib/db.mjs')).createPgliteTemplate(),
};

const started = performance.now();
const load = loadavg();
// Every 2 s: what the task reported so far (globalThis.benchProgress) and the peak RSS, so a child killed at
// its time limit still tells how far it got.
if (outFile) {
  const tick = setInterval(() => {
    try {
      writeFileSync(
        `${outFile}.progress`,
        JSON.stringify({
          elapsedMs: Math.round(performance.now() - started),
          peak: peakRss(),
          progress: globalThis.benchProgress ?? null,
        }),
      );
    } catch {}
  }, 2000);
  tick.unref();
}
let out;
try {
  if (!TASKS[task]) throw new Error(`unknown task ${task}`);
  const result = await TASKS[task](params);
  out = { ok: true, task, params, result };
} catch (e) {
  out = { ok: false, task, params, error: String(e?.stack ?? e) };
}
out.wallMs = Math.round(performance.now() - started);
out.peak = peakRss();
out.loadavg = {
  start: load.map((x) => Math.round(x * 100) / 100),
  end: loadavg().map((x) => Math.round(x * 100) / 100),
};
const json = JSON.stringify(out, null, 1);
if (outFile) writeFileSync(outFile, json);
else console.log(json);
process.exit(out.ok ? 0 : 1);
