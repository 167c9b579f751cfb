import { readFileSync } from 'node:fs';

/** Self size and count per node type and name of a `.heapsnapshot` file (an object's name is its constructor). */
export function bySelf(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const f = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((x) => f.indexOf(x));
  const out = new Map();
  for (let i = 0; i < snap.nodes.length; i += f.length) {
    const type = types[snap.nodes[i + iType]];
    const name =
      type === 'object' || type === 'native' || type === 'closure' ? snap.strings[snap.nodes[i + iName]] : '';
    const key = `${type} ${name}`.slice(0, 80);
    const e = out.get(key) ?? { size: 0, count: 0 };
    e.size += snap.nodes[i + iSize];
    e.count += 1;
    out.set(key, e);
  }
  return out;
}

/** Bytes in a {@link bySelf} summary. */
export function totalSize(summary) {
  let t = 0;
  for (const e of summary.values()) t += e.size;
  return t;
}
