import { defineEntity, type MikroORM, p } from '@mikro-orm/core';
import { synchronize } from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import { plainRows } from '../../packages/core/src/sync/apply/BulkWriter.js';
import { Author, Book, Kind, MODEL, Sample, valueColumns } from '../support/model.js';
import { openSyncPair, PATH_PAIRS } from '../support/sync.js';

/** Sample without its embeddable, with a relation: the bulk path inserts its new rows as plain data. */
const FlatSample = defineEntity({
  name: 'FlatSample',
  properties: { ...valueColumns(), owner: () => p.manyToOne(Author).nullable() },
});

/** Values carried as JS values through both ORMs; bigint stays within 2^53 (SQLite's limit, see docs/sync.md). */
const samples = [
  {
    code: 'one',
    flag: true,
    at: new Date('2026-03-04T05:06:07.891Z'),
    day: '2026-03-04',
    data: { nested: { list: [1, 'two', null], yes: true }, unicode: 'żółć ✓' },
    amount: 12345.678,
    kind: Kind.Ebook,
    address: { street: 'Main 1', city: 'Łódź' },
    big: 2 ** 53 - 1,
    ratio: 0.1 + 0.2,
  },
  {
    code: 'two',
    flag: false,
    at: new Date('1999-12-31T23:59:59.001Z'),
    day: null,
    data: {},
    amount: -0.5,
    kind: Kind.Paper,
    address: { street: '', city: 'X' },
    big: -(2 ** 40),
    ratio: -1e-9,
  },
];

describe.each(PATH_PAIRS)('values $name, $path path', ({ path, ...kinds }) => {
  it('carries dates (ms), booleans, JSON, decimals, enums, embeddables and safe bigints', async () => {
    const p = await openSyncPair(kinds, { writePath: path });
    try {
      const em = p.local.orm.em.fork();
      for (const s of samples) em.create(Sample, s);
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      const rows = await p.remote.orm.em.fork().find(Sample, {}, { orderBy: { code: 'asc' } });
      const plain = rows.map(({ id: _id, ...rest }) => ({ ...rest, address: { ...rest.address } }));
      expect(plain).toEqual(samples.map((s) => expect.objectContaining(s)));
      // a second run finds nothing different to write
      const local = await p.local.orm.em.fork().findOneOrFail(Sample, { code: 'one' });
      local.flag = false;
      await em.fork().flush();
      const pem = p.local.orm.em.fork();
      const again = await pem.findOneOrFail(Sample, { code: 'two' });
      again.ratio = 2.5;
      await pem.flush();
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ updated: 1 });
    } finally {
      await p.close();
    }
  });
});

const metaOf = (orm: MikroORM, entity: { meta: { className: string } }) =>
  orm.getMetadata().getByClassName(entity.meta.className);

describe.each(PATH_PAIRS)('values of plain rows $name, $path path', ({ path, ...kinds }) => {
  it('carries every value type and relation of rows inserted as plain data', async () => {
    const p = await openSyncPair(kinds, { writePath: path }, {}, [...MODEL, FlatSample]);
    try {
      // the bulk path takes plain data for these rows, and entities for an embeddable
      expect(plainRows(metaOf(p.remote.orm, FlatSample))).toBe(true);
      expect(plainRows(metaOf(p.remote.orm, Book))).toBe(true);
      expect(plainRows(metaOf(p.remote.orm, Sample))).toBe(false);
      const em = p.local.orm.em.fork();
      const owner = em.create(Author, { id: 7, email: 'owner@example.com', name: 'Owner' });
      for (const [i, s] of samples.entries()) {
        const { address: _address, ...flat } = s;
        em.create(FlatSample, { ...flat, owner: i === 0 ? owner : null });
      }
      await em.flush();
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report).toMatchObject({ status: 'synced', created: 3 });
      const rows = await p.remote.orm.em
        .fork()
        .find(FlatSample, {}, { orderBy: { code: 'asc' }, populate: ['owner'] });
      expect(rows.map(({ id: _id, owner: o, ...rest }) => ({ ...rest, owner: o?.email ?? null }))).toEqual(
        samples.map(({ address: _address, ...s }, i) => ({
          ...s,
          owner: i === 0 ? 'owner@example.com' : null,
        })),
      );
      // written as REMOTE stores them: nothing is different on the next run
      const pem = p.local.orm.em.fork();
      (await pem.findOneOrFail(FlatSample, { code: 'two' })).ratio = 2.5;
      await pem.flush();
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ updated: 1, created: 0 });
    } finally {
      await p.close();
    }
  });
});
