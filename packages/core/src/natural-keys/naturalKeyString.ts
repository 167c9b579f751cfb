import { canonical } from './canonicalJson.js';

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
