import type { EntityManager } from '@mikro-orm/core';
import { DriverException } from '@mikro-orm/core';
import { NaturalKeyError } from '../errors/NaturalKeyError.js';
import { SynchroError } from '../errors/SynchroError.js';

/** @internal One entry of `SyncReport.errors`. */
export interface SyncFailure {
  entity: string;
  key: unknown;
  message: string;
}

/**
 * @internal Turns an error that aborted a batch into a report entry naming entity, key and cause. Database
 * errors name the table in their SQL; the entity is looked up from it.
 */
export function describeFailure(error: unknown, remote: EntityManager): SyncFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof NaturalKeyError || error instanceof SynchroError) {
    const e = error as SynchroError & { entity?: string; key?: unknown };
    return { entity: e.entity ?? 'unknown', key: e.key ?? null, message };
  }
  if (!(error instanceof DriverException)) {
    return { entity: 'unknown', key: null, message };
  }
  // PostgreSQL errors carry the table; the others name it in the SQL of the message.
  const table =
    (error as { table?: string }).table ??
    /(?:insert into|update|delete from)\s+[`"[]?(?:\w+[`"\]]?\.)?[`"[]?(\w+)/i.exec(message)?.[1];
  const metas = [...remote.getMetadata().getAll().values()];
  // MariaDB names only the index (`<table>_<columns>_unique` by MikroORM's naming): match the longest table.
  const index = /for key '(?:\w+\.)?(\w+)'/i.exec(message)?.[1];
  const meta = table
    ? metas.find((m) => m.tableName === table || m.collection === table)
    : index
      ? metas
          .filter((m) => index.startsWith(`${m.tableName}_`))
          .sort((a, b) => b.tableName.length - a.tableName.length)[0]
      : undefined;
  const keyMatch = /\b(?:Key|DETAIL:\s+Key)\s*\(([^)]*)\)=\(([^)]*)\)/i.exec(message);
  const duplicate = /Duplicate entry '([^']*)'/i.exec(message);
  return {
    entity: meta?.className ?? table ?? 'unknown',
    key: keyMatch ? { [keyMatch[1]]: keyMatch[2] } : (duplicate?.[1] ?? null),
    message: `REMOTE rejected the batch: ${message}`,
  };
}
