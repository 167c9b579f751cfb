import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';

/** @internal The SQL EntityManager behind `em` (mikro-synchro supports SQL drivers only). */
export function sqlEm(em: EntityManager): SqlEntityManager {
  return em as unknown as SqlEntityManager;
}
