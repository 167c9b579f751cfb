import { defineEntity, type EntityMetadata, p } from '@mikro-orm/core';
import { synchronize } from '@mikro-synchro/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertFromArrays } from '../../packages/core/src/sync/apply/insertFromArrays.js';
import { stringLiteral } from '../../packages/core/src/util/jsonRows.js';
import { Author, Book, MODEL } from '../support/model.js';
import type { TestPair } from '../support/orm.js';
import { openSyncPair, PATH_PAIRS } from '../support/sync.js';

/** Text that an array literal or a dollar-quoted string must carry as it is. */
const TEXTS = [
  'a,b',
  '{x}',
  '"quoted"',
  'back\\slash',
  'NULL',
  '',
  "it's",
  '$synchro$ and $synchro0$',
  'line\nbreak',
  'żółć ✓',
  null,
];

/** A fixed-width column (`char(5)`), a text column and an FK: new rows are inserted as plain data. */
const Label = defineEntity({
  name: 'Label',
  properties: {
    id: p.integer().primary(),
    code: p.string().unique(),
    fixed: p.string().columnType('char(5)'),
    text: p.text().nullable(),
    n: p.integer(),
    owner: () => p.manyToOne(Author).nullable(),
  },
});

/** The INSERT statements a sync sent to a table. */
const inserts = (pair: TestPair, table: string) =>
  pair.remote.queries.queries.map((q) => q.sql).filter((sql) => sql.startsWith(`insert into "${table}"`));

describe.each(PATH_PAIRS.filter((x) => x.path === 'bulk' && x.remote !== 'mariadb'))(
  'bulk INSERTs from arrays $name',
  ({ path, ...kinds }) => {
    let pair: TestPair;
    beforeEach(async () => {
      pair = await openSyncPair(kinds, { writePath: path }, {}, [...MODEL, Label]);
    });
    afterEach(() => pair.close());

    it('inserts new rows with one unnest per statement, each text as it is, keys mapped to the right rows', async () => {
      // REMOTE's sequence is ahead of LOCAL's, so a key returned out of order would point at another row
      const taken = pair.remote.orm.em.fork();
      for (let i = 0; i < 5; i++) taken.create(Label, { code: `remote-${i}`, fixed: 'r', n: -1 });
      await taken.flush();
      const em = pair.local.orm.em.fork();
      const owner = em.create(Author, { email: 'o@x', name: 'O' });
      TEXTS.forEach((text, i) => {
        em.create(Label, { code: `c${i}`, fixed: `f${i}`, text, n: i, owner: i % 2 ? owner : null });
      });
      await em.flush();
      pair.remote.queries.reset();
      expect(await synchronize(pair.local.orm, pair.remote.orm)).toMatchObject({
        status: 'synced',
        created: TEXTS.length + 1,
      });
      const sent = inserts(pair, 'label');
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatch(/ from unnest\(.* returning "id"$/s);
      const rows = async () =>
        (
          await pair.remote.orm.em
            .fork()
            .find(Label, { n: { $gte: 0 } }, { orderBy: { n: 'asc' }, populate: ['owner'] })
        ).map((r) => [r.code, r.fixed.trimEnd(), r.text, r.n, r.owner?.email ?? null]);
      expect(await rows()).toEqual(TEXTS.map((text, i) => [`c${i}`, `f${i}`, text, i, i % 2 ? 'o@x' : null]));

      // each LOCAL row is now referenced to its REMOTE row: changing every row changes the right one
      const again = pair.local.orm.em.fork();
      for (const label of await again.find(Label, {})) {
        label.n += 100;
        label.fixed = `g${label.n}`; // a char(5) value of four characters, updated from values
      }
      await again.flush();
      expect(await synchronize(pair.local.orm, pair.remote.orm)).toMatchObject({
        updated: TEXTS.length,
        created: 0,
      });
      expect(await rows()).toEqual(
        TEXTS.map((text, i) => [`c${i}`, `g${i + 100}`, text, i + 100, i % 2 ? 'o@x' : null]),
      );
    });

    it('keeps JSON scalars and arrays as JSON (a string stays a JSON string) when inserting and updating', async () => {
      const em = pair.local.orm.em.fork();
      const author = em.create(Author, { email: 'a@x', name: 'A' });
      const metas: unknown[] = ['hello', [1, 'x', null], 42, { quote: `it's "q"` }];
      const books = metas.map((meta, i) => em.create(Book, { title: `T${i}`, author, meta: meta as never }));
      await em.flush();
      await synchronize(pair.local.orm, pair.remote.orm);
      const metaOf = async () =>
        (await pair.remote.orm.em.fork().find(Book, {}, { orderBy: { title: 'asc' } })).map((b) => b.meta);
      expect(await metaOf()).toEqual(metas);
      const next: unknown[] = ['bye', [2], true, 'null'];
      books.forEach((b, i) => {
        b.meta = next[i] as never;
      });
      await em.flush();
      pair.remote.queries.reset();
      expect(await synchronize(pair.local.orm, pair.remote.orm)).toMatchObject({ updated: 4 });
      expect(pair.remote.queries.matching(/^update "book" .* from unnest\(/s)).toHaveLength(1);
      expect(await metaOf()).toEqual(next);
    });

    it('a dollar-quoted literal reads back as its text, whatever tags the text holds or ends with', async () => {
      const texts = ['x$synchro', '$synchro$', 'a$synchro0', '$synchro$ $synchro0$ $synchro', '$', "it's \\"];
      const conn = pair.remote.orm.em.getConnection();
      for (const text of texts) {
        const [row] = await conn.execute(`select ${stringLiteral('postgres', text)} as v`);
        expect(row.v).toBe(text);
      }
    });

    it('returns null and writes nothing for rows it cannot carry as text', async () => {
      const em = pair.remote.orm.em.fork();
      const meta = em.getMetadata().find(Label) as EntityMetadata;
      const row = { code: 'x', fixed: 'x', text: 't', n: 1, owner: null };
      await em.transactional(async (tx) => {
        expect(await insertFromArrays(tx, meta, [row, { ...row, code: 'y', text: undefined }])).toBeNull();
        expect(
          await insertFromArrays(tx, meta, [row, { code: 'y', fixed: 'y', n: 2, owner: null }]),
        ).toBeNull();
        expect(await insertFromArrays(tx, meta, [{ ...row, n: 1.5 }])).toBeNull(); // not an integer
        expect(await insertFromArrays(tx, meta, [{ ...row, n: Number.NaN }])).toBeNull();
        expect(await insertFromArrays(tx, meta, [{ ...row, text: ['a'] }])).toBeNull(); // no text form
        // MikroORM's bare number is a numeric literal first: 1e21 would be stored as 1000000000000000000000
        expect(await insertFromArrays(tx, meta, [{ ...row, text: 1e21 }])).toBeNull();
        expect(await insertFromArrays(tx, meta, [{ ...row, n: true }])).toBeNull();
        expect(await insertFromArrays(tx, meta, [{ ...row, unknown: 1 }])).toBeNull(); // not a column
      });
      expect(await pair.remote.orm.em.fork().count(Label, {})).toBe(0);
    });
  },
);
