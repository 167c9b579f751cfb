import type { MikroORM } from '@mikro-orm/core';
import {
  type ConflictPolicy,
  resolveConflict,
  SynchroConflict,
  synchronize,
  synchroStatus,
  withoutSynchroLog,
  withSynchro,
} from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import { PAIRS } from '../support/databases.js';
import { Author, Book, MODEL, Tag } from '../support/model.js';
import { openPair, type TestPair } from '../support/orm.js';
import { authorNames, tick } from '../support/rows.js';

/** Deletes a@x on `orm`. */
async function deleteAuthor(orm: MikroORM): Promise<void> {
  const em = orm.em.fork();
  em.remove(await em.findOneOrFail(Author, { email: 'a@x' }));
  await em.flush();
}

/** Renames a@x on `orm`. */
async function renameAuthor(orm: MikroORM, name: string): Promise<void> {
  const em = orm.em.fork();
  (await em.findOneOrFail(Author, { email: 'a@x' })).name = name;
  await em.flush();
}

/** The server deletes a@x and the office renames it to 'office', in the order that makes `later` the later one. */
async function deleteAndChange(p: TestPair, later: 'the change' | 'the delete'): Promise<void> {
  const [first, second] = [() => deleteAuthor(p.remote.orm), () => renameAuthor(p.local.orm, 'office')];
  await (later === 'the change' ? first : second)();
  await tick();
  await (later === 'the change' ? second : first)();
}

/** An office syncing to a server, a@x and b@x made at the office and synced once. */
async function syncedPair(
  kinds: (typeof PAIRS)[number],
  conflicts: ConflictPolicy | Record<string, ConflictPolicy>,
  server: { capture?: boolean } = {},
): Promise<TestPair> {
  const p = await openPair(
    kinds,
    withSynchro({ entities: MODEL }, { remote: 'server', conflicts }),
    withSynchro({ entities: MODEL }, { remote: 'office', conflicts, ...server }),
  );
  const office = p.local.orm.em.fork();
  office.create(Author, { email: 'a@x', name: 'v1' });
  office.create(Author, { email: 'b@x', name: 'b' });
  await office.flush();
  await synchronize(p.local.orm, p.remote.orm);
  return p;
}

// REMOTE deleted a row that LOCAL changed since the last sync. Writing LOCAL's change would create the row again
// over REMOTE's delete: a conflict like a change of the row, with no REMOTE values (`remote: {}`).
describe.each(PAIRS)('a row REMOTE deleted and LOCAL changed $name', (kinds) => {
  it('is a conflict: manual leaves REMOTE without the row until a person decides', async () => {
    const p = await syncedPair(kinds, 'manual');
    try {
      await deleteAuthor(p.remote.orm);
      await renameAuthor(p.local.orm, 'office');
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report).toMatchObject({
        status: 'conflicts',
        created: 0,
        conflicts: [
          {
            entity: 'Author',
            key: ['a@x'],
            local: expect.objectContaining({ name: 'office' }),
            remote: {},
            resolution: 'pending',
          },
        ],
      });
      expect(await authorNames(p.remote.orm)).toEqual(['b@x:b']);
      expect((await synchronize(p.local.orm, p.remote.orm)).conflicts).toHaveLength(1);

      const stored = await p.local.orm.em.fork().findOneOrFail(SynchroConflict, { entity: 'Author' });
      expect(stored.remoteValues).toEqual({});
      await resolveConflict(p.local.orm, stored.id, 'local');
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ created: 1 });
      expect(await authorNames(p.remote.orm)).toEqual(['a@x:office', 'b@x:b']);
      // found through its new reference from now on
      await renameAuthor(p.local.orm, 'office again');
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ updated: 1, conflicts: [] });
      expect((await synchroStatus(p.local.orm, p.remote.orm)).conflicts).toBe(0);
    } finally {
      await p.close();
    }
  });

  it('is a conflict when LOCAL changed only its many-to-many collection', async () => {
    const p = await syncedPair(kinds, 'manual');
    try {
      const office = p.local.orm.em.fork();
      const book = office.create(Book, {
        title: 'T',
        author: await office.findOneOrFail(Author, { email: 'a@x' }),
        price: 1,
      });
      await office.flush();
      await synchronize(p.local.orm, p.remote.orm);
      const server = p.remote.orm.em.fork();
      server.remove(await server.findOneOrFail(Book, { title: 'T' }));
      await server.flush();
      book.tags.add(office.create(Tag, { name: 'new' }));
      await office.flush();
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts).toEqual([
        expect.objectContaining({ entity: 'Book', remote: {}, resolution: 'pending' }),
      ]);
      expect(report.conflicts[0]!.local.tags).toHaveLength(1);
      expect(await p.remote.orm.em.fork().count(Book, {})).toBe(0);
      // a person's decision applies to such a row too: the book is made again, with its collection
      const { pendingConflicts } = await synchroStatus(p.local.orm, p.remote.orm);
      await resolveConflict(p.local.orm, pendingConflicts[0]!.id, 'local');
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', created: 1 });
      const again = await p.remote.orm.em.fork().findOneOrFail(Book, { title: 'T' }, { populate: ['tags'] });
      expect(again.tags.getItems().map((t) => t.name)).toEqual(['new']);
    } finally {
      await p.close();
    }
  });

  it('is a conflict with the new row when REMOTE made another row with the key after deleting it', async () => {
    const p = await syncedPair(kinds, 'manual');
    try {
      await deleteAuthor(p.remote.orm);
      const server = p.remote.orm.em.fork();
      server.create(Author, { email: 'a@x', name: 'server new' });
      await server.flush();
      await renameAuthor(p.local.orm, 'office');
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts).toEqual([
        expect.objectContaining({
          key: ['a@x'],
          remote: expect.objectContaining({ name: 'server new' }),
          resolution: 'pending',
        }),
      ]);
      expect(await authorNames(p.remote.orm)).toEqual(['a@x:server new', 'b@x:b']);
    } finally {
      await p.close();
    }
  });

  it("deciding for REMOTE keeps the delete; LOCAL's next change asks again", async () => {
    const p = await syncedPair(kinds, 'manual');
    try {
      await deleteAuthor(p.remote.orm);
      await renameAuthor(p.local.orm, 'office');
      await synchronize(p.local.orm, p.remote.orm);
      const stored = await p.local.orm.em.fork().findOneOrFail(SynchroConflict, { entity: 'Author' });
      await resolveConflict(p.local.orm, stored.id, 'remote');
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', created: 0 });
      expect(await authorNames(p.remote.orm)).toEqual(['b@x:b']);
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'no-changes' });
      await renameAuthor(p.local.orm, 'office again');
      expect((await synchronize(p.local.orm, p.remote.orm)).conflicts).toEqual([
        expect.objectContaining({ remote: {}, resolution: 'pending' }),
      ]);
    } finally {
      await p.close();
    }
  });

  it.each([
    ['the change', 'local', ['a@x:office', 'b@x:b']],
    ['the delete', 'remote', ['b@x:b']],
  ] as const)('under newer-wins %s wins when it is the later one', async (later, resolution, expected) => {
    const p = await syncedPair(kinds, 'newer-wins');
    try {
      await deleteAndChange(p, later);
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts).toEqual([expect.objectContaining({ remote: {}, resolution })]);
      expect(await authorNames(p.remote.orm)).toEqual(expected);
    } finally {
      await p.close();
    }
  });

  it('under newer-wins a delete REMOTE did not log wins, even after a logged edit older than the change', async () => {
    const p = await syncedPair(kinds, 'newer-wins');
    try {
      await renameAuthor(p.remote.orm, 'server');
      await tick();
      await withoutSynchroLog(() => deleteAuthor(p.remote.orm));
      await tick();
      await renameAuthor(p.local.orm, 'office');
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts).toEqual([expect.objectContaining({ remote: {}, resolution: 'remote' })]);
      expect(await authorNames(p.remote.orm)).toEqual(['b@x:b']);
    } finally {
      await p.close();
    }
  });

  it('without REMOTE’s log (hash detection) it is a conflict too, settled by the default local-wins', async () => {
    const p = await openPair(
      kinds,
      withSynchro({ entities: MODEL }, { remote: 'server' }),
      withSynchro({ entities: MODEL }, { remote: null, capture: false }),
    );
    try {
      await (async () => {
        const em = p.local.orm.em.fork();
        em.create(Author, { email: 'a@x', name: 'v1' });
        await em.flush();
      })();
      await synchronize(p.local.orm, p.remote.orm);
      await deleteAuthor(p.remote.orm);
      await renameAuthor(p.local.orm, 'office');
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report).toMatchObject({
        created: 1,
        conflicts: [expect.objectContaining({ remote: {}, resolution: 'local' })],
      });
      expect(await authorNames(p.remote.orm)).toEqual(['a@x:office']);
    } finally {
      await p.close();
    }
  });

  it('a deleted row that a changed row points at is created again without a conflict', async () => {
    // authors would wait for a person, while the book's conflict is settled for LOCAL and needs its author
    const p = await syncedPair(kinds, { Author: 'manual', Book: 'local-wins' });
    try {
      const office = p.local.orm.em.fork();
      const a = await office.findOneOrFail(Author, { email: 'a@x' });
      office.create(Book, { title: 'T', author: a, price: 1 });
      await office.flush();
      await synchronize(p.local.orm, p.remote.orm);
      // REMOTE deletes the author (its book with it), LOCAL changes both
      const server = p.remote.orm.em.fork();
      const book = await server.findOneOrFail(Book, { title: 'T' });
      server.remove(book);
      server.remove(await server.findOneOrFail(Author, { email: 'a@x' }));
      await server.flush();
      a.name = 'office';
      (await office.findOneOrFail(Book, { title: 'T' })).price = 2;
      await office.flush();

      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts.map((c) => [c.entity, c.remote, c.resolution])).toEqual([
        ['Book', {}, 'local'],
      ]);
      expect(await authorNames(p.remote.orm)).toEqual(['a@x:office', 'b@x:b']);
      const books = await p.remote.orm.em.fork().find(Book, {}, { populate: ['author'] });
      expect(books.map((b) => `${b.title}:${b.price}:${b.author.email}`)).toEqual(['T:2:a@x']);
    } finally {
      await p.close();
    }
  });
});

describe.each(PAIRS)('a row the server deleted and the office changed, in two-way sync $name', (kinds) => {
  it.each([
    ['the change', ['a@x:office', 'b@x:b']],
    ['the delete', ['b@x:b']],
  ] as const)('newer-wins: when %s is later, both sides end with it', async (later, expected) => {
    const p = await syncedPair(kinds, 'newer-wins');
    try {
      await synchronize(p.remote.orm, p.local.orm);
      await deleteAndChange(p, later);
      for (let round = 0; round < 2; round++) {
        await synchronize(p.local.orm, p.remote.orm);
        await synchronize(p.remote.orm, p.local.orm);
      }
      expect(await authorNames(p.remote.orm)).toEqual(expected);
      expect(await authorNames(p.local.orm)).toEqual(expected);
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'no-changes' });
      expect(await synchronize(p.remote.orm, p.local.orm)).toMatchObject({ status: 'no-changes' });
    } finally {
      await p.close();
    }
  });

  it('a row made on the server, received, then deleted there and changed here is a conflict too', async () => {
    const p = await syncedPair(kinds, 'manual');
    try {
      const server = p.remote.orm.em.fork();
      server.create(Author, { email: 's@x', name: 'server' });
      await server.flush();
      await synchronize(p.remote.orm, p.local.orm);
      server.remove(await server.findOneOrFail(Author, { email: 's@x' }));
      await server.flush();
      const office = p.local.orm.em.fork();
      (await office.findOneOrFail(Author, { email: 's@x' })).name = 'office';
      await office.flush();
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts).toEqual([
        expect.objectContaining({ key: ['s@x'], remote: {}, resolution: 'pending' }),
      ]);
      expect(await authorNames(p.remote.orm)).toEqual(['a@x:v1', 'b@x:b']);
    } finally {
      await p.close();
    }
  });
});
