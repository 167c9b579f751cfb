import { SynchroNode, synchronize, withSynchro } from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import { PAIRS } from '../support/databases.js';
import { Author, MODEL } from '../support/model.js';
import { openOrm, type TestOrm } from '../support/orm.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

/** Gives a database a fixed node id before its first sync (ids are random uuids otherwise). */
async function setNodeId(db: TestOrm, nodeId: string) {
  const em = db.orm.em.fork();
  em.create(SynchroNode, { name: 'self', nodeId, floor: 0, createdAt: new Date() });
  await em.flush();
}

const LOW = '00000000-0000-4000-8000-000000000000';
const HIGH = 'ffffffff-ffff-4fff-bfff-ffffffffffff';

describe.each(PAIRS)('two sites feeding one central database $name', (kinds) => {
  // REMOTE's log is read for changes whose origin is not the syncing site: null (REMOTE's own) or any other
  // site's id, below or above this one's.
  it.each([
    ['above', LOW, HIGH],
    ['below', HIGH, LOW],
  ])('a change another site applied (its id %s this one) is a conflict for this site', async (_, a, b) => {
    const siteConfig = withSynchro({ entities: MODEL } as never, { remote: 'server' });
    const siteA = await openOrm(kinds.local, siteConfig);
    const siteB = await openOrm(kinds.local, siteConfig);
    const central = await openOrm(
      kinds.remote,
      withSynchro({ entities: MODEL } as never, { remote: 'sites' }),
    );
    try {
      await setNodeId(siteA, a);
      await setNodeId(siteB, b);
      const emA = siteA.orm.em.fork();
      const author = emA.create(Author, { email: 'ann@x', name: 'v1' });
      await emA.flush();
      await synchronize(siteA.orm, central.orm);
      expect(await synchronize(central.orm, siteB.orm)).toMatchObject({ created: 1 });

      // site B edits the memo and syncs first; site A edits it later, from the old state
      const emB = siteB.orm.em.fork();
      (await emB.findOneOrFail(Author, { email: 'ann@x' })).name = 'from B';
      await emB.flush();
      expect(await synchronize(siteB.orm, central.orm)).toMatchObject({ updated: 1, conflicts: [] });
      await tick();
      author.name = 'from A';
      await emA.flush();

      const report = await synchronize(siteA.orm, central.orm);
      expect(report.conflicts).toEqual([
        expect.objectContaining({
          entity: 'Author',
          resolution: 'local',
          local: expect.objectContaining({ name: 'from A' }),
          remote: expect.objectContaining({ name: 'from B' }),
        }),
      ]);
      expect((await central.orm.em.fork().find(Author, {})).map((m) => m.name)).toEqual(['from A']);
    } finally {
      await Promise.allSettled([siteA.close(), siteB.close(), central.close()]);
    }
  });

  it('an edit another site made, received before this site edits the row, is no conflict', async () => {
    const siteConfig = withSynchro({ entities: MODEL } as never, { remote: 'server', conflicts: 'manual' });
    const siteA = await openOrm(kinds.local, siteConfig);
    const siteB = await openOrm(kinds.local, siteConfig);
    const central = await openOrm(
      kinds.remote,
      withSynchro({ entities: MODEL } as never, { remote: 'sites', conflicts: 'manual' }),
    );
    const edit = async (site: TestOrm, name: string) => {
      const em = site.orm.em.fork();
      (await em.findOneOrFail(Author, { email: 'ann@x' })).name = name;
      await em.flush();
      await tick();
    };
    const nameOn = async (db: TestOrm) =>
      (await db.orm.em.fork().findOneOrFail(Author, { email: 'ann@x' })).name;
    try {
      // site B makes the row, so the central database holds B's reference to it
      const emB = siteB.orm.em.fork();
      emB.create(Author, { email: 'ann@x', name: 'v1' });
      await emB.flush();
      await synchronize(siteB.orm, central.orm);
      await synchronize(central.orm, siteA.orm);
      await edit(siteA, 'from A');
      await synchronize(siteA.orm, central.orm);
      expect(await synchronize(central.orm, siteB.orm)).toMatchObject({ updated: 1, conflicts: [] });
      // site B saw A's edit before making its own
      await edit(siteB, 'from B');
      expect(await synchronize(siteB.orm, central.orm)).toMatchObject({ updated: 1, conflicts: [] });
      expect(await synchronize(central.orm, siteA.orm)).toMatchObject({ updated: 1, conflicts: [] });
      expect([await nameOn(central), await nameOn(siteA), await nameOn(siteB)]).toEqual([
        'from B',
        'from B',
        'from B',
      ]);
    } finally {
      await Promise.allSettled([siteA.close(), siteB.close(), central.close()]);
    }
  });
  it('a row two sites each created with the same natural key is a conflict for the second one to sync', async () => {
    const siteConfig = withSynchro({ entities: MODEL } as never, { remote: 'server', conflicts: 'manual' });
    const siteA = await openOrm(kinds.local, siteConfig);
    const siteB = await openOrm(kinds.local, siteConfig);
    const central = await openOrm(
      kinds.remote,
      withSynchro({ entities: MODEL } as never, { remote: 'sites' }),
    );
    try {
      await setNodeId(siteA, LOW);
      await setNodeId(siteB, HIGH);
      const create = async (site: TestOrm, email: string, name: string) => {
        const em = site.orm.em.fork();
        em.create(Author, { email, name });
        await em.flush();
      };
      await create(siteA, 'ann@x', 'from A');
      await create(siteB, 'ann@x', 'from B');
      await create(siteB, 'bob@x', 'only B');
      expect(await synchronize(siteA.orm, central.orm)).toMatchObject({ created: 1, conflicts: [] });
      // central's row is site A's: replacing it with B's values would lose A's without anyone noticing
      expect(await synchronize(siteB.orm, central.orm)).toMatchObject({
        created: 1,
        conflicts: [expect.objectContaining({ key: ['ann@x'], resolution: 'pending' })],
      });
      const rows = await central.orm.em.fork().find(Author, {}, { orderBy: { email: 'asc' } });
      expect(rows.map((r) => `${r.email}:${r.name}`)).toEqual(['ann@x:from A', 'bob@x:only B']);
    } finally {
      await Promise.allSettled([siteA.close(), siteB.close(), central.close()]);
    }
  });
});
