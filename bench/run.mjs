// mikro-synchro benchmarks: `npm run bench` (full sizes) or `npm run bench -- --quick`.
// Every measurement runs in a child process (process.execPath, --expose-gc) so each reports its own peak RSS.
// Writes bench/results/<run>.json, and for a full run bench/last-result.json and docs/benchmarks.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { booksForChanges, booksForRows, changesFor, rowsFor } from './lib/data.mjs';
import { evaluate, renderMarkdown } from './lib/report.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'bench', 'results');
const args = parseArgs(process.argv.slice(2));

// --render=<result.json>: regenerate docs/benchmarks.md from a result file (e.g. after editing bench/findings.md)
if (args.render) {
  const saved = JSON.parse(readFileSync(args.render, 'utf8'));
  saved.goals = evaluate(saved);
  writeFileSync(join(ROOT, 'docs', 'benchmarks.md'), renderMarkdown(saved));
  console.log(`docs/benchmarks.md rendered from ${args.render}`);
  process.exit(0);
}
const quick = !!args.quick;
const RUN_ID = `${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}-${quick ? 'quick' : 'full'}`;
const PG_URL = process.env.SYNCHRO_PG_URL || null;
const remoteKind = PG_URL ? 'postgresql' : 'pglite';
const only = args.only ? new Set(String(args.only).split(',')) : null;
const wants = (s) => !only || only.has(s);
const num = (v, d) => (v === undefined ? d : Number(v));
const list = (v, d) => (v === undefined ? d : String(v).split(',').map(Number));

/**
 * Sizes: the issue's full sizes by default, small ones with --quick; each overridable by flag. A time budget
 * (--budget-min, default 80 for a full run, which then takes ~30 min in all: the two 1,000,000-change memory
 * runs take ~6–7 min each on the machine of docs/benchmarks.md) is shared out between scenarios 2–4: repeated
 * runs stop when a variant's share is spent (always at least one), and a child running past its limit is
 * stopped and reported with how far it got. --budget-min=0 removes the budget (every run at every size, however
 * long it takes).
 */
const budgetMin = num(args['budget-min'], quick ? 0 : 80);
const plan = {
  facts: { quick },
  // short flushes on a shared disk are noisy: the logging medians take 9 runs (3 with --quick)
  logging: {
    n: num(args['logging-n'], quick ? 1000 : 10_000),
    runs: num(args.runs, quick ? 3 : 9),
    warmup: 1,
  },
  sync: {
    changes: num(args['sync-changes'], quick ? 1000 : 100_000),
    warmChanges: 60,
    perObjectChanges: num(args['per-object-changes'], quick ? 50 : 1000),
    batchSize: num(args['batch-size'], 1000),
    profileChanges: num(args['profile-changes'], quick ? 1000 : 20_000),
    runs: num(args.runs, 3),
    rounds: quick ? 1 : num(args.runs, 3),
  },
  delta: {
    sizes: list(args['delta-sizes'], quick ? [5000, 20_000] : [100_000, 1_000_000]),
    delta: num(args.delta, undefined),
    runs: num(args.runs, 3),
    fullCopyRuns: num(args['full-copy-runs'], 1),
  },
  memory: {
    sizes: list(args['memory-n'], quick ? [500, 2000] : [50_000, 1_000_000]),
    // the default write path ('auto': bulk for the benchmark's entities, nothing observes them) and the unit of work
    variants: String(args['memory-variants'] ?? 'auto,uow').split(','),
  },
  budgetMin,
  /** Shares of the budget, in minutes (scenario 1 and the facts take ~3 min and are not budgeted). */
  budgets: budgetMin ? { sync: budgetMin * 0.34, delta: budgetMin * 0.32, memory: budgetMin * 0.22 } : null,
  profile: args['no-profile'] ? false : quick ? !!args.profile : true,
};
plan.delta.delta ??= Math.round(Math.max(...plan.delta.sizes) / 100);
const MIN = 60_000;
/** Time limit of a child: its share of the budget (× slack), or effectively none without a budget. */
const limit = (shareMin, slack = 1.5) =>
  plan.budgets ? Math.max(60_000, shareMin * MIN * slack) : 6 * 3600_000;

const bulkAvailable = coreHas('writePath') && !args['no-bulk'];
const SYNC_VARIANTS = ['floor', 'floor-execute', 'uow', ...(bulkAvailable ? ['bulk'] : []), 'per-object'];

const results = {
  run: RUN_ID,
  mode: quick ? 'quick' : 'full',
  command: commandLine(),
  startedAt: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    totalMemGb: Math.round(totalmem() / 2 ** 30),
    loadavgAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  },
  remoteKind,
  bulkAvailable,
  plan,
  children: [],
  scenarios: {},
};
const cleanup = [];
let seq = 0;
mkdirSync(RESULTS, { recursive: true });
log(
  `mikro-synchro bench ${RUN_ID}: REMOTE ${remoteKind}${PG_URL ? '' : ' (SYNCHRO_PG_URL unset: PGlite on a temp directory)'}, bulk path ${bulkAvailable ? 'available' : 'not available'}`,
);

const t0 = Date.now();
try {
  results.versions = (await child('versions', {}, { timeoutMs: 60_000 })).result;
  if (remoteKind === 'pglite') {
    const tpl = (await child('pglite-template', {}, { timeoutMs: 120_000 })).result;
    process.env.BENCH_PGLITE_TEMPLATE = tpl.dir;
    results.versions.postgres = tpl.version;
    cleanup.push(() => rmDir(tpl.dir));
  }
  if (wants('facts'))
    results.scenarios.facts = (await child('facts', plan.facts, { timeoutMs: 300_000 })).result;
  if (wants('logging')) await scenarioLogging();
  if (wants('sync')) await scenarioSync();
  if (wants('delta')) await scenarioDelta();
  if (wants('memory')) await scenarioMemory();
} finally {
  for (const fn of cleanup.reverse())
    await Promise.resolve()
      .then(fn)
      .catch((e) => log(`cleanup: ${e.message}`));
  await dropLeftovers();
}
results.finishedAt = new Date().toISOString();
results.totalMinutes = Math.round((Date.now() - t0) / 600) / 100;
results.machine.loadavgAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
results.goals = evaluate(results);

const json = JSON.stringify(results, null, 1);
const file = join(RESULTS, `${RUN_ID}.json`);
writeFileSync(file, json);
const md = renderMarkdown(results);
writeFileSync(join(RESULTS, `${RUN_ID}.md`), md);
if (!quick || args.docs) {
  writeFileSync(join(ROOT, 'docs', 'benchmarks.md'), md);
  if (!quick) {
    const last = join(ROOT, 'bench', 'last-result.json');
    writeFileSync(last, json);
    // committed and linted: keep it in the repository's formatter style
    spawnSync(join(ROOT, 'node_modules', '.bin', 'biome'), ['format', '--write', last], { stdio: 'ignore' });
  }
}
log(`\n${renderSummary(results)}`);
log(
  `results: ${relative(ROOT, file)}${!quick || args.docs ? ', docs/benchmarks.md' : ''}${quick ? '' : ', bench/last-result.json'} (${results.totalMinutes} min)`,
);

// ---------------------------------------------------------------------------------------------------------

async function scenarioLogging() {
  const out = {};
  for (const kind of ['sqlite', remoteKind]) {
    log(`[1 logging] ${kind}: ${plan.logging.n} creates + ${plan.logging.n} updates, plain vs withSynchro`);
    const r = await child('logging', { kind, ...plan.logging }, { timeoutMs: 900_000 });
    out[kind] = { ...r.result, peak: r.peak, wallMs: r.wallMs };
  }
  if (plan.profile) {
    const base = join(RESULTS, 'profiles', RUN_ID, 'logging-sqlite.cpuprofile');
    log('[1 logging] profile: SQLite, withSynchro (CPU profile of each flush)');
    await child(
      'logging',
      { kind: 'sqlite', n: plan.logging.n, runs: 1, warmup: 1, variants: ['logged'], cpuProfile: base },
      { timeoutMs: 300_000, allowFail: true },
    );
    out.profile = {
      create: await summarizeProfile(base.replace('.cpuprofile', '-create.cpuprofile')),
      update: await summarizeProfile(base.replace('.cpuprofile', '-update.cpuprofile')),
    };
  }
  results.scenarios.logging = out;
}

async function scenarioSync() {
  const s = plan.sync;
  const started = Date.now();
  log(
    `[2 sync] populating LOCAL logs: ${s.changes} changes (main), ${s.perObjectChanges} (per-object), ${s.warmChanges} (warm-up)`,
  );
  const pop = async (changes) => {
    const r = (await child('populate-logged', { books: booksForChanges(changes) }, { timeoutMs: 1_800_000 }))
      .result;
    cleanup.push(() => rmDir(r.ref.dir));
    return r;
  };
  const main = await pop(s.changes);
  const perObject = await pop(s.perObjectChanges);
  const warm = await pop(s.warmChanges);
  const out = {
    main,
    perObjectLog: perObject,
    warm,
    batchSize: s.batchSize,
    variants: {},
    budgetMin: plan.budgets?.sync ?? null,
  };
  // each variant's share of the scenario's budget (what is left after populating), in minutes
  const shares = { floor: 0.04, 'floor-execute': 0.04, uow: 0.3, bulk: 0.3, 'per-object': 0.22 };
  const left = plan.budgets ? plan.budgets.sync - (Date.now() - started) / MIN : null;
  const perChild = s.runs / s.rounds;
  for (let round = 0; round < s.rounds; round++) {
    for (const variant of round % 2 ? [...SYNC_VARIANTS].reverse() : SYNC_VARIANTS) {
      out.variants[variant] ??= { runs: [], peaks: [], errors: [], childMs: [], skipped: null };
      const v = out.variants[variant];
      const share = left === null ? null : left * shares[variant];
      if (share !== null && v.childMs.length) {
        const spent = v.childMs.reduce((a, b) => a + b, 0);
        const next = spent / v.childMs.length;
        if (spent + next > share * MIN) {
          v.skipped = `${v.childMs.length} run${v.childMs.length === 1 ? '' : 's'}, then its share of the time budget (${share.toFixed(1)} min) was spent`;
          continue;
        }
      }
      const localRef = variant.startsWith('per-object') ? perObject.ref : main.ref;
      log(
        `[2 sync] round ${round + 1}/${s.rounds}: ${variant} (${variant.startsWith('per-object') ? perObject.changes : main.changes} changes)`,
      );
      const r = await child(
        'sync',
        { variant, localRef, warmupRef: warm.ref, remoteKind, runs: perChild, batchSize: s.batchSize },
        { timeoutMs: share === null ? limit(0) : limit(share, 2), allowFail: true },
      );
      if (r.result?.remoteVersion && results.versions && !results.versions.postgres)
        results.versions.postgres = r.result.remoteVersion;
      v.childMs.push(r.wallMs);
      if (r.ok) v.runs.push(...r.result.runs);
      else v.errors.push(r.error);
      v.peaks.push(r.peak);
      if (r.result?.runs)
        for (const x of r.result.runs)
          log(
            `    ${x.ms} ms, ${x.rowsPerSec} rows/s, ${x.changesPerSec} changes/s${x.paths ? ` paths ${JSON.stringify(x.paths)}` : ''}`,
          );
      else
        log(
          `    FAILED: ${String(r.error).split('\n')[0]}${r.progressAtKill?.progress ? ` at ${JSON.stringify(r.progressAtKill.progress)}` : ''}`,
        );
      if (!r.ok && r.progressAtKill?.progress) v.killedAt = r.progressAtKill.progress;
    }
  }
  if (plan.profile) {
    const profLog = s.profileChanges === s.changes ? main : await pop(s.profileChanges);
    out.profiles = {};
    for (const variant of ['uow', ...(bulkAvailable ? ['bulk'] : [])]) {
      log(
        `[2 sync] profile: ${variant} on ${profLog.changes} changes (CPU profile, method timings, query log)`,
      );
      const file = join(RESULTS, 'profiles', RUN_ID, `sync-${variant}.cpuprofile`);
      const r = await child(
        'sync',
        {
          variant,
          localRef: profLog.ref,
          warmupRef: warm.ref,
          remoteKind,
          runs: 1,
          profile: true,
          cpuProfile: file,
        },
        { timeoutMs: 900_000, allowFail: true },
      );
      out.profiles[variant] = {
        ok: r.ok,
        error: r.error,
        run: r.result?.runs?.[0],
        cpu: await summarizeProfile(file),
      };
    }
  }
  results.scenarios.sync = out;
}

async function scenarioDelta() {
  const d = plan.delta;
  const out = { delta: d.delta, sizes: {}, budgetMin: plan.budgets?.delta ?? null };
  const started = Date.now();
  for (const [i, total] of d.sizes.entries()) {
    const books = booksForRows(total);
    log(`[3 delta] populating ${total} rows (${books} books) on LOCAL and REMOTE`);
    const pop = await child('populate-raw', { books, remoteKind }, { timeoutMs: 1_800_000 });
    cleanup.push(() => rmDir(pop.result.localRef.dir));
    cleanup.push(() => dropRef(pop.result.remoteRef));
    log(`    LOCAL ${pop.result.localMs} ms, REMOTE ${pop.result.remoteMs} ms`);
    // the budget left, shared by the sizes still to measure (the largest gets the rest)
    const left = plan.budgets ? plan.budgets.delta - (Date.now() - started) / MIN : null;
    const share = left === null ? null : i === d.sizes.length - 1 ? left : left * 0.3;
    log(
      `[3 delta] ${total} rows: up to ${d.runs} syncs of ${d.delta} changed books after a warm-up, ${d.fullCopyRuns} full copy${share ? ` (budget ${share.toFixed(1)} min)` : ''}`,
    );
    const r = await child(
      'delta',
      {
        localRef: pop.result.localRef,
        remoteRef: pop.result.remoteRef,
        books,
        delta: d.delta,
        runs: d.runs,
        warmup: 1,
        fullCopyRuns: d.fullCopyRuns,
        profile: plan.profile,
        budgetMs: share === null ? null : share * MIN,
      },
      { timeoutMs: share === null ? limit(0) : limit(share, 2.5), allowFail: true },
    );
    out.sizes[total] = { books, populate: pop.result, ...childOutcome(r) };
    if (r.ok) {
      for (const x of r.result.syncs) log(`    sync ${x.ms} ms (${x.changesPerSec} changes/s)`);
      for (const x of r.result.fullCopies) log(`    full copy ${x.ms} ms (${x.rowsPerSec} rows/s)`);
    } else log(`    FAILED: ${String(r.error).split('\n')[0]}`);
  }
  results.scenarios.delta = out;
}

/** What a scenario child reported, for the result file (a child stopped at its limit: how far it got). */
function childOutcome(r) {
  return {
    ok: r.ok,
    error: r.error,
    killedAt: r.progressAtKill ?? null,
    ...r.result,
    peak: r.peak,
    wallMs: r.wallMs,
  };
}

async function scenarioMemory() {
  const out = { sizes: {}, variants: plan.memory.variants, budgetMin: plan.budgets?.memory ?? null };
  const started = Date.now();
  const total = plan.memory.sizes.length * plan.memory.variants.length;
  let ran = 0;
  for (const [i, n] of plan.memory.sizes.entries()) {
    const books = booksForChanges(n);
    log(`[4 memory] populating LOCAL with ${changesFor(books)} logged changes (raw)`);
    const pop = await child('populate-raw', { books, log: true }, { timeoutMs: 1_800_000 });
    cleanup.push(() => rmDir(pop.result.localRef.dir));
    const last = i === plan.memory.sizes.length - 1;
    // each variant syncs the same LOCAL file into its own fresh REMOTE (a sync reads LOCAL, writes REMOTE)
    for (const variant of plan.memory.variants) {
      const left = plan.budgets ? plan.budgets.memory - (Date.now() - started) / MIN : null;
      // the small sizes take a small share; the largest shares what is left
      const share = left === null ? null : last ? left / (total - ran) : left * 0.1;
      ran += 1;
      log(
        `[4 memory] ${variant}: syncing ${pop.result.changes} changes${share ? ` (time limit ${Math.max(1, share).toFixed(1)} min)` : ''}`,
      );
      const r = await child(
        'memory',
        { localRef: pop.result.localRef, remoteKind, variant, batchSize: plan.sync.batchSize },
        { timeoutMs: share === null ? limit(0) : Math.max(60_000, share * MIN), allowFail: true },
      );
      out.sizes[n] ??= {};
      out.sizes[n][variant] = { variant, changes: pop.result.changes, ...childOutcome(r) };
      if (r.ok)
        log(`    ${r.result.ms} ms (${r.result.changesPerSec} changes/s), peak RSS ${r.peak.vmHwmMb} MB`);
      else
        log(
          `    STOPPED: ${String(r.error).split('\n')[0]}${r.progressAtKill?.progress ? ` after ${r.progressAtKill.progress.done} of ${r.progressAtKill.progress.total} changes, peak RSS so far ${r.progressAtKill.peak?.vmHwmMb} MB` : ''}`,
        );
    }
    rmDir(pop.result.localRef.dir);
  }
  results.scenarios.memory = out;
}

// ---------------------------------------------------------------------------------------------------------

/** Runs one task in a child process; resolves with its result file (or the failure, with `allowFail`). */
async function child(task, params, { timeoutMs = 600_000, allowFail = false } = {}) {
  seq += 1;
  const out = join(RESULTS, `${RUN_ID}.${String(seq).padStart(2, '0')}-${task}.json`);
  const argv = ['--expose-gc', join(ROOT, 'bench', 'child.mjs'), task, JSON.stringify(params), out];
  const started = Date.now();
  const proc = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: { ...process.env, BENCH_RUN_ID: RUN_ID, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    proc.kill('SIGKILL');
  }, timeoutMs);
  const code = await new Promise((resolve) => proc.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  let res;
  if (existsSync(out)) {
    res = JSON.parse(readFileSync(out, 'utf8'));
  } else {
    const progress = existsSync(`${out}.progress`)
      ? JSON.parse(readFileSync(`${out}.progress`, 'utf8'))
      : null;
    res = {
      ok: false,
      task,
      params,
      error: killed
        ? `killed at its time limit (${Math.round(timeoutMs / 1000)} s)`
        : `exited with code ${code}`,
      peak: progress?.peak ?? null,
      progressAtKill: progress,
      wallMs: Date.now() - started,
    };
  }
  rmSync(`${out}.progress`, { force: true });
  results.children.push({
    task,
    params: summarizeParams(params),
    ok: res.ok,
    wallMs: res.wallMs,
    peak: res.peak,
    loadavg: res.loadavg,
  });
  if (!res.ok && !allowFail) throw new Error(`${task} failed: ${res.error}`);
  return res;
}

/** Top frames of a `.cpuprofile` written by a child (null when it is missing). */
async function summarizeProfile(file) {
  if (!existsSync(file)) return null;
  const { profileTop } = await import('./lib/profileTop.mjs');
  const core = profileTop(file, { top: 15, root: ROOT, filter: (l) => l.includes('packages/core/') });
  const all = profileTop(file, { top: 20, root: ROOT });
  return {
    file: relative(ROOT, file),
    totalMs: all.totalMs,
    self: all.self,
    inclusive: all.inclusive,
    coreInclusive: core.inclusive,
    coreSelf: core.self,
  };
}

function summarizeParams(p) {
  const { localRef, remoteRef, warmupRef, ...rest } = p;
  return rest;
}

function rmDir(dir) {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

async function dropRef(ref) {
  if (ref.dir) return rmDir(ref.dir);
  const { openRef } = await import('./lib/db.mjs');
  await openRef(ref).drop();
}

/** Databases and directories a killed child could not drop (their names carry this run's tag). */
async function dropLeftovers() {
  const tag = RUN_ID.replace(/[^a-z0-9]/gi, '').toLowerCase();
  for (const f of readdirSync(tmpdir())) {
    if (f.startsWith(`synchro-bench-${tag}-`)) rmDir(join(tmpdir(), f));
  }
  if (!PG_URL) return;
  const { MikroORM } = await import('@mikro-orm/core');
  const { PostgreSqlDriver } = await import('@mikro-orm/postgresql');
  const url = new URL(PG_URL);
  const admin = await MikroORM.init({
    driver: PostgreSqlDriver,
    clientUrl: `${url.protocol}//${url.username ? `${url.username}@` : ''}${url.host}`,
    dbName: 'postgres',
    entities: [],
    discovery: { warnWhenNoEntities: false },
    debug: false,
  });
  try {
    const rows = await admin.em.getConnection().execute('select datname from pg_database');
    for (const { datname } of rows) {
      if (datname.startsWith(`synchro_bench_${tag}_`)) {
        log(`dropping leftover database ${datname}`);
        await admin.em.getConnection().execute(`drop database if exists "${datname}" with (force)`);
      }
    }
  } finally {
    await admin.close(true);
  }
}

function coreHas(word) {
  const dist = join(ROOT, 'packages', 'core', 'dist');
  const walk = (d) => {
    for (const f of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, f.name);
      if (f.isDirectory()) {
        if (walk(p)) return true;
      } else if (f.name.endsWith('.js') && readFileSync(p, 'utf8').includes(word)) return true;
    }
    return false;
  };
  return existsSync(dist) && walk(dist);
}

function commandLine() {
  const extra = process.argv.slice(2);
  const env = PG_URL ? `SYNCHRO_PG_URL=${PG_URL} ` : '';
  return `${env}npm run bench${extra.length ? ` -- ${extra.join(' ')}` : ''}`;
}

function parseArgs(argv) {
  const out = {};
  for (const a of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (m) out[m[1]] = m[2] ?? true;
  }
  return out;
}

function log(msg) {
  console.log(msg);
}

function renderSummary(r) {
  const lines = ['goal                                                    value      target   result'];
  for (const g of r.goals) {
    lines.push(
      `${g.name.padEnd(55).slice(0, 55)} ${String(g.display).padStart(9)}  ${String(g.target).padStart(8)}   ${g.status}`,
    );
  }
  return lines.join('\n');
}

export { rowsFor };
