import { describe, expect, it } from 'vitest';
import { sameValue } from '../../packages/core/src/util/plainValue.js';

describe('sameValue (whether a REMOTE value needs writing)', () => {
  it('compares strings, numbers and booleans as JSON would', () => {
    expect(sameValue('a', 'a')).toBe(true);
    expect(sameValue('a', 'b')).toBe(false);
    expect(sameValue(5, '5')).toBe(false);
    expect(sameValue(1, true)).toBe(false);
    expect(sameValue(0, false)).toBe(false);
    expect(sameValue(1.5, 1.5)).toBe(true);
    // JSON has no NaN or Infinity: both are null there, as are null and undefined
    expect(sameValue(Number.NaN, Number.POSITIVE_INFINITY)).toBe(true);
    expect(sameValue(Number.NaN, null)).toBe(true);
    expect(sameValue(null, undefined)).toBe(true);
    expect(sameValue(0, null)).toBe(false);
    expect(sameValue('', null)).toBe(false);
  });

  it('compares dates by instant, and a date with its ISO text as the same', () => {
    expect(sameValue(new Date(Date.UTC(2024, 0, 1)), new Date(Date.UTC(2024, 0, 1)))).toBe(true);
    expect(sameValue(new Date(Date.UTC(2024, 0, 1)), new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 1)))).toBe(false);
    expect(sameValue(new Date(Date.UTC(2024, 0, 1)), '2024-01-01T00:00:00.000Z')).toBe(true);
  });

  it('compares JSON objects whatever their key order (jsonb reorders keys)', () => {
    expect(sameValue({ b: 1, a: [1, { y: 2, x: 1 }] }, { a: [1, { x: 1, y: 2 }], b: 1 })).toBe(true);
    expect(sameValue({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameValue(10n, '10')).toBe(true);
  });
});
