import { synchronize, withSynchro } from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import { PAIRS } from '../support/databases.js';
import { Author, Doc, Memo, MODEL, Note } from '../support/model.js';
import { openPair, type TestPair } from '../support/orm.js';

/** office (LOCAL of the pair) ↔ server (REMOTE of the pair), both logging and naming each other. */
const openTwoWay = (kinds: { local: 'sqlite'; remote: (typeof PAIRS)[number]['remote'] }) =>
  openPair(
    kinds,
    withSynchro({ entities: MODEL }, { remote: 'server' }),
    withSynchro({ entities: MODEL }, { remote: 'office' }),
  );

const tick = () => new Promise((r) => setTimeout(r, 5));

const texts = async (p: TestPair) => (await p.remote.orm.em.fork().find(Memo, {})).map((m) => m.text);

describe.each(PAIRS)('rows going back where they came from $name', (kinds) => {
  it('a row without a natural key is updated there, not created again, and the next run finds it by reference', async () => {
    const p = await openTwoWay({ local: 'sqlite', remote: kinds.remote });
    try {
      const server = p.remote.orm.em.fork();
      server.create(Memo, { text: 'from the server' });
      server.create(Memo, { text: 'server only' });
      await server.flush();
      expect(await synchronize(p.remote.orm, p.local.orm)).toMatchObject({ created: 2 });
      const office = p.local.orm.em.fork();
      const memo = await office.findOneOrFail(Memo, { text: 'from the server' });
      memo.text = 'edited at the office';
      office.create(Memo, { text: 'office only' });
      await office.flush();
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ created: 1, updated: 1 });
      expect((await texts(p)).sort()).toEqual(['edited at the office', 'office only', 'server only']);

      memo.text = 'edited again';
      await office.flush();
      p.local.queries.reset();
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ created: 0, updated: 1 });
      // matched through REMOTE's reference now: LOCAL's references are not read again
      expect(p.local.queries.matching(/from .synchro_reference/)).toEqual([]);
      expect((await texts(p)).sort()).toEqual(['edited again', 'office only', 'server only']);

      // and the other way: a row the server received from the office goes back to the office's row
      const back = p.remote.orm.em.fork();
      (await back.findOneOrFail(Memo, { text: 'office only' })).text = 'office row, edited on the server';
      await back.flush();
      expect(await synchronize(p.remote.orm, p.local.orm)).toMatchObject({ created: 0, updated: 1 });
      const atOffice = (await p.local.orm.em.fork().find(Memo, {})).map((m) => m.text).sort();
      expect(atOffice).toEqual(['edited again', 'office row, edited on the server', 'server only']);
    } finally {
      await p.close();
    }
  });

  it('a row whose natural key was edited on the way back is updated, not duplicated', async () => {
    const p = await openTwoWay({ local: 'sqlite', remote: kinds.remote });
    try {
      const server = p.remote.orm.em.fork();
      server.create(Author, { email: 'old@x', name: 'Ann' });
      await server.flush();
      await synchronize(p.remote.orm, p.local.orm);
      const office = p.local.orm.em.fork();
      (await office.findOneOrFail(Author, { email: 'old@x' })).email = 'new@x';
      await office.flush();
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ created: 0, updated: 1 });
      const authors = await p.remote.orm.em.fork().find(Author, {});
      expect(authors.map((a) => `${a.email}:${a.name}`)).toEqual(['new@x:Ann']);
    } finally {
      await p.close();
    }
  });

  it('an edit the origin made after sending the row is a conflict, not silently overwritten', async () => {
    const p = await openTwoWay({ local: 'sqlite', remote: kinds.remote });
    try {
      const server = p.remote.orm.em.fork();
      const memo = server.create(Memo, { text: 'v1' });
      await server.flush();
      await synchronize(p.remote.orm, p.local.orm);
      const office = p.local.orm.em.fork();
      (await office.findOneOrFail(Memo, { text: 'v1' })).text = 'office edit';
      await office.flush();
      await tick();
      memo.text = 'later server edit';
      await server.flush();
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report).toMatchObject({ created: 0, updated: 0, skipped: 1 });
      expect(report.conflicts).toEqual([
        expect.objectContaining({
          entity: 'Memo',
          resolution: 'remote',
          local: expect.objectContaining({ text: 'office edit' }),
          remote: expect.objectContaining({ text: 'later server edit' }),
        }),
      ]);
      expect(await texts(p)).toEqual(['later server edit']);
    } finally {
      await p.close();
    }
  });

  it("an entity with a version property: the origin's later edit is a conflict too", async () => {
    const p = await openTwoWay({ local: 'sqlite', remote: kinds.remote });
    try {
      const server = p.remote.orm.em.fork();
      const doc = server.create(Doc, { code: 'D-1', body: 'v1' });
      await server.flush();
      await synchronize(p.remote.orm, p.local.orm);
      const office = p.local.orm.em.fork();
      (await office.findOneOrFail(Doc, { code: 'D-1' })).body = 'office edit';
      await office.flush();
      await tick();
      doc.body = 'later server edit';
      await server.flush();
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts.map((c) => [c.entity, c.resolution])).toEqual([['Doc', 'remote']]);
      expect((await p.remote.orm.em.fork().find(Doc, {})).map((d) => d.body)).toEqual(['later server edit']);
    } finally {
      await p.close();
    }
  });

  it("a row with a string key going back is matched through LOCAL's references too (one JSON parameter on SQLite)", async () => {
    const p = await openTwoWay({ local: 'sqlite', remote: kinds.remote });
    try {
      const server = p.remote.orm.em.fork();
      const note = server.create(Note, { id: crypto.randomUUID(), text: 'v1' });
      await server.flush();
      await synchronize(p.remote.orm, p.local.orm);
      const office = p.local.orm.em.fork();
      (await office.findOneOrFail(Note, { id: note.id })).text = 'office edit';
      await office.flush();
      p.local.queries.reset();
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ created: 0, updated: 1 });
      expect(p.local.queries.matching(/json_quote/)).toHaveLength(1);
      expect((await p.remote.orm.em.fork().find(Note, {})).map((n) => n.text)).toEqual(['office edit']);
    } finally {
      await p.close();
    }
  });

  it('a delete of a row without a natural key reaches the database it came from', async () => {
    const p = await openTwoWay({ local: 'sqlite', remote: kinds.remote });
    try {
      const server = p.remote.orm.em.fork();
      server.create(Memo, { text: 'to delete' });
      server.create(Memo, { text: 'to keep' });
      await server.flush();
      await synchronize(p.remote.orm, p.local.orm);
      const office = p.local.orm.em.fork();
      office.remove(await office.findOneOrFail(Memo, { text: 'to delete' }));
      await office.flush();
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ deleted: 1 });
      expect(await texts(p)).toEqual(['to keep']);
    } finally {
      await p.close();
    }
  });
});
