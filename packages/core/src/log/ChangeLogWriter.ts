import type { EntityManager, Transaction } from '@mikro-orm/core';
import type { ChangeRow } from '../capture/FlushCapture.js';
import { chunkByParameters } from '../util/parameterLimit.js';
import { SynchroChange } from './entities.js';

const COLUMNS_PER_ROW = 7;

/**
 * @internal Appends rows to the change log with one multi-row INSERT (split only at the driver's parameter
 * limit), inside `ctx` when given so the log commits or rolls back with the data.
 */
export async function writeChangeRows(
  em: EntityManager,
  rows: ChangeRow[],
  origin: string | null,
  ctx?: Transaction,
): Promise<void> {
  if (rows.length === 0) return;
  const createdAt = new Date();
  const data = rows.map((row) => ({
    entity: row.entity,
    action: row.action,
    pk: row.pk,
    naturalKey: row.naturalKey ?? null,
    property: row.property ?? null,
    origin,
    createdAt,
  }));
  const driver = em.getDriver();
  for (const chunk of chunkByParameters(em.getPlatform(), data, COLUMNS_PER_ROW)) {
    await driver.nativeInsertMany(SynchroChange, chunk as never[], { ctx, schema: em.schema });
  }
}
