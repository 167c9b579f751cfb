import type { Platform } from '@mikro-orm/core';

/** How much one SQL statement may hold on a database, for splitting bulk lookups. */
export interface PlatformLimits {
  /** Most values (bound parameters) in one statement. */
  maxParams: number;
  /** Most terms in one `or` chain; longer chains are nested into groups of this size. */
  maxOrTerms: number;
  /** Most values in one `in (...)` list. */
  maxInList: number;
}

// MikroORM 7 inlines values into the SQL text it sends (AbstractSqlConnection#execute runs
// `platform.formatQuery()`), so the drivers' bound-parameter limits do not bite today; we still stay under
// them so the statement size is bounded and a future binding driver keeps working. What does bite is
// SQLite's expression depth (SQLITE_MAX_EXPR_DEPTH = 1000): a flat `or` of 1000 keys fails with
// "Expression tree is too large", hence the nested `or` groups.
const LIMITS: [pattern: RegExp, limits: PlatformLimits][] = [
  // better-sqlite3 13 bundles SQLite 3.5x: SQLITE_MAX_VARIABLE_NUMBER is 32766 (999 before SQLite 3.32)
  [/sqlite|libsql/i, { maxParams: 32_766, maxOrTerms: 500, maxInList: 32_766 }],
  // wire protocol: parameter count is an Int16
  [/postgre|pglite|cockroach/i, { maxParams: 65_535, maxOrTerms: 500, maxInList: 65_535 }],
  // prepared statements: 65535 placeholders
  [/mysql|mariadb/i, { maxParams: 65_535, maxOrTerms: 500, maxInList: 65_535 }],
  // SQL Server: 2100 parameters per RPC call
  [/mssql/i, { maxParams: 2_000, maxOrTerms: 500, maxInList: 2_000 }],
  // ORA-01795: at most 1000 expressions in a list
  [/oracle/i, { maxParams: 65_535, maxOrTerms: 500, maxInList: 1_000 }],
];

const FALLBACK: PlatformLimits = { maxParams: 999, maxOrTerms: 500, maxInList: 999 };

/**
 * The statement limits of a MikroORM platform (found by its class names), used to chunk bulk natural-key
 * lookups: SQLite 32766 values, PostgreSQL and MariaDB/MySQL 65535; 999 for an unknown platform.
 *
 * @example
 * platformLimits(em.getPlatform()).maxParams; // 32766 on SQLite
 */
export function platformLimits(platform: Platform): PlatformLimits {
  for (let proto = Object.getPrototypeOf(platform); proto && proto !== Object.prototype; ) {
    const name: string = proto.constructor?.name ?? '';
    const found = LIMITS.find(([pattern]) => pattern.test(name));
    if (found) {
      return { ...found[1] };
    }
    proto = Object.getPrototypeOf(proto);
  }
  return { ...FALLBACK };
}
