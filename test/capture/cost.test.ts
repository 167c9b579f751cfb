import { withSynchro } from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import { KINDS } from '../support/databases.js';
import { Author, MODEL } from '../support/model.js';
import { openOrm } from '../support/orm.js';

describe.each(KINDS)('logging cost on %s', (kind) => {
  it('adds exactly one multi-row INSERT to a flush of 500 changes', async () => {
    const flush500 = async (config: object) => {
      const t = await openOrm(kind, config);
      try {
        const em = t.orm.em.fork();
        for (let i = 0; i < 250; i++) em.create(Author, { email: `a${i}@x`, name: `A${i}` });
        await em.flush();
        for (const a of await em.find(Author, {})) a.name += '!';
        for (let i = 250; i < 500; i++) em.create(Author, { email: `a${i}@x`, name: `A${i}` });
        const before = t.queries.queries.length;
        await em.flush();
        const sql = t.queries.queries.slice(before).map((q) => q.sql);
        return { count: sql.length, logInserts: sql.filter((s) => /insert into .synchro_change/i.test(s)) };
      } finally {
        await t.close();
      }
    };
    const plain = await flush500({ entities: MODEL });
    const logged = await flush500(withSynchro({ entities: MODEL }, { remote: 'server' }));
    expect(logged.logInserts).toHaveLength(1);
    expect(logged.count).toBe(plain.count + 1);
    // SQLite: every row in one JSON literal; PostgreSQL: one array literal per column; MariaDB: a multi-row
    // VALUES list
    expect(logged.logInserts[0]).toMatch(
      /from json_each\('|from unnest\(\$synchro\$\{|values (\(\?, \?, \?, \?, \?, \?, \?\), ){499}/,
    );
  });
});
