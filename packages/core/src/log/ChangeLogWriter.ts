import type { EntityManager, Transaction } from '@mikro-orm/core';
import type { ChangeRow } from '../capture/FlushCapture.js';
import { metadataOf } from '../natural-keys/metadataOf.js';
import { insertJsonRows, type JsonColumn } from '../util/jsonRows.js';
import { chunkByParameters } from '../util/parameterLimit.js';
import { SynchroChange } from './entities.js';

const COLUMNS_PER_ROW = 7;

const COLUMNS: JsonColumn[] = [
  { property: 'entity', type: 'text' },
  { property: 'action', type: 'text' },
  { property: 'pk', type: 'json' },
  { property: 'naturalKey', type: 'json' },
  { property: 'property', type: 'text' },
];

/**
 * @internal Appends rows to the change log with one INSERT per 10,000 rows (SQLite, PostgreSQL: the rows as
 * one JSON parameter) or one multi-row INSERT split at the driver's parameter limit (other databases), inside
 * `ctx` when given so the log commits or rolls back with the data.
 */
export async function writeChangeRows(
  em: EntityManager,
  rows: ChangeRow[],
  origin: string | null,
  ctx?: Transaction,
): Promise<void> {
  if (rows.length === 0) return;
  const createdAt = new Date();
  const meta = metadataOf(em, SynchroChange);
  const values = rows.map((row) => [
    row.entity,
    row.action,
    row.pk,
    row.naturalKey ?? null,
    row.property ?? null,
  ]);
  const columns: JsonColumn[] = [
    ...COLUMNS,
    { property: 'origin', type: 'text', constant: origin },
    { property: 'createdAt', type: 'datetime', constant: createdAt },
  ];
  if (await insertJsonRows(em, meta, columns, values, { ctx })) return;
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
