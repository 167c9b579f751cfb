import {
  type ChangeSet,
  type EntityManager,
  type EntityMetadata,
  type EntityProperty,
  helper,
  ReferenceKind,
} from '@mikro-orm/core';
import { dialectOf } from '../../log/dialect.js';
import { tableName } from '../../util/jsonRows.js';
import {
  executeWrite,
  postgresText,
  ROWS_PER_STATEMENT,
  type TextColumn,
  textColumn,
  unnestSelect,
} from './postgresText.js';

/**
 * @internal PostgreSQL: writes UPDATE change sets as one `update … from (select … from unnest(…))` per set of
 * changed columns, each column one text array cast to its type. MikroORM's batched UPDATE sends, for every 300
 * rows, a `case when` per column that PostgreSQL evaluates against every `when` for each row; here each row is
 * joined to its values once. In `psql`, 1,000 rows of a 1,000,000-row table took ~21 ms as four `case when`
 * statements and 11–16 ms as one `from (values …)`; with `pg` on a 200,000-row table, 1,000 rows (a decimal
 * and a JSON column) took 30 ms from a VALUES list and 13 ms from arrays (`bench/explore/updateForms.mjs`).
 *
 * The values are the change sets' payloads, as MikroORM would inline them into its own UPDATE (see
 * {@link postgresText}). Returns false, writing nothing, where this does not apply (see {@link valuesEntity}
 * and {@link textColumn}, or a value without a text form): the caller then writes through MikroORM's change
 * set persister.
 */
export async function updateFromValues(
  em: EntityManager,
  meta: EntityMetadata,
  changeSets: readonly ChangeSet<object>[],
): Promise<boolean> {
  if (dialectOf(em) !== 'postgres' || !valuesEntity(meta)) return false;
  const pk = meta.getPrimaryProps()[0]!;
  const pkColumn = textColumn(pk);
  if (!pkColumn) return false;
  const platform = em.getPlatform();
  // rows that change the same columns share a statement (a row never writes a column it did not change)
  const groups = new Map<string, { columns: TextColumn[]; texts: (string | null)[][] }>();
  for (const cs of changeSets) {
    const names = Object.keys(cs.payload).sort();
    const signature = names.join('\u0000');
    let group = groups.get(signature);
    if (!group) {
      const columns: TextColumn[] = [{ prop: pk, ...pkColumn }];
      for (const name of names) {
        const prop = meta.properties[name as never] as EntityProperty | undefined;
        const column = prop && textColumn(prop);
        if (!column) return false;
        columns.push({ prop, ...column });
      }
      group = { columns, texts: columns.map(() => []) };
      groups.set(signature, group);
    }
    const payload = cs.payload as Record<string, unknown>;
    for (const [j, column] of group.columns.entries()) {
      const value = j === 0 ? helper(cs.entity).getPrimaryKey() : (payload[column.prop.name] ?? null);
      const text = postgresText(value, column, platform);
      if (text === undefined) return false;
      group.texts[j]!.push(text);
    }
  }
  const q = (id: string) => platform.quoteIdentifier(id);
  const table = tableName(em, meta);
  for (const { columns, texts } of groups.values()) {
    const fields = columns.map(({ prop }) => q(prop.fieldNames[0]!));
    const set = fields
      .slice(1)
      .map((f) => `${f} = "synchro_v".${f}`)
      .join(', ');
    for (let i = 0; i < texts[0]!.length; i += ROWS_PER_STATEMENT) {
      const source = unnestSelect(columns, texts, i, platform, fields);
      await executeWrite(
        em,
        `update ${table} as "synchro_t" set ${set} from (${source}) as "synchro_v" ` +
          `where "synchro_t".${fields[0]} = "synchro_v".${fields[0]}`,
        'run',
      );
    }
  }
  return true;
}

/**
 * Rows of `meta` this way: one table (no inheritance), a primary key of one column, no version, no concurrency
 * check and no generated column (MikroORM's UPDATE reads those back).
 */
function valuesEntity(meta: EntityMetadata): boolean {
  return (
    meta.root === meta &&
    !meta.inheritanceType &&
    !meta.discriminatorColumn &&
    !meta.versionProperty &&
    !meta.concurrencyCheckKeys?.size &&
    meta.primaryKeys.length === 1 &&
    meta.getPrimaryProps()[0]!.kind === ReferenceKind.SCALAR &&
    !meta.getPrimaryProps()[0]!.customType &&
    !meta.props.some((p) => p.generated)
  );
}
