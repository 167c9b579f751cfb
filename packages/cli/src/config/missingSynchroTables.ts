import { type MikroORM, TableNotFoundException } from '@mikro-orm/core';
import { SYNCHRO_ENTITY_NAMES } from '@mikro-synchro/core';

/** @internal Messages of a missing table, for errors a driver does not convert to TableNotFoundException. */
const NO_TABLE = /no such table|does not exist|doesn't exist|undefined table/i;

/**
 * Names of the synchro tables registered in this ORM (by `withSynchro()`) that the database does not have yet.
 * Probes each with a query that reads no row.
 */
export async function missingSynchroTables(orm: MikroORM): Promise<string[]> {
  const em = orm.em.fork();
  const platform = em.getPlatform();
  const connection = em.getConnection();
  const missing: string[] = [];
  for (const meta of em.getMetadata().getAll().values()) {
    if (!SYNCHRO_ENTITY_NAMES.has(meta.className)) continue;
    const table = meta.schema && meta.schema !== '*' ? `${meta.schema}.${meta.tableName}` : meta.tableName;
    try {
      await connection.execute(`select 1 from ${platform.quoteIdentifier(table)} where 1 = 0`);
    } catch (error) {
      const converted = error instanceof Error ? em.getDriver().convertException(error) : error;
      const message = error instanceof Error ? error.message : String(error);
      if (!(converted instanceof TableNotFoundException) && !NO_TABLE.test(message)) throw error;
      missing.push(meta.tableName);
    }
  }
  return missing.sort();
}
