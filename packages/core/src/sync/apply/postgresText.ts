import {
  type EntityManager,
  type EntityProperty,
  JsonType,
  type Platform,
  ReferenceKind,
} from '@mikro-orm/core';
import { postgresArray, postgresElementType, stringLiteral } from '../../util/jsonRows.js';

/** @internal Rows per statement written from text arrays (one literal per column: no parameter limit). */
export const ROWS_PER_STATEMENT = 1_000;

/**
 * @internal The built-in PostgreSQL type a value of `prop`'s column is cast to when it travels as text or as an
 * untyped literal, or null for other types. A character column is cast to `bpchar`: `character` without a
 * length is `character(1)`, and an explicit cast to it cuts the value to its first character.
 */
export function builtInCast(prop: Pick<EntityProperty, 'fieldNames' | 'columnTypes'>): string | null {
  const type = postgresElementType(prop);
  if (!type || !BUILT_IN_TYPES.has(type)) return null;
  return type === 'char' || type === 'character' ? 'bpchar' : type;
}

const INTEGER_TYPES = new Set(['smallint', 'int', 'integer', 'int2', 'int4', 'int8', 'bigint']);
const NUMBER_TYPES = new Set(['numeric', 'decimal', 'real', 'double precision', 'float4', 'float8']);
const BOOLEAN_TYPES = new Set(['boolean', 'bool']);

/** @internal What JS values a column's text may come from besides strings (see {@link postgresText}). */
export type TextKind = 'integer' | 'number' | 'boolean' | 'other';

const BUILT_IN_TYPES = new Set([
  ...INTEGER_TYPES,
  ...NUMBER_TYPES,
  ...BOOLEAN_TYPES,
  'text',
  'varchar',
  'character varying',
  'char',
  'character',
  'uuid',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'timestamp with time zone',
  'timestamp without time zone',
  'json',
  'jsonb',
  'bytea',
  'interval',
]);

/** @internal A property written from a text array, with {@link textColumn}'s answer for it. */
export interface TextColumn {
  prop: EntityProperty;
  cast: string;
  kind: TextKind;
}

/**
 * @internal A column written from a text array: its cast, and which JS numbers or booleans it takes. Null where
 * values of `prop` cannot travel as text: not one column of a built-in type, an embeddable, or a custom type
 * with its own SQL conversion other than JSON's cast.
 */
export function textColumn(prop: EntityProperty): { cast: string; kind: TextKind } | null {
  if (prop.embedded || prop.object || prop.fieldNames?.length !== 1) return null;
  const scalar = prop.kind === ReferenceKind.SCALAR;
  const toOne =
    prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner);
  if (!scalar && !toOne) return null;
  const cast = builtInCast(prop);
  if (!cast) return null;
  if (prop.customType?.convertToDatabaseValueSQL && !(prop.customType instanceof JsonType)) return null;
  const kind = INTEGER_TYPES.has(cast)
    ? 'integer'
    : NUMBER_TYPES.has(cast)
      ? 'number'
      : BOOLEAN_TYPES.has(cast)
        ? 'boolean'
        : 'other';
  return { cast, kind };
}

/**
 * @internal The text PostgreSQL reads a database value from, as MikroORM would inline it (a date as
 * `platform.quoteValue()` formats it, a JSON object as its JSON text, bytes as `\x…`); null for SQL NULL;
 * undefined where the value has no such text: arrays, raw fragments, other objects; a number other than a safe
 * integer for an integer column or a finite number for a numeric one (elsewhere MikroORM's bare number is read
 * as a numeric literal first, `1e21` becoming `1000000000000000000000` in a text column); a boolean for any
 * column but a boolean one. The caller then writes it another way.
 */
export function postgresText(
  value: unknown,
  column: { kind: TextKind },
  platform: Platform,
): string | null | undefined {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
      return value;
    case 'number': {
      const ok =
        column.kind === 'integer'
          ? Number.isSafeInteger(value)
          : column.kind === 'number' && Number.isFinite(value);
      return ok ? String(value) : undefined;
    }
    case 'bigint':
      return column.kind === 'integer' || column.kind === 'number' ? value.toString() : undefined;
    case 'boolean':
      return column.kind === 'boolean' ? String(value) : undefined;
    case 'object': {
      if (value instanceof Date) {
        const literal = platform.quoteValue(value) as string;
        return /^'[^']*'$/.test(literal) ? literal.slice(1, -1) : undefined;
      }
      if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
      const proto = Object.getPrototypeOf(value);
      return proto === Object.prototype || proto === null ? JSON.stringify(value) : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * @internal `select c0::type, … from unnest('{…}'::text[], …) as t(c0, …)` over rows `start` to `start +
 * ROWS_PER_STATEMENT` of `texts` (one list per column), each column cast to its type and through its type's own
 * SQL conversion, as MikroORM's writes apply it (JSON: a cast to the column's type); `names` alias the columns.
 */
export function unnestSelect(
  columns: readonly TextColumn[],
  texts: readonly (readonly (string | null)[])[],
  start: number,
  platform: Platform,
  names?: readonly string[],
): string {
  const selected = columns.map(({ prop, cast }, j) => {
    const value =
      prop.customType?.convertToDatabaseValueSQL?.(`c${j}::${cast}`, platform) ?? `c${j}::${cast}`;
    return names ? `${value} as ${names[j]}` : value;
  });
  const arrays = texts.map((values) => {
    const literal = postgresArray('text', values.slice(start, start + ROWS_PER_STATEMENT));
    return `${stringLiteral('postgres', literal)}::text[]`;
  });
  const aliases = columns.map((_, j) => `c${j}`);
  return `select ${selected.join(', ')} from unnest(${arrays.join(', ')}) as t(${aliases.join(', ')})`;
}

/** @internal Runs a raw write, throwing its error as MikroORM's own writes do (a unique violation as such). */
export async function executeWrite(em: EntityManager, sql: string, method: 'run' | 'all'): Promise<unknown> {
  try {
    return await em.getConnection().execute(sql, [], method, em.getTransactionContext());
  } catch (error) {
    throw error instanceof Error ? em.getDriver().convertException(error) : error;
  }
}
