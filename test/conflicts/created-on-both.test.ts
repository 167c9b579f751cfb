import type { MikroORM } from '@mikro-orm/core';
import {
  resolveConflict,
  SynchroConflict,
  synchronize,
  synchroStatus,
  withoutSynchroLog,
  withSynchro,
} from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import { PAIRS } from '../support/databases.js';
import { Author, Book, Category, Doc, MODEL, Tag } from '../support/model.js';
import { openPair, type TestPair } from '../support/orm.js';
import { authorNames, tick } from '../support/rows.js';

async function renameOn(orm: MikroORM, name: string): Promise<void> {
  const em = orm.em.fork();
  (await em.findOneOrFail(Author, { email: 'a@x' })).name = name;
  await em.flush();
  await tick();
}

/** A person decides the stored conflict of the author a@x. */
async function decideAuthorConflict(p: TestPair, decision: 'local' | 'remote'): Promise<void> {
  const stored = await p.local.orm.em.fork().findOneOrFail(SynchroConflict, { entity: 'Author' });
  await resolveConflict(p.local.orm, stored.id, decision);
}

/** The office creates a@x as 'office', the server as 'server'. */
async function createOnBothSides(p: TestPair): Promise<void> {
  await createAuthor(p.local.orm, 'office');
  await createAuthor(p.remote.orm, 'server');
}

async function createAuthor(orm: MikroORM, name: string, email = 'a@x'): Promise<void> {
  const em = orm.em.fork();
  em.create(Author, { email, name });
  await em.flush();
}

/** The server makes a@x and the office receives it, deletes it and makes its own row with that key. */
async function receiveThenReplace(p: TestPair): Promise<void> {
  await createAuthor(p.remote.orm, 'server');
  expect(await synchronize(p.remote.orm, p.local.orm)).toMatchObject({ created: 1 });
  const office = p.local.orm.em.fork();
  office.remove(await office.findOneOrFail(Author, { email: 'a@x' }));
  await office.flush();
  office.create(Author, { email: 'a@x', name: 'office' });
  await office.flush();
}

// While apart, both sides create a row with the same natural key. It is first contact (no reference yet), yet
// REMOTE's row is not an import: REMOTE's log shows it made the row. Writing LOCAL's values over it would be
// the silent overwrite a conflict check exists to stop.
describe.each(PAIRS)('a row both sides created with the same natural key $name', (kinds) => {
  const pair = (conflicts: 'manual' | 'newer-wins') =>
    openPair(
      kinds,
      withSynchro({ entities: MODEL }, { remote: 'server', conflicts }),
      withSynchro({ entities: MODEL }, { remote: 'office', conflicts }),
    );

  it('is a conflict: left pending under manual, then applied as decided', async () => {
    const p = await pair('manual');
    try {
      await createOnBothSides(p);
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report).toMatchObject({
        status: 'conflicts',
        updated: 0,
        conflicts: [
          {
            entity: 'Author',
            key: ['a@x'],
            local: expect.objectContaining({ name: 'office' }),
            remote: expect.objectContaining({ name: 'server' }),
            resolution: 'pending',
          },
        ],
      });
      expect(await authorNames(p.remote.orm)).toEqual(['a@x:server']);

      // still pending on the next run, until a person decides
      expect((await synchronize(p.local.orm, p.remote.orm)).conflicts).toHaveLength(1);
      await decideAuthorConflict(p, 'local');
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({
        status: 'synced',
        updated: 1,
        conflicts: [expect.objectContaining({ key: ['a@x'], resolution: 'local' })],
      });
      expect(await authorNames(p.remote.orm)).toEqual(['a@x:office']);
      expect((await synchroStatus(p.local.orm, p.remote.orm)).conflicts).toBe(0);
    } finally {
      await p.close();
    }
  });

  it.each(['office', 'server'] as const)(
    'under newer-wins the later creation wins on both sides (%s created it last)',
    async (last) => {
      const p = await pair('newer-wins');
      try {
        const [first, second] = last === 'office' ? [p.remote, p.local] : [p.local, p.remote];
        await createAuthor(first.orm, last === 'office' ? 'server' : 'office');
        await tick();
        await createAuthor(second.orm, last);
        const there = await synchronize(p.local.orm, p.remote.orm);
        expect(there.conflicts).toEqual([
          expect.objectContaining({ key: ['a@x'], resolution: last === 'office' ? 'local' : 'remote' }),
        ]);
        await synchronize(p.remote.orm, p.local.orm);
        expect(await authorNames(p.remote.orm)).toEqual([`a@x:${last}`]);
        expect(await authorNames(p.local.orm)).toEqual([`a@x:${last}`]);
        expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'no-changes' });
        expect(await synchronize(p.remote.orm, p.local.orm)).toMatchObject({ status: 'no-changes' });
      } finally {
        await p.close();
      }
    },
  );

  it('is a conflict for a versioned entity too', async () => {
    const p = await pair('manual');
    try {
      const office = p.local.orm.em.fork();
      office.create(Doc, { code: 'd', body: 'office' });
      await office.flush();
      const server = p.remote.orm.em.fork();
      server.create(Doc, { code: 'd', body: 'server' });
      await server.flush();
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts).toEqual([
        expect.objectContaining({ entity: 'Doc', key: ['d'], resolution: 'pending' }),
      ]);
      const docs = await p.remote.orm.em.fork().find(Doc, {});
      expect(docs.map((d) => d.body)).toEqual(['server']);
    } finally {
      await p.close();
    }
  });

  it('is no conflict when REMOTE got the row without logging it (an import): first contact, as before', async () => {
    const p = await pair('manual');
    try {
      await createAuthor(p.local.orm, 'office');
      await withoutSynchroLog(() => createAuthor(p.remote.orm, 'imported'));
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ updated: 1, conflicts: [] });
      expect(await authorNames(p.remote.orm)).toEqual(['a@x:office']);
    } finally {
      await p.close();
    }
  });

  it('is no conflict when both sides hold the same values (the same data loaded on both, logged)', async () => {
    const p = await pair('manual');
    try {
      await createAuthor(p.local.orm, 'same');
      await createAuthor(p.remote.orm, 'same');
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report).toMatchObject({ status: 'synced', created: 0, updated: 0, conflicts: [] });
      expect(await authorNames(p.remote.orm)).toEqual(['a@x:same']);
    } finally {
      await p.close();
    }
  });

  it('is no conflict for a row deleted and made again with its key at LOCAL, over a REMOTE edit LOCAL already overwrote', async () => {
    const p = await pair('manual');
    try {
      await createAuthor(p.local.orm, 'v1');
      await synchronize(p.local.orm, p.remote.orm);
      // the server edits the row; the office's later edit is a conflict a person decides for the office
      await renameOn(p.remote.orm, 'server');
      await renameOn(p.local.orm, 'office');
      await synchronize(p.local.orm, p.remote.orm);
      await decideAuthorConflict(p, 'local');
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ updated: 1 });
      // the office replaces its row by a new one with the same key, in one batch
      const office = p.local.orm.em.fork();
      office.remove(await office.findOneOrFail(Author, { email: 'a@x' }));
      office.create(Author, { email: 'a@x', name: 'new' });
      await office.flush();
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report).toMatchObject({ status: 'synced', conflicts: [] });
      expect(await authorNames(p.remote.orm)).toEqual(['a@x:new']);
    } finally {
      await p.close();
    }
  });

  it('stays pending when a row pointing at it is synced meanwhile (a run of other entities only)', async () => {
    const p = await pair('manual');
    try {
      await createOnBothSides(p);
      expect((await synchronize(p.local.orm, p.remote.orm)).conflicts).toHaveLength(1);
      // a book of that author is synced on its own while the author's conflict waits: the author is matched
      // by its key on REMOTE
      const office = p.local.orm.em.fork();
      office.create(Book, {
        title: 'T',
        author: await office.findOneOrFail(Author, { email: 'a@x' }),
        price: 1,
      });
      await office.flush();
      expect(await synchronize(p.local.orm, p.remote.orm, { entities: ['Book'] })).toMatchObject({
        created: 1,
      });
      // the author's own change is still a conflict, and the server keeps its values
      for (let run = 0; run < 2; run++) {
        const report = await synchronize(p.local.orm, p.remote.orm);
        expect(report.conflicts).toEqual([expect.objectContaining({ key: ['a@x'], resolution: 'pending' })]);
      }
      expect(await authorNames(p.remote.orm)).toEqual(['a@x:server']);
    } finally {
      await p.close();
    }
  });

  it('stays pending both ways when the other side sends a row pointing at it', async () => {
    const p = await pair('manual');
    try {
      await createAuthor(p.local.orm, 'office');
      const server = p.remote.orm.em.fork();
      server.create(Book, {
        title: 'T',
        author: server.create(Author, { email: 'a@x', name: 'server' }),
        price: 1,
      });
      await server.flush();
      expect((await synchronize(p.local.orm, p.remote.orm)).conflicts).toHaveLength(1);
      // the server's author is a conflict at the office too; its book, in a batch of its own, points at it
      const back = await synchronize(p.remote.orm, p.local.orm, { batchSize: 1 });
      expect(back).toMatchObject({
        created: 1,
        conflicts: [expect.objectContaining({ resolution: 'pending' })],
      });
      for (let run = 0; run < 2; run++) {
        expect((await synchronize(p.local.orm, p.remote.orm)).conflicts).toEqual([
          expect.objectContaining({ key: ['a@x'], resolution: 'pending' }),
        ]);
        expect((await synchronize(p.remote.orm, p.local.orm)).conflicts).toEqual([
          expect.objectContaining({ key: ['a@x'], resolution: 'pending' }),
        ]);
      }
      expect(await authorNames(p.remote.orm)).toEqual(['a@x:server']);
      expect(await authorNames(p.local.orm)).toEqual(['a@x:office']);
    } finally {
      await p.close();
    }
  });

  it('is a conflict when only the many-to-many collection differs (collections are not compared)', async () => {
    const p = await pair('manual');
    try {
      for (const [orm, tag] of [
        [p.local.orm, 'office tag'],
        [p.remote.orm, 'server tag'],
      ] as const) {
        const em = orm.em.fork();
        const author = em.create(Author, { email: 'a@x', name: 'same' });
        em.create(Book, { title: 'T', author, price: 1 }).tags.add(em.create(Tag, { name: tag }));
        await em.flush();
      }
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts).toEqual([
        expect.objectContaining({ entity: 'Book', key: [['a@x'], 'T'], resolution: 'pending' }),
      ]);
      const book = await p.remote.orm.em.fork().findOneOrFail(Book, { title: 'T' }, { populate: ['tags'] });
      expect(book.tags.getItems().map((t) => t.name)).toEqual(['server tag']);
    } finally {
      await p.close();
    }
  });

  it('is a conflict when LOCAL points at a row new to REMOTE where REMOTE points at none', async () => {
    const p = await pair('manual');
    try {
      const office = p.local.orm.em.fork();
      office.create(Category, { name: 'child', parent: office.create(Category, { name: 'root' }) });
      await office.flush();
      const server = p.remote.orm.em.fork();
      server.create(Category, { name: 'child', parent: null });
      await server.flush();
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts).toEqual([
        expect.objectContaining({ entity: 'Category', key: ['child'], resolution: 'pending' }),
      ]);
      const child = await p.remote.orm.em.fork().findOneOrFail(Category, { name: 'child' });
      expect(child.parent).toBeNull();
    } finally {
      await p.close();
    }
  });

  it("keeps a person's decision for REMOTE when a run of other entities syncs a row pointing at it", async () => {
    const p = await pair('manual');
    try {
      await createOnBothSides(p);
      await synchronize(p.local.orm, p.remote.orm);
      await decideAuthorConflict(p, 'remote');
      const office = p.local.orm.em.fork();
      office.create(Book, {
        title: 'T',
        author: await office.findOneOrFail(Author, { email: 'a@x' }),
        price: 1,
      });
      await office.flush();
      expect(await synchronize(p.local.orm, p.remote.orm, { entities: ['Book'] })).toMatchObject({
        created: 1,
      });
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts).toEqual([expect.objectContaining({ key: ['a@x'], resolution: 'remote' })]);
      expect(await authorNames(p.remote.orm)).toEqual(['a@x:server']);
      expect((await synchroStatus(p.local.orm, p.remote.orm)).conflicts).toBe(0);
    } finally {
      await p.close();
    }
  });

  it('is no conflict when LOCAL received the row, deleted it and made its own with the key', async () => {
    const p = await pair('manual');
    try {
      await receiveThenReplace(p);
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts).toEqual([]);
      expect(await authorNames(p.remote.orm)).toEqual(['a@x:office']);
      await synchronize(p.remote.orm, p.local.orm);
      expect(await authorNames(p.local.orm)).toEqual(['a@x:office']);
    } finally {
      await p.close();
    }
  });

  it('is a conflict when LOCAL made its own row before REMOTE edited the one LOCAL had received', async () => {
    const p = await pair('manual');
    try {
      await receiveThenReplace(p);
      const server = p.remote.orm.em.fork();
      (await server.findOneOrFail(Author, { email: 'a@x' })).name = 'server edit';
      await server.flush();

      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts.map((c) => c.remote)).toContainEqual(
        expect.objectContaining({ name: 'server edit' }),
      );
      expect(await authorNames(p.remote.orm)).toEqual(['a@x:server edit']);
    } finally {
      await p.close();
    }
  });
});

describe.each(PAIRS)('without REMOTE’s log $name', (kinds) => {
  it('a row both sides created is first contact: LOCAL’s values are written (a documented limit)', async () => {
    const p = await openPair(
      kinds,
      withSynchro({ entities: MODEL }, { remote: 'server', conflicts: 'manual' }),
      withSynchro({ entities: MODEL }, { remote: null, capture: false }),
    );
    try {
      await createOnBothSides(p);
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ updated: 1, conflicts: [] });
      expect(await authorNames(p.remote.orm)).toEqual(['a@x:office']);
    } finally {
      await p.close();
    }
  });
});
