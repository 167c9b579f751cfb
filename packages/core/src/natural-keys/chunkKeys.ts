/**
 * @internal Splits keys into statements of at most `maxParams` values (a key weighs its number of scalar
 * values) and at most `maxKeys` keys. Keys are never split; a single key heavier than the budget gets its
 * own statement.
 */
export function chunkKeys<K>(
  keys: readonly K[],
  weight: (key: K) => number,
  maxParams: number,
  maxKeys = Infinity,
): K[][] {
  const chunks: K[][] = [];
  let current: K[] = [];
  let params = 0;
  for (const key of keys) {
    const w = Math.max(1, weight(key));
    if (current.length > 0 && (params + w > maxParams || current.length >= maxKeys)) {
      chunks.push(current);
      current = [];
      params = 0;
    }
    current.push(key);
    params += w;
  }
  if (current.length > 0) {
    chunks.push(current);
  }
  return chunks;
}

/** @internal How many scalar values a normalized key holds (relation components count their own). */
export function keyWeight(key: readonly unknown[]): number {
  let n = 0;
  for (const v of key) {
    n += Array.isArray(v) ? keyWeight(v) : 1;
  }
  return n;
}

/** @internal `items` as consecutive groups of at most `size`. */
export function groupsOf<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    groups.push(items.slice(i, i + size));
  }
  return groups;
}
