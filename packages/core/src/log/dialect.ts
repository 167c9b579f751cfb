import type { EntityManager, Platform } from '@mikro-orm/core';

/** @internal The database family, as far as log reading and hole closing care. */
export type LogDialect = 'sqlite' | 'postgres' | 'mysql' | 'other';

/** @internal */
export function dialectOf(em: EntityManager): LogDialect {
  return platformDialect(em.getPlatform());
}

/** @internal */
export function platformDialect(platform: Platform): LogDialect {
  const name = platform.constructor.name.toLowerCase();
  if (name.includes('sqlite')) return 'sqlite';
  if (name.includes('postgre') || name.includes('pglite')) return 'postgres';
  if (name.includes('mysql') || name.includes('maria')) return 'mysql';
  return 'other';
}
