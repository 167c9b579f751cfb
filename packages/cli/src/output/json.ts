/** Serializes a report or status for `--json`: dates as ISO strings, bigints as strings, two-space indent. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

/** @internal A key for one line of text: `["ann@example.com","Dune"]`. */
export function keyText(key: unknown): string {
  try {
    return JSON.stringify(key, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(key);
  } catch {
    return String(key);
  }
}
