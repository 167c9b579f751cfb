/**
 * The canonical string of a natural key, to use as a Map key: JSON with Dates as ISO strings, bigints as
 * decimal strings and bytes as base64, so a key and its JSON round trip (e.g. a snapshot read back from
 * the change log) give the same string. Relation components must already be natural-key arrays.
 *
 * @example
 * naturalKeyString([['ann@example.com'], 'Dune']); // '[["ann@example.com"],"Dune"]'
 */
export function naturalKeyString(values: readonly unknown[]): string {
  return JSON.stringify(values, canonical);
}

/**
 * @internal A looser form of {@link naturalKeyString} for values a database compares by collation: case,
 * accents and trailing spaces ignored (MariaDB's default collations).
 */
export function foldedKeyString(values: readonly unknown[]): string {
  return JSON.stringify(values, (key, value) => {
    const v = canonical(key, value);
    return typeof v === 'string' ? fold(v) : v;
  });
}

function fold(value: string): string {
  return value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/ +$/, '');
}

function canonical(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value.toString();
  }
  if (value instanceof Uint8Array) {
    return Buffer.from(value).toString('base64');
  }
  // Buffer#toJSON runs before the replacer sees the value
  if (isBufferJson(value)) {
    return Buffer.from(value.data).toString('base64');
  }
  return value;
}

function isBufferJson(value: unknown): value is { type: 'Buffer'; data: number[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  );
}
