import type { EntityManager, Platform } from '@mikro-orm/core';

/** @internal The database family, as far as log reading and hole closing care. */
export type LogDialect = 'sqlite' | 'postgres' | 'mysql' | 'other';

/** @internal */
export function dialectOf(em: EntityManager): LogDialect {
  return platformDialect(em.getPlatform());
}

/**
 * @internal The family of a platform, from the names of its class and the classes it extends, so a subclass
 * (an application's own platform, a driver built on MikroORM's SQLite, PostgreSQL or MySQL platform) is
 * recognised as its base.
 */
export function platformDialect(platform: Platform): LogDialect {
  for (const name of platformClassNames(platform)) {
    if (name.includes('sqlite')) return 'sqlite';
    if (name.includes('postgre') || name.includes('pglite')) return 'postgres';
    if (name.includes('mysql') || name.includes('maria')) return 'mysql';
  }
  return 'other';
}

/** @internal The lower-cased names of a platform's class and of every class it extends, most derived first. */
export function platformClassNames(platform: Platform): string[] {
  const names: string[] = [];
  for (let proto = Object.getPrototypeOf(platform); proto && proto !== Object.prototype; ) {
    names.push(String(proto.constructor?.name ?? '').toLowerCase());
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}
