import { toJsonValue } from './primaryKey.js';

/** @internal A value as plain JSON data with sorted object keys, so equal values compare equal as text. */
export function plainValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date || typeof value === 'bigint') return toJsonValue(value);
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      sorted[key] = plainValue((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

/**
 * @internal Whether two JS values of a property are the same data. A JSON column read back from PostgreSQL's
 * jsonb has its keys in another order than the object written: that is no change.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // two different strings, numbers or booleans: their JSON differs unless both are null in JSON (NaN, Infinity)
  if (isScalar(a) && isScalar(b)) return nonFinite(a) && nonFinite(b);
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return JSON.stringify(plainValue(a)) === JSON.stringify(plainValue(b));
}

function isScalar(value: unknown): value is string | number | boolean {
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean';
}

function nonFinite(value: unknown): boolean {
  return typeof value === 'number' && !Number.isFinite(value);
}
