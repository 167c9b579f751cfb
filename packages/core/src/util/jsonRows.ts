import type { EntityManager, EntityMetadata, EntityProperty, Transaction } from '@mikro-orm/core';
import { dialectOf } from '../log/dialect.js';

/** @internal How a column's value travels inside the JSON document. */
export type JsonColumnType = 'text' | 'json' | 'integer' | 'datetime';

/** @internal One column written from the JSON rows: a property of the entity and how to carry it. */
export interface JsonColumn {
  property: string;
  type: JsonColumnType;
  /** The same value for every row: written once into the SQL as a literal, not into each JSON row. */
  constant?: unknown;
}

/** @internal Rows per statement: each statement is one JSON document of roughly 100 bytes per row. */
const ROWS_PER_STATEMENT = 10_000;

/**
 * @internal Inserts many rows with one literal per statement (SQLite: the rows as one JSON array unpacked by
 * `json_each`) or per column (PostgreSQL: one text array per column, zipped by `unnest`). Per-row parameters
 * cost MikroORM a value conversion and a placeholder each, and PostgreSQL a parse of each; this is about 3×
 * faster for the log and reference tables (and unnest ~1.2–1.6× faster than `jsonb_array_elements`).
 * `conflict` turns the insert into an upsert on those columns.
 * Returns false, writing nothing, on other databases: the caller then takes the ordinary path.
 */
export async function insertJsonRows(
  em: EntityManager,
  meta: EntityMetadata,
  columns: readonly JsonColumn[],
  rows: readonly unknown[][],
  options: { ctx?: Transaction; conflict?: { target: string[]; update: string[] } } = {},
): Promise<boolean> {
  const dialect = dialectOf(em);
  if (dialect !== 'sqlite' && dialect !== 'postgres') return false;
  if (rows.length === 0) return true;
  const platform = em.getPlatform();
  const q = (id: string) => platform.quoteIdentifier(id);
  const field = (property: string) => meta.properties[property as keyof object]!.fieldNames[0]!;
  const table = tableName(em, meta);
  const names = columns.map((c) => q(field(c.property))).join(', ');
  const perRow = columns.filter((c) => !('constant' in c));
  const perRowIndex = perRow.map((c) => columns.indexOf(c));
  const values = columns.map((c) => {
    if ('constant' in c) return constantValue(dialect, c.type, c.constant);
    const i = perRow.indexOf(c);
    return dialect === 'sqlite' ? sqliteValue(i) : postgresValue(c.type, i);
  });
  // PostgreSQL: one text array per column, zipped by unnest (cheaper for it than unpacking JSON rows)
  const arrays = perRow.map(() => `${JSON_SLOT}::text[]`).join(', ');
  const aliases = perRow.map((_, i) => `c${i}`).join(', ');
  const source =
    dialect === 'sqlite'
      ? `select ${values.join(', ')} from json_each(${JSON_SLOT}) where true`
      : `select ${values.join(', ')} from unnest(${arrays}) as t(${aliases})`;
  let sql = `insert into ${table} (${names}) ${source}`;
  if (options.conflict) {
    const set = options.conflict.update.map((p) => `${q(field(p))} = excluded.${q(field(p))}`);
    sql += ` on conflict (${options.conflict.target.map((p) => q(field(p))).join(', ')}) do update set ${set.join(', ')}`;
  }
  const [head, ...tails] = sql.split(JSON_SLOT) as [string, ...string[]];
  const conn = em.getConnection();
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    const encoded = (row: readonly unknown[], j: number) =>
      encode(dialect, perRow[j]!.type, row[perRowIndex[j]!]);
    // one literal per slot: SQLite the rows as one JSON array, PostgreSQL one array literal per column
    const literals =
      dialect === 'sqlite'
        ? [JSON.stringify(chunk.map((row) => perRow.map((_, j) => encoded(row, j))))]
        : perRow.map((c, j) =>
            postgresArray(
              c.type,
              chunk.map((row) => encoded(row, j)),
            ),
          );
    // MikroORM inlines parameters into the SQL text with a per-character escape; quoting the literals here
    // is a native replace each (no parameters, so nothing else is rewritten)
    let text = head;
    tails.forEach((tail, j) => {
      text += stringLiteral(dialect, literals[j]!) + tail;
    });
    await conn.execute(text, [], 'run', options.ctx);
  }
  return true;
}

/**
 * @internal The quoted table name of `meta` for raw SQL, with its schema where PostgreSQL needs one. The schema is
 * the one MikroORM's own statements use: the entity's declared schema, else the EntityManager's (`fork({ schema
 * })`), else the config's (`'*'` meaning the config's).
 */
export function tableName(em: EntityManager, meta: EntityMetadata): string {
  const platform = em.getPlatform();
  const q = (id: string) => platform.quoteIdentifier(id);
  const schema = dialectOf(em) === 'postgres' ? schemaOf(em, meta) : undefined;
  const qualified = schema && schema !== '*' && schema !== platform.getDefaultSchemaName();
  return qualified ? `${q(schema)}.${q(meta.tableName)}` : q(meta.tableName);
}

function schemaOf(em: EntityManager, meta: EntityMetadata): string | undefined {
  if (meta.schema && meta.schema !== '*') return meta.schema;
  const configured = em.config.get('schema');
  if (em.schema === '*') return configured;
  return em.schema ?? configured;
}

/**
 * @internal The PostgreSQL type a text array literal of `prop`'s values is cast to (`?::int[]`): its column type
 * without length or precision, a serial as its integer type (`serial` is no type an array can be cast to); null
 * for a column of several fields or a type that is not a plain name.
 */
export function postgresElementType(prop: Pick<EntityProperty, 'fieldNames' | 'columnTypes'>): string | null {
  if (prop.fieldNames?.length !== 1 || prop.columnTypes?.length !== 1) return null;
  const declared = prop.columnTypes[0]!.replace(/\(.*\)/, '')
    .trim()
    .toLowerCase();
  const type = SERIAL_TYPES[declared] ?? declared;
  return /^[a-z][a-z0-9 ]*$/.test(type) ? type : null;
}

const SERIAL_TYPES: Record<string, string> = { serial: 'int', bigserial: 'bigint', smallserial: 'smallint' };

/** @internal A PostgreSQL array literal (`{"a","b",NULL}`) of `values`, each as {@link arrayItem} writes it. */
export function postgresArray(type: JsonColumnType, values: readonly unknown[]): string {
  return `{${values.map((value) => arrayItem(type, value)).join(',')}}`;
}

/**
 * An element of a PostgreSQL array literal: NULL, a number as it is, or the value's text double-quoted (JSON
 * values as JSON), backslashes and quotes escaped where there are any (most keys have none: no copy then).
 */
function arrayItem(type: JsonColumnType, value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' && type !== 'json' && Number.isFinite(value)) return String(value);
  const text = type === 'json' ? JSON.stringify(value) : String(value);
  return ARRAY_ESCAPED.test(text) ? `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"` : `"${text}"`;
}

const ARRAY_ESCAPED = /["\\]/;

const JSON_SLOT = '\u0000json\u0000';

/**
 * A string literal: SQLite has no escapes but the doubled quote; PostgreSQL gets a dollar-quoted string, its
 * tag chosen so that it does not occur in the text (backslashes and quotes then need no escaping at all).
 */
export function stringLiteral(dialect: 'sqlite' | 'postgres', text: string): string {
  if (dialect === 'sqlite') return `'${text.replaceAll("'", "''")}'`;
  // the closing tag must be the first one after the opening tag: not inside the text, nor formed by the text's
  // end and the closing tag (a text ending in `$synchro`)
  let tag = '$synchro$';
  for (let n = 0; `${text}${tag}`.indexOf(tag) !== text.length; n++) tag = `$synchro${n}$`;
  return `${tag}${text}${tag}`;
}

/** A constant column as an SQL literal (numbers and dates as numbers or quoted ISO strings). */
function constantValue(dialect: 'sqlite' | 'postgres', type: JsonColumnType, value: unknown): string {
  const encoded = encode(dialect, type, value);
  if (encoded === null) return 'null';
  if (typeof encoded === 'number') return String(encoded);
  const text = typeof encoded === 'string' ? encoded : JSON.stringify(encoded);
  const literal = `'${text.replaceAll("'", "''")}'`;
  if (dialect === 'sqlite') return literal;
  return type === 'json' ? `${literal}::jsonb` : type === 'datetime' ? `${literal}::timestamptz` : literal;
}

function sqliteValue(i: number): string {
  return `json_extract(value, '$[${i}]')`;
}

function postgresValue(type: JsonColumnType, i: number): string {
  switch (type) {
    case 'json':
      return `c${i}::jsonb`;
    case 'integer':
      return `c${i}::bigint`;
    case 'datetime':
      return `c${i}::timestamptz`;
    default:
      return `c${i}`;
  }
}

/** The JSON form of a value: SQLite keeps JSON columns as text and dates as epoch milliseconds. */
function encode(dialect: 'sqlite' | 'postgres', type: JsonColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'json':
      return dialect === 'sqlite' ? JSON.stringify(value) : value;
    case 'datetime': {
      const date = value instanceof Date ? value : new Date(value as string);
      return dialect === 'sqlite' ? date.getTime() : date.toISOString();
    }
    default:
      return value;
  }
}
