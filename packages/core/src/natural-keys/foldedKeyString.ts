import { canonical } from './canonicalJson.js';

/**
 * @internal A looser form of `naturalKeyString()` for values a database compares by collation: case,
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
