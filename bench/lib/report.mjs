import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, round } from './measure.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

const med = (xs, key) => median(xs.map((x) => x[key]));
const fmt = (x, digits = 0) =>
  x === null || x === undefined || Number.isNaN(x)
    ? '—'
    : Number(x).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratioFmt = (x) => (x === null || x === undefined ? '—' : `${fmt(x, x >= 10 ? 0 : 2)}×`);
const mb = (peak) => (peak ? fmt(peak.vmHwmMb ?? peak.maxRssMb, 0) : '—');

/** Medians of scenario 1 per database: creates and updates, plain and logged, and the ratios. */
export function loggingSummary(results) {
  const out = [];
  for (const [kind, r] of Object.entries(results.scenarios.logging ?? {})) {
    if (kind === 'profile' || !r?.runs) continue;
    for (const op of ['create', 'update']) {
      const plain = med(r.runs.plain, `${op}Ms`);
      const logged = med(r.runs.logged, `${op}Ms`);
      out.push({
        kind,
        op,
        n: r.n,
        plain,
        logged,
        ratio: plain && logged ? round(logged / plain, 3) : null,
        logRows: r.runs.logged[0]?.[op === 'create' ? 'loggedCreate' : 'loggedUpdate'],
        peak: r.peak,
      });
    }
  }
  return out;
}

/** Medians of scenario 2 per variant. */
export function syncSummary(results) {
  const s = results.scenarios.sync;
  if (!s) return null;
  const rows = {};
  for (const [variant, v] of Object.entries(s.variants)) {
    const peak = v.peaks.filter(Boolean).reduce((a, p) => Math.max(a, p.vmHwmMb ?? p.maxRssMb ?? 0), 0);
    const partial = !v.runs.length && v.killedAt ? v.killedAt : null;
    rows[variant] = {
      variant,
      partial,
      skipped: v.skipped ?? null,
      runs: v.runs.length,
      changes: v.runs[0]?.changes,
      rows: v.runs[0]?.rows,
      ms: med(v.runs, 'ms'),
      rowsPerSec:
        partial && s.main?.changes
          ? round(
              ((partial.done / s.main.changes) * (s.variants.floor?.runs[0]?.rows ?? 0)) /
                (partial.ms / 1000),
            )
          : med(v.runs, 'rowsPerSec'),
      changesPerSec: partial ? round(partial.done / (partial.ms / 1000)) : med(v.runs, 'changesPerSec'),
      paths: v.runs.find((r) => r.paths)?.paths ?? null,
      peakMb: peak || null,
      errors: v.errors,
    };
  }
  const floor = rows.floor?.rowsPerSec;
  const po = rows['per-object']?.changesPerSec;
  for (const r of Object.values(rows)) {
    r.vsFloor = floor && r.rowsPerSec ? round(r.rowsPerSec / floor, 3) : null;
    r.vsPerObject = po && r.changesPerSec ? round(r.changesPerSec / po, 1) : null;
  }
  return rows;
}

export function deltaSummary(results) {
  const d = results.scenarios.delta;
  if (!d) return null;
  return Object.entries(d.sizes).map(([total, r]) => {
    const sync = r.syncs ? med(r.syncs, 'ms') : null;
    const copy = r.fullCopies?.length ? med(r.fullCopies, 'ms') : null;
    return {
      total: Number(total),
      books: r.books,
      rows: r.rows?.total ?? r.populate?.rows?.total,
      delta: d.delta,
      ok: r.ok,
      error: r.error,
      syncMs: sync,
      syncRuns: r.syncs?.length ?? 0,
      changesPerSec: sync ? round(d.delta / (sync / 1000)) : null,
      copyMs: copy,
      copyRuns: r.fullCopies?.length ?? 0,
      copyRowsPerSec: r.fullCopies?.length ? med(r.fullCopies, 'rowsPerSec') : null,
      ratio: sync && copy ? round(copy / sync, 3) : null,
      paths: r.syncs?.find((x) => x.paths)?.paths ?? null,
      peak: r.peak,
      populate: r.populate,
      queries: r.profiled?.queries ?? null,
      profiledChanges: r.profiled?.changes ?? null,
      stopped: r.stopped ?? null,
    };
  });
}

/** Memory runs, one per size and write path ('auto' is the default; result files before variants hold 'uow'). */
export function memorySummary(results) {
  const m = results.scenarios.memory;
  if (!m) return null;
  const runs = Object.entries(m.sizes).flatMap(([n, bySize]) =>
    'ok' in bySize
      ? [[n, bySize.variant ?? 'uow', bySize]]
      : Object.entries(bySize).map(([variant, r]) => [n, variant, r]),
  );
  return runs.map(([n, variant, r]) => ({
    n: Number(n),
    variant,
    changes: r.changes,
    ok: r.ok,
    error: r.error,
    killedAt: r.killedAt?.progress ?? null,
    baselineKilled: r.killedAt?.progress?.baselineRssMb ?? null,
    ms: r.ms,
    changesPerSec: r.changesPerSec,
    baseline: r.baselineRssMb,
    peakMb: r.peak?.vmHwmMb ?? r.peak?.maxRssMb ?? null,
    curve: r.progress ?? [],
    paths: r.report?.paths ?? null,
  }));
}

/** The label of a memory run's write path. */
export function memoryVariantLabel(variant) {
  return variant === 'auto'
    ? "default path ('auto')"
    : variant === 'uow'
      ? 'unit-of-work path'
      : `${variant} path`;
}

/** Every goal of the issue with its measured value and PASS / MISS (or n/a with the reason). */
export function evaluate(results) {
  const goals = [];
  const add = (name, value, target, pass, display, note) =>
    goals.push({
      name,
      value,
      target,
      display: display ?? value,
      status: value === null || value === undefined ? (note ? 'n/a' : 'MISS') : pass ? 'PASS' : 'MISS',
      note: note ?? null,
    });
  for (const l of loggingSummary(results)) {
    add(
      `1. logging overhead, ${fmt(l.n)} ${l.op}s, ${l.kind}`,
      l.ratio,
      '≤ 1.10',
      l.ratio !== null && l.ratio <= 1.1,
      ratioFmt(l.ratio),
    );
  }
  const s = syncSummary(results);
  if (s) {
    const bulk = s.bulk;
    const na = results.bulkAvailable ? null : 'bulk path not in core yet';
    add(
      '2. bulk path vs floor (rows/s)',
      bulk?.vsFloor ?? null,
      '≥ 0.5×',
      bulk?.vsFloor >= 0.5,
      ratioFmt(bulk?.vsFloor),
      na ?? (bulk?.errors?.length ? 'bulk runs failed' : null),
    );
    add(
      '2. bulk path vs per-object replay (changes/s)',
      bulk?.vsPerObject ?? null,
      '≥ 50×',
      bulk?.vsPerObject >= 50,
      ratioFmt(bulk?.vsPerObject),
      na,
    );
    add(
      '2. unit-of-work path vs floor (rows/s)',
      s.uow?.vsFloor ?? null,
      '≥ 0.3×',
      s.uow?.vsFloor >= 0.3,
      ratioFmt(s.uow?.vsFloor),
    );
    add(
      '2. unit-of-work path vs per-object replay (changes/s)',
      s.uow?.vsPerObject ?? null,
      '≥ 30×',
      s.uow?.vsPerObject >= 30,
      ratioFmt(s.uow?.vsPerObject),
    );
  }
  const d = deltaSummary(results);
  if (d?.length) {
    const big = d.at(-1);
    const small = d[0];
    add(
      `3. ${fmt(big.total)} rows, ${fmt(big.delta)} changed: full copy ÷ sync`,
      big.ratio,
      '≥ 50×',
      big.ratio >= 50,
      ratioFmt(big.ratio),
      big.ok ? null : undefined,
    );
    if (d.length > 1) {
      const growth = small.syncMs && big.syncMs ? round(big.syncMs / small.syncMs, 2) : null;
      add(
        `3. sync time ${fmt(big.total)} ÷ ${fmt(small.total)} rows, same delta`,
        growth,
        '≤ 1.3× (flat)',
        growth !== null && growth <= 1.3,
        ratioFmt(growth),
      );
    }
  }
  const all = memorySummary(results);
  if (all?.length) {
    const inProcess = results.remoteKind === 'pglite';
    for (const variant of [...new Set(all.map((r) => r.variant))]) {
      const m = all.filter((r) => r.variant === variant);
      const label = memoryVariantLabel(variant);
      for (const r of m) {
        const note = !r.ok
          ? `incomplete: ${r.error}`
          : inProcess
            ? `PGlite runs in the measured process (${fmt(r.baseline)} MB before the sync); growth during the sync ${fmt(r.peakMb - r.baseline)} MB`
            : null;
        add(
          `4. peak RSS syncing ${fmt(r.n)} changes, ${label} (MB)`,
          r.peakMb,
          '≤ 300',
          r.ok && r.peakMb <= 300,
          r.peakMb === null ? '—' : `${fmt(r.peakMb)}${r.ok ? '' : '+'}`,
          note,
        );
        const g = goals.at(-1);
        if (!r.ok) g.status = r.peakMb > 300 ? 'MISS' : 'n/a';
        else if (inProcess) g.status = 'n/a';
      }
      if (m.length > 1 && m.every((r) => r.peakMb)) {
        const flat = inProcess
          ? round((m.at(-1).peakMb - m.at(-1).baseline) / Math.max(1, m[0].peakMb - m[0].baseline), 2)
          : round(m.at(-1).peakMb / m[0].peakMb, 2);
        const stopped = m.find((r) => !r.ok);
        add(
          `4. ${inProcess ? 'RSS growth during the sync' : 'peak RSS'}, ${fmt(m.at(-1).n)} ÷ ${fmt(m[0].n)} changes, ${label}`,
          flat,
          '≤ 1.2× (flat)',
          flat <= 1.2,
          ratioFmt(flat),
          stopped
            ? `${fmt(stopped.n)} stopped after ${fmt(stopped.killedAt?.done)} changes: peak so far`
            : null,
        );
        if (stopped) goals.at(-1).status = flat <= 1.2 ? 'n/a' : 'MISS';
      }
    }
  }
  return goals;
}

function table(head, rows) {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export function renderMarkdown(r) {
  const v = r.versions ?? {};
  const lines = [];
  const p = (...x) => lines.push(...x);
  p('# Benchmarks', '');
  p(
    `Generated by \`${r.command}\` (${r.mode} run \`${r.run}\`, ${r.totalMinutes} min). Do not edit by hand: the tables come from`,
    '`bench/run.mjs`; the analysis section is `bench/findings.md`. Raw results: `bench/last-result.json` (full runs).',
    '',
  );
  p('## Machine', '');
  p(
    table(
      ['', ''],
      [
        ['CPU', `${r.machine.cpus} cores (${r.machine.cpuModel})`],
        ['RAM', `${r.machine.totalMemGb} GiB`],
        [
          'Load average (1/5/15 min) at start → end',
          `${r.machine.loadavgAtStart.join(' / ')} → ${r.machine.loadavgAtEnd?.join(' / ')}`,
        ],
        ['Node.js', v.node],
        ['MikroORM', v.mikroOrm],
        ['LOCAL', `SQLite ${v.sqlite} (better-sqlite3 ${v.betterSqlite3}), a file in the temp directory`],
        [
          'REMOTE',
          r.remoteKind === 'postgresql'
            ? `${String(v.postgres).split(' on ')[0]} server on 127.0.0.1 (pg ${v.pg}; ${Object.entries(
                v.postgresSettings ?? {},
              )
                .map(([k, x]) => `${k}=${x}`)
                .join(', ')})`
            : `PGlite ${v.pglite} (${String(v.postgres).split(' on ')[0]} in WASM, in-process) on a temp directory: it never fsyncs, and its memory counts in the bench process's RSS`,
        ],
        ['Bulk write path in core', r.bulkAvailable ? 'yes (`writePath`)' : 'not available in this build'],
      ],
    ),
    '',
    'Absolute times move with whatever else runs on the machine (see the load average; the bench itself keeps one',
    'core busy). Variants that are compared run alternately or in rounds, so drift hits them alike.',
    '',
  );
  p('## Commands', '');
  p(
    '```sh',
    'npm run bench                        # full sizes; REMOTE = PGlite on a temp dir unless SYNCHRO_PG_URL is set',
    'SYNCHRO_PG_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench   # REMOTE = a real PostgreSQL server',
    'npm run bench -- --quick             # small sizes (< 2 min): bench/results/ only (add --docs to write this file)',
    'npm run bench -- --only=sync,delta   # some scenarios; sizes: --sync-changes= --delta-sizes= --delta= --memory-n= --memory-variants=auto,uow --runs= --batch-size= --budget-min=',
    '```',
    '',
    `This file: \`${r.command}\`. \`prebench\` builds every package first. Each measurement runs in its own child process`,
    '(`process.execPath --expose-gc bench/child.mjs <task>`), which reports its own peak RSS (`VmHWM`); medians are over',
    `${r.plan.sync.runs} runs after a warm-up (logging: ${r.plan.logging?.runs ?? r.plan.sync.runs} runs) unless a row says otherwise.`,
    '',
  );
  p('## Goals', '');
  p(
    table(
      ['goal', 'measured', 'target', 'result'],
      r.goals.map((g) => [
        g.name,
        g.display,
        g.target,
        g.note ? `${g.status} (${g.note})` : `**${g.status}**`,
      ]),
    ),
    '',
  );

  // 1
  const l = loggingSummary(r);
  if (l.length) {
    p('## 1. Logging overhead', '');
    p(
      `One flush of ${fmt(l[0].n)} new books (with their tags), then one flush updating all of them (price and JSON column), on a fresh`,
      'database, without and with `withSynchro` (the variants alternate). Time of `em.flush()` only.',
      '',
    );
    p(
      table(
        ['database', 'flush', 'plain (ms)', 'withSynchro (ms)', 'ratio', 'log rows written', 'peak RSS (MB)'],
        l.map((x) => [
          x.kind,
          `${fmt(x.n)} ${x.op}s`,
          fmt(x.plain),
          fmt(x.logged),
          ratioFmt(x.ratio),
          fmt(x.logRows),
          mb(x.peak),
        ]),
      ),
      '',
    );
  }

  // 2
  const s = syncSummary(r);
  if (s) {
    const sc = r.scenarios.sync;
    p('## 2. Sync throughput', '');
    p(
      `LOCAL log: ${fmt(sc.main.changes)} changes (${Object.entries(sc.main.actions)
        .map(([a, n]) => `${fmt(n)} ${a}`)
        .join(', ')}) written by the`,
      `subscriber; final rows: ${fmt(s.floor?.rows ?? s.uow?.rows)} (authors, tags, books, pivot rows). Each run replays the whole log into a`,
      `fresh REMOTE (${r.remoteKind}, \`withSynchro({ remote: null })\`, so REMOTE logs the applied rows too), batch size ${(sc.batchSize ?? 1000).toLocaleString('en-US')}.`,
      '- **floor**: the same final rows as multi-row `INSERT … ON CONFLICT (id) DO UPDATE` of 1,000 rows, native driver, one transaction, ids copied;',
      '  **floor-execute**: the same through MikroORM `execute()`;',
      `- **per-object**: django-synchro's replay (\`bench/lib/perObject.mjs\`), EntityManager forked per change, on a ${fmt(sc.perObjectLog.changes)}-change log of the same mix;`,
      "- **uow** / **bulk**: `synchronize()` with `writePath: 'unit-of-work'` / `'bulk'`.",
      '',
    );
    p(
      table(
        [
          'variant',
          'changes',
          'runs',
          'median (ms)',
          'rows/s',
          'changes/s',
          'vs floor (rows/s)',
          'vs per-object (changes/s)',
          'peak RSS (MB)',
          'paths',
        ],
        Object.values(s).map((x) => [
          x.variant,
          fmt(x.changes),
          x.runs,
          fmt(x.ms),
          fmt(x.rowsPerSec),
          fmt(x.changesPerSec),
          ratioFmt(x.vsFloor),
          ratioFmt(x.vsPerObject),
          fmt(x.peakMb),
          x.paths
            ? Object.entries(x.paths)
                .map(([e, w]) => `${e}: ${w}`)
                .join(', ')
            : x.errors?.length
              ? `failed: ${String(x.errors[0]).split('\n')[0].slice(0, 80)}`
              : '—',
        ]),
      ),
      '',
    );
    if (!r.bulkAvailable)
      p(
        "The bulk write path (`writePath: 'bulk'`) is **not available** in this build of core: no bulk row.",
        '',
      );
    for (const x of Object.values(s)) {
      if (x.partial)
        p(
          `- ${x.variant}: stopped at its time limit after ${fmt(x.partial.done)} of ${fmt(x.partial.total)} changes in ${fmt(x.partial.ms / 1000)} s; its rates are from that part.`,
        );
      if (x.skipped) p(`- ${x.variant}: ${x.skipped}.`);
    }
    if (Object.values(s).some((x) => x.partial || x.skipped)) p('');
  }

  // 3
  const d = deltaSummary(r);
  if (d?.length) {
    p('## 3. Small delta in a large database', '');
    p(
      `Both sides hold the same rows with the same ids (raw multi-row inserts, nothing logged; no references, so the sync finds rows by`,
      `natural key, as after an export/import). Each iteration changes ${fmt(d[0].delta)} books spread over the table on LOCAL`,
      "(unit of work, logged) and times `synchronize()`; then the full copy of every LOCAL row to REMOTE at the floor's speed",
      "(what the README's scenario does instead of syncing: export and import the whole database).",
      '',
    );
    p(
      table(
        [
          'rows',
          'changed',
          'sync median (ms)',
          'runs',
          'changes/s',
          'full copy (ms)',
          'copies',
          'copy rows/s',
          'copy ÷ sync',
          'peak RSS (MB)',
        ],
        d.map((x) => [
          `${fmt(x.total)} (${fmt(x.books)} books)`,
          fmt(x.delta),
          x.ok ? fmt(x.syncMs) : `failed: ${String(x.error).split('\n')[0].slice(0, 60)}`,
          x.syncRuns,
          fmt(x.changesPerSec),
          fmt(x.copyMs),
          x.copyRuns,
          fmt(x.copyRowsPerSec),
          ratioFmt(x.ratio),
          mb(x.peak),
        ]),
      ),
      '',
    );
    for (const x of d) if (x.stopped) p(`- ${fmt(x.rows)} rows: ${x.stopped}.`);
    if (d.some((x) => x.stopped)) p('');
    const q = d.at(-1).queries;
    if (q) {
      p(
        `Statements of the warm-up sync at ${fmt(d.at(-1).rows)} rows (${fmt(d.at(-1).profiledChanges)} changed books, query log on; \`took\` as MikroORM reports it):`,
        '',
      );
      p(
        table(
          ['statement', 'count', 'total ms', 'max ms'],
          q.top.map((x) => [`\`${x.statement.replace(/\|/g, '\\|')}\``, x.count, fmt(x.ms), fmt(x.maxMs)]),
        ),
        '',
      );
    }
  }

  // 4
  const m = memorySummary(r);
  if (m?.length) {
    p('## 4. Memory', '');
    p(
      'LOCAL holds the rows and the log of N changes (same mix as scenario 2, written raw); one child per N syncs the whole log into',
      `a fresh REMOTE and reports its peak RSS (kernel high-water mark of the whole process: Node and both drivers${r.remoteKind === 'pglite' ? ', and PGlite, which runs in-process' : ''}).`,
      'A child stopped at its time limit reports the peak up to that point. Each N is synced on the default write path',
      "('auto', which takes the bulk path for these entities: nothing on REMOTE observes them) and, from the same LOCAL",
      'file into another fresh REMOTE, on the unit-of-work path.',
      '',
    );
    p(
      table(
        [
          'changes',
          'write path',
          'time (ms)',
          'changes/s',
          'RSS before sync (MB)',
          'peak RSS (MB)',
          'growth (MB)',
          'RSS at 10 % … 100 % of the log (MB)',
        ],
        m.map((x) => [
          fmt(x.changes),
          memoryVariantLabel(x.variant),
          x.ok
            ? fmt(x.ms)
            : x.killedAt
              ? `killed at the time limit after ${fmt(x.killedAt.done)} of ${fmt(x.killedAt.total)} changes`
              : `failed: ${String(x.error).split('\n')[0].slice(0, 60)}`,
          x.ok ? fmt(x.changesPerSec) : x.killedAt ? fmt(x.killedAt.done / (x.killedAt.ms / 1000)) : '—',
          fmt(x.baseline ?? x.baselineKilled),
          fmt(x.peakMb),
          x.peakMb && (x.baseline ?? x.baselineKilled)
            ? fmt(x.peakMb - (x.baseline ?? x.baselineKilled))
            : '—',
          x.curve.length
            ? x.curve.map((c) => fmt(c.rssMb)).join(' · ')
            : x.killedAt?.curve
              ? `so far (every ~${fmt(x.killedAt.curve[1]?.[0] ?? 0)} s): ${x.killedAt.curve.map((c) => fmt(c[1])).join(' · ')}`
              : '—',
        ]),
      ),
      '',
    );
  }

  // facts
  if (r.scenarios.facts) {
    p('## MikroORM 7.2.1 facts, re-measured', '');
    p(
      table(
        ['fact', 'confirmed', 'measured'],
        r.scenarios.facts.map((f) => [
          f.fact,
          f.confirmed ? 'yes' : f.partly ? 'partly' : '**no**',
          f.detail.replace(/\|/g, '\\|'),
        ]),
      ),
      '',
    );
  }

  // profiles
  const profs = [];
  if (r.scenarios.sync?.profiles)
    for (const [k, x] of Object.entries(r.scenarios.sync.profiles))
      profs.push([`sync, ${k === 'uow' ? 'unit-of-work' : k} path`, x]);
  const lp = r.scenarios.logging?.profile;
  if (lp?.create)
    profs.push([
      `logging: flush of ${fmt(r.plan.logging.n)} creates, SQLite, withSynchro`,
      { cpu: lp.create },
    ]);
  if (lp?.update)
    profs.push([
      `logging: flush of ${fmt(r.plan.logging.n)} updates, SQLite, withSynchro`,
      { cpu: lp.update },
    ]);
  if (profs.length) {
    p('## Profiles', '');
    p(
      'Separate, unmeasured runs. CPU: the V8 profiler around the measured call only (`node:inspector`; files under',
      '`bench/results/profiles/`): heaviest `packages/core` frames by inclusive time (async code shows partly under',
      "`processTicksAndRejections` instead of its caller), then the top self-time frames. Sync runs also time core's",
      'internal methods (wall time, nested calls overlap) and log every statement with the time MikroORM reports for it.',
      '',
    );
    for (const [name, x] of profs) {
      p(
        `### ${name}${x.run ? ` (${fmt(x.run.changes)} changes, ${fmt(x.run.ms)} ms with the query log on)` : ''}`,
        '',
      );
      if (x.run?.phases?.length) {
        p(
          table(
            ['core method (wall, inclusive)', 'calls', 'ms', '% of the sync'],
            x.run.phases
              .slice(0, 16)
              .map((f) => [`\`${f.phase}\``, fmt(f.calls), fmt(f.ms), fmt((100 * f.ms) / x.run.ms, 1)]),
          ),
          '',
        );
      }
      if (x.cpu) {
        p(
          table(
            ['core frame (CPU, inclusive)', 'ms', '%'],
            x.cpu.coreInclusive.slice(0, 10).map((f) => [`\`${f.frame}\``, fmt(f.ms), fmt(f.pct, 1)]),
          ),
          '',
          table(
            ['frame (CPU, self)', 'ms', '%'],
            x.cpu.self.slice(0, 14).map((f) => [`\`${f.frame}\``, fmt(f.ms), fmt(f.pct, 1)]),
          ),
          '',
        );
      }
      if (x.run?.queries) {
        const q = x.run.queries;
        p(
          `Statements: ${Object.entries(q.sides)
            .map(([side, y]) => `${side} ${fmt(y.queries)} (${fmt(y.ms)} ms)`)
            .join(', ')}.`,
          '',
          table(
            ['statement', 'count', 'total ms', 'max ms'],
            q.top.map((y) => [`\`${y.statement.replace(/\|/g, '\\|')}\``, y.count, fmt(y.ms), fmt(y.maxMs)]),
          ),
          '',
        );
      }
    }
  }

  const findings = join(HERE, '..', 'findings.md');
  if (existsSync(findings)) {
    p(readFileSync(findings, 'utf8').trim(), '');
  }
  return `${lines.join('\n')}\n`;
}
