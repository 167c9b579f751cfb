import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the top frames by self time and by inclusive time,
 * with file:line relative to the repository. Returns { totalMs, self: [...], inclusive: [...] }.
 */
export function profileTop(file, { top = 25, root = process.cwd(), filter } = {}) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const dt = new Map();
  const deltas = prof.timeDeltas ?? [];
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i];
    dt.set(id, (dt.get(id) ?? 0) + (deltas[i] ?? 0));
  }
  const label = (n) => {
    const cf = n.callFrame;
    const url = cf.url ? cf.url.replace(/^file:\/\//, '') : '';
    const where = url ? `${relative(root, url)}:${cf.lineNumber + 1}` : '';
    return `${cf.functionName || '(anonymous)'} ${where}`.trim();
  };
  const self = new Map();
  const incl = new Map();
  let total = 0;
  for (const [id, us] of dt) {
    total += us;
    const n = nodes.get(id);
    const l = label(n);
    self.set(l, (self.get(l) ?? 0) + us);
    // inclusive: count each label once per sample stack
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const cl = label(nodes.get(cur));
      if (seen.has(cl)) continue;
      seen.add(cl);
      incl.set(cl, (incl.get(cl) ?? 0) + us);
    }
  }
  const rows = (m) =>
    [...m]
      .filter(([l]) => !filter || filter(l))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, us]) => ({
        frame,
        ms: Math.round(us / 1000),
        pct: Math.round((1000 * us) / total) / 10,
      }));
  return { totalMs: Math.round(total / 1000), self: rows(self), inclusive: rows(incl) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = profileTop(process.argv[2], { top: Number(process.argv[3] ?? 30) });
  console.log(`total ${r.totalMs} ms\n-- self`);
  for (const x of r.self)
    console.log(`${String(x.ms).padStart(7)} ${String(x.pct).padStart(5)}%  ${x.frame}`);
  console.log('-- inclusive');
  for (const x of r.inclusive)
    console.log(`${String(x.ms).padStart(7)} ${String(x.pct).padStart(5)}%  ${x.frame}`);
}
