import { RECEIVED_INDEX, synchronize, type WithSynchroOptions, withSynchro } from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import { type DbKind, KINDS, PG_URL } from '../support/databases.js';
import { Memo, MODEL } from '../support/model.js';
import { openOrm, openPair, type TestPair } from '../support/orm.js';

const createSql = async (kind: DbKind, options: WithSynchroOptions) => {
  const t = await openOrm(kind, withSynchro({ entities: MODEL }, { quiet: true, ...options }));
  try {
    return {
      create: await t.orm.schema.getCreateSchemaSQL(),
      // the index is stable: a schema diff right after creating the schema does not touch it
      update: await t.orm.schema.getUpdateSchemaSQL(),
    };
  } finally {
    await t.close();
  }
};

describe('the index of synchro_reference by REMOTE key (receivedIndex)', () => {
  it.each(KINDS)(
    'on %s: created for a database that syncs to a peer, where JSON can be indexed',
    async (kind) => {
      const indexable = kind !== 'mariadb';
      const sends = await createSql(kind, { remote: 'server' });
      expect(sends.create.includes(RECEIVED_INDEX)).toBe(indexable);
      expect(sends.update).not.toContain(RECEIVED_INDEX);
      expect((await createSql(kind, { remote: null })).create).not.toContain(RECEIVED_INDEX);
      expect((await createSql(kind, { remote: 'server', receivedIndex: false })).create).not.toContain(
        RECEIVED_INDEX,
      );
      expect(
        (await createSql(kind, { remote: null, receivedIndex: true })).create.includes(RECEIVED_INDEX),
      ).toBe(indexable);
    },
  );
});

/**
 * Two-way: LOCAL receives memos from REMOTE, then creates its own; the sync LOCAL → REMOTE asks LOCAL's
 * references which of the batch's rows came from REMOTE. Returns that statement, as logged on LOCAL.
 */
async function receivedLookup(p: TestPair): Promise<string> {
  const server = p.remote.orm.em.fork();
  for (let i = 0; i < 3; i++) server.create(Memo, { text: `from server ${i}` });
  await server.flush();
  await synchronize(p.remote.orm, p.local.orm);
  const office = p.local.orm.em.fork();
  office.create(Memo, { text: 'from office' });
  await office.flush();
  p.local.queries.reset();
  await synchronize(p.local.orm, p.remote.orm);
  const [lookup] = p.local.queries.matching(/from [`"]synchro_reference[`"].*remote_pk/);
  expect(lookup).toBeDefined();
  return lookup!;
}

const twoWay = (kinds: { local: DbKind; remote: DbKind }, options: WithSynchroOptions) =>
  openPair(
    kinds,
    withSynchro({ entities: MODEL }, { remote: 'server', ...options }),
    withSynchro({ entities: MODEL }, { remote: 'office', ...options }),
  );

describe('the lookup of rows LOCAL received from REMOTE', () => {
  it.each([
    [true, `USING INDEX ${RECEIVED_INDEX} (source=? AND entity=? AND remote_pk=?)`],
    [false, 'USING INDEX sqlite_autoindex_synchro_reference_1 (source=? AND entity=?)'],
  ])('on SQLite (receivedIndex: %s) uses %s', async (receivedIndex, plan) => {
    const p = await twoWay({ local: 'sqlite', remote: 'pglite' }, { receivedIndex });
    try {
      const sql = await receivedLookup(p);
      // the plan does not depend on the values: each placeholder gets a JSON array
      const conn = p.local.orm.em.getConnection();
      const rows = (await conn.execute(`explain query plan ${sql.replace(/\?/g, "'[1]'")}`)) as {
        detail: string;
      }[];
      expect(rows.map((r) => r.detail).join('\n')).toContain(plan);
    } finally {
      await p.close();
    }
  });

  it.skipIf(!PG_URL)('on PostgreSQL reads the index, not every reference of the entity', async () => {
    const p = await twoWay({ local: 'postgresql', remote: 'sqlite' }, {});
    try {
      const sql = await receivedLookup(p);
      const conn = p.local.orm.em.getConnection();
      // LOCAL as after receiving many rows from REMOTE
      await conn.execute(
        'insert into synchro_reference (source, entity, local_pk, remote_pk) ' +
          "select 'server-node', 'Memo', g::text, to_jsonb(g + 100) from generate_series(1, 20000) g",
      );
      await conn.execute('analyze synchro_reference');
      expect(sql).toMatch(/"remote_pk" in \(\?\)/);
      const values = ["'server-node'", "'Memo'", "'4'"];
      const [row] = await conn.execute<{ 'QUERY PLAN': unknown }[]>(
        `explain (format json) ${sql.replace(/\?/g, () => values.shift() ?? '?')}`,
      );
      const plan = JSON.stringify(row!['QUERY PLAN']);
      expect(plan).toContain(RECEIVED_INDEX);
      expect(plan).toMatch(/"Index Cond":"[^"]*remote_pk/);
    } finally {
      await p.close();
    }
  });
});
