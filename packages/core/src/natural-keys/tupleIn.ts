import {
  type EntityManager,
  type EntityMetadata,
  type EntityProperty,
  helper,
  type Platform,
  Reference,
  ReferenceKind,
  raw,
} from '@mikro-orm/core';
import { dialectOf } from '../log/dialect.js';
import { postgresArray, postgresElementType, tableName } from '../util/jsonRows.js';
import { fromKeyValue } from './keyScalars.js';
import { naturalKeyCandidates } from './naturalKeyCandidates.js';

type Cell = string | number;

/**
 * @internal Matching many keys on a table's key columns as one tuple `in` over lists sent as literals (one
 * array per column on PostgreSQL, one JSON array of rows on SQLite):
 *
 * - PostgreSQL: `(author_id, title) in (select * from unnest('{…}'::int[], '{…}'::varchar[]))`;
 * - SQLite: `(author_id, title) in (select json_extract(value, '$[0]'), … from json_each('[…]'))`.
 *
 * The database answers it with one index lookup per key. The same keys as an `or` of `author_id = ? and
 * title = ?` terms cost PostgreSQL ~35–50 ms to plan and run for 1,000 keys, against ~5 ms for this
 * (`psql` on a 100,000-row table with a unique index on the pair), and MikroORM builds no criteria tree per
 * term. Other databases, multi-column components, and values MikroORM converts on the way to the database
 * (dates, booleans, JSON, bytes) are not handled: {@link TupleIn.of} or {@link TupleIn.cells} is then null,
 * and the caller builds the ordinary condition.
 */
export class TupleIn {
  private constructor(
    private readonly em: EntityManager,
    private readonly dialect: 'postgres' | 'sqlite',
    private readonly props: readonly EntityProperty[],
    /** Quoted column names, in key order. */
    private readonly fields: readonly string[],
    /** PostgreSQL element types of the arrays (column types without length or precision). */
    private readonly types: readonly string[],
    /** PostgreSQL, key columns under a unique constraint: the table and its (single) primary key column. */
    private readonly unique: { table: string; pk: string } | null = null,
  ) {}

  /**
   * The matcher for key components `props` of one entity, or null where a tuple `in` is not used. With the
   * entity's `meta`, a key that is one of its unique constraints is looked up key by key on PostgreSQL (see
   * {@link where}).
   */
  static of(em: EntityManager, props: readonly EntityProperty[], meta?: EntityMetadata): TupleIn | null {
    const dialect = dialectOf(em);
    if (dialect !== 'postgres' && dialect !== 'sqlite') return null;
    const platform = em.getPlatform();
    const fields: string[] = [];
    const types: string[] = [];
    for (const prop of props) {
      const single =
        prop.kind === ReferenceKind.SCALAR ||
        prop.kind === ReferenceKind.MANY_TO_ONE ||
        (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner);
      const type = postgresElementType(prop);
      if (!single || !type) return null;
      fields.push(platform.quoteIdentifier(prop.fieldNames[0]!));
      types.push(type);
    }
    return new TupleIn(
      em,
      dialect,
      props,
      fields,
      types,
      dialect === 'postgres' ? uniqueLookup(em, props, meta) : null,
    );
  }

  /**
   * The database values of one key (scalars as key values, relations as related rows), or null when the key
   * cannot be matched this way: a null component (`=` never matches it), or a value that is not a plain
   * string or number once converted for the database.
   */
  cells(key: readonly unknown[]): Cell[] | null {
    const platform = this.em.getPlatform();
    const out: Cell[] = [];
    for (const [i, prop] of this.props.entries()) {
      const value = key[i];
      if (value === null || value === undefined) return null;
      const cell =
        prop.kind === ReferenceKind.SCALAR
          ? databaseValue(prop, fromKeyValue(prop, value), platform)
          : this.relatedValue(value as object);
      if (cell === null) return null;
      out.push(cell);
    }
    return out;
  }

  /** The primary key of a related row as a database value (with this EntityManager's metadata). */
  private relatedValue(row: object): Cell | null {
    const wrapped = helper(Reference.unwrapReference(row));
    // `helper().__meta` sits on a prototype two ORMs may share: this side's metadata converts the value
    const meta = this.em.getMetadata().find(wrapped.__meta.class);
    if (!meta || meta.compositePK) return null;
    return databaseValue(meta.getPrimaryProp(), wrapped.getPrimaryKey(), this.em.getPlatform());
  }

  /** A `where` (for `em.find`) matching rows whose key columns equal one of `rows` (from {@link cells}). */
  where(rows: readonly Cell[][]): object {
    const columns = (alias: string) => this.fields.map((f) => `${alias}.${f}`).join(', ');
    if (this.dialect === 'sqlite') {
      const picks = this.fields.map((_, i) => `json_extract(value, '$[${i}]')`).join(', ');
      const fragment = raw(
        (alias: string) => `(${columns(alias)}) in (select ${picks} from json_each(?))`,
        [JSON.stringify(rows)],
      );
      return { [fragment as never]: [] };
    }
    const arrays = this.types.map((type) => `?::${type}[]`).join(', ');
    const literals = this.types.map((_, i) =>
      postgresArray(
        'text',
        rows.map((row) => row[i]),
      ),
    );
    if (this.unique) {
      // One probe of the unique index per key, then the rows by primary key. The tuple `in` below is planned
      // from the table's statistics, and a table that grew during the run has none yet: PostgreSQL then hashes
      // the keys and reads the whole table for every batch (see docs/sync.md, "Large first syncs").
      const { table, pk } = this.unique;
      const keys = this.fields.map((_, i) => `k${i}`);
      const match = this.fields.map((f, i) => `t.${f} = k.${keys[i]}`).join(' and ');
      const fragment = raw(
        (alias: string) =>
          `${alias}.${pk} = any(array(select t.${pk} from unnest(${arrays}) as k(${keys.join(', ')}) ` +
          `cross join lateral (select t.${pk} from ${table} as t where ${match} limit 1) as t))`,
        literals,
      );
      return { [fragment as never]: [] };
    }
    const fragment = raw(
      (alias: string) => `(${columns(alias)}) in (select * from unnest(${arrays}))`,
      literals,
    );
    return { [fragment as never]: [] };
  }
}

function databaseValue(prop: EntityProperty, value: unknown, platform: Platform): Cell | null {
  const converted = prop.customType
    ? prop.customType.convertToDatabaseValue(value, platform, { mode: 'query' })
    : value;
  if (typeof converted === 'string') return converted;
  if (typeof converted === 'number' && Number.isFinite(converted)) return converted;
  if (typeof converted === 'bigint') return converted.toString();
  return null;
}

/**
 * PostgreSQL: the table and primary key column of `meta` when `props` are exactly one of its unique constraints
 * (so one index probe finds the one row of a key), else null.
 */
function uniqueLookup(
  em: EntityManager,
  props: readonly EntityProperty[],
  meta: EntityMetadata | undefined,
): { table: string; pk: string } | null {
  if (!meta || meta.compositePK || meta.inheritanceType === 'tpt' || meta.primaryKeys.length !== 1)
    return null;
  const names = new Set(props.map((p) => p.name));
  const unique = naturalKeyCandidates(meta).some(
    (candidate) => candidate.length === names.size && candidate.every((name) => names.has(name)),
  );
  const pk = meta.getPrimaryProp();
  if (!unique || pk.fieldNames?.length !== 1) return null;
  return { table: tableName(em, meta), pk: em.getPlatform().quoteIdentifier(pk.fieldNames[0]!) };
}
