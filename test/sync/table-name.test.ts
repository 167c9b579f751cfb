import { defineEntity, MikroORM, p } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableName } from '../../packages/core/src/util/jsonRows.js';

const Plain = defineEntity({ name: 'Plain', properties: { id: p.integer().primary() } });
const Audit = defineEntity({ name: 'Audit', schema: 'audit', properties: { id: p.integer().primary() } });
const Any = defineEntity({ name: 'Any', schema: '*', properties: { id: p.integer().primary() } });

/** Raw statements name the table as MikroORM's own statements do (no connection is made). */
describe('tableName() on PostgreSQL', () => {
  let orm: MikroORM;
  beforeAll(() => {
    // the constructor discovers the entities without connecting
    orm = new MikroORM({
      driver: PostgreSqlDriver,
      dbName: 'never_connected',
      schema: 'app',
      entities: [Plain, Audit, Any],
    });
  });
  afterAll(() => orm.close(true));

  it.each([
    [undefined, 'Plain', '"app"."plain"'],
    [undefined, 'Audit', '"audit"."audit"'],
    [undefined, 'Any', '"app"."any"'],
    ['tenant', 'Plain', '"tenant"."plain"'],
    ['tenant', 'Audit', '"audit"."audit"'], // a declared schema wins over the fork's
    ['tenant', 'Any', '"tenant"."any"'],
    ['*', 'Plain', '"app"."plain"'],
  ])('fork schema %s, entity %s: %s', (schema, entity, expected) => {
    const em = orm.em.fork(schema ? { schema } : {});
    const meta = em.getMetadata().getByClassName(entity);
    expect(tableName(em, meta)).toBe(expected);
    const driver = em.getDriver() as unknown as {
      getTableName(meta: unknown, options: { schema?: string }): string;
    };
    expect(tableName(em, meta)).toBe(driver.getTableName(meta, { schema: em.schema }));
  });
});
