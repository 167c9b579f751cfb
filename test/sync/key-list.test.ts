import { defineEntity, p } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyListWhere, pkListWhere } from '../../packages/core/src/sync/resolve/pkWhere.js';
import { KINDS } from '../support/databases.js';
import { openOrm, type TestOrm } from '../support/orm.js';

const Code = defineEntity({
  name: 'Code',
  properties: {
    id: p.integer().primary(),
    code: p.string().unique(),
    amount: p.decimal('number').precision(10).scale(2),
  },
});

/** Strings an array or string literal would mangle if the values were not escaped. */
const CODES = ['plain', 'a"b', 'c\\d', 'e,f', '{g}', "h'i", 'NULL', ' padded ', 'żółć', '"x"', ''];

describe.each(KINDS)('bulk key lists on %s', (kind) => {
  let t: TestOrm;
  beforeAll(async () => {
    t = await openOrm(kind, { entities: [Code] });
    const em = t.orm.em.fork();
    for (const [i, code] of CODES.entries()) em.create(Code, { id: i + 1, code, amount: i + 0.25 });
    em.create(Code, { id: 100, code: 'other', amount: 1 });
    await em.flush();
  });
  afterAll(() => t.close());

  const meta = () => t.orm.getMetadata().getByClassName('Code');

  it('matches every listed string exactly, whatever it contains, and nothing else', async () => {
    const where = keyListWhere(t.orm.em, meta().properties.code, 'string', CODES);
    const rows = await t.orm.em.fork().find(Code, where as never, { orderBy: { id: 'asc' } });
    expect(rows.map((r) => r.code)).toEqual(CODES);
  });

  it('matches primary keys as one literal on SQLite and PostgreSQL, as an in list elsewhere', async () => {
    let ids: number[] = [];
    const sent = await t.queries.capture(async () => {
      const where = pkListWhere(t.orm.em, meta(), [2, 4, 100, 999]);
      const rows = await t.orm.em.fork().find(Code, where as never, { orderBy: { id: 'asc' } });
      ids = rows.map((r) => r.id);
    });
    expect(ids).toEqual([2, 4, 100]);
    const sql = sent.join('\n');
    if (kind === 'sqlite') expect(sql).toContain('json_each');
    else if (kind === 'mariadb') expect(sql).toContain(' in (?, ?, ?, ?)');
    else expect(sql).toContain('= any(');
  });

  it('falls back to an in list for values of another type than the key', async () => {
    const where = keyListWhere(t.orm.em, meta().properties.code, 'string', ['plain', 7 as never]);
    expect(JSON.stringify(where)).toContain('$in');
  });
});
