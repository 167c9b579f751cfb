import { EntityManager } from '@mikro-orm/core';

/**
 * For profile runs: wraps methods of core's internal classes (found next to @mikro-synchro/core's entry point,
 * skipped when a file or method is not there) to add up wall time and calls per method, so a report can say
 * where a sync spends its time. Nested methods overlap (a batch's `run` contains its `resolveAll`).
 */
const TARGETS = [
  ['sync/apply/BatchSync.js', 'BatchSync', ['run', 'planEntity', 'loadLocal', 'resolveAll', 'ensureTargets']],
  [
    'sync/apply/BatchWriter.js',
    'BatchWriter',
    [
      'write',
      'resolveConflicts',
      'writeBulk',
      'writeValues',
      'writeLinks',
      'prunePivotRows',
      'removeDeleted',
      'countChangeSets',
      'writeReferences',
    ],
  ],
  ['sync/apply/BulkWriter.js', 'BulkWriter', ['update', 'insert', 'delete', 'link', 'links']],
  [
    'sync/resolve/RemoteResolver.js',
    'RemoteResolver',
    ['resolve', 'resolveDeleted', 'references', 'loadByPk', 'keysOf'],
  ],
  ['sync/checkpoint/Checkpoint.js', 'Checkpoint', ['save', 'read', 'acquire', 'release']],
  ['conflicts/ConflictDetector.js', 'ConflictDetector', ['detect']],
];

let instrumented = null;

export async function instrumentPhases() {
  if (instrumented) return instrumented;
  const stats = new Map();
  const wrap = (proto, cls, name) => {
    const orig = proto[name];
    if (typeof orig !== 'function') return;
    const key = `${cls}.${name}`;
    proto[name] = function (...args) {
      const t = performance.now();
      const s = stats.get(key) ?? { phase: key, calls: 0, ms: 0 };
      stats.set(key, s);
      s.calls += 1;
      const done = () => {
        s.ms += performance.now() - t;
      };
      const r = orig.apply(this, args);
      if (r && typeof r.then === 'function') return r.finally(done);
      done();
      return r;
    };
  };
  const base = import.meta.resolve('@mikro-synchro/core');
  for (const [file, cls, methods] of TARGETS) {
    try {
      const mod = await import(new URL(file, base).href);
      if (!mod[cls]) continue;
      for (const m of methods) wrap(mod[cls].prototype, cls, m);
    } catch {}
  }
  wrap(EntityManager.prototype, 'EntityManager', 'flush');
  instrumented = {
    reset: () => stats.clear(),
    summary: () =>
      [...stats.values()].sort((a, b) => b.ms - a.ms).map((s) => ({ ...s, ms: Math.round(s.ms) })),
  };
  return instrumented;
}
