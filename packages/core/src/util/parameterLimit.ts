import type { Platform } from '@mikro-orm/core';
import { platformDialect } from '../log/dialect.js';

/**
 * @internal Bound parameters one statement may carry on this platform, with a margin. SQLite as bundled by
 * better-sqlite3 allows 32766, PostgreSQL and MariaDB 65535.
 */
export function parameterLimit(platform: Platform): number {
  return platformDialect(platform) === 'sqlite' ? 32_000 : 60_000;
}

/** @internal Splits `items` into chunks whose `paramsPerItem × length` stays under the platform limit. */
export function chunkByParameters<T>(platform: Platform, items: T[], paramsPerItem: number): T[][] {
  const size = Math.max(1, Math.floor(parameterLimit(platform) / Math.max(1, paramsPerItem)));
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }
  return chunks;
}
