import { disableSynchroLog, SynchroChange, withoutSynchroLog, withSynchro } from '@mikro-synchro/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KINDS } from '../support/databases.js';
import { logLines } from '../support/log.js';
import { Author, Book, Course, Enrollment, MODEL, Note, Person, Student, Tag } from '../support/model.js';
import { openOrm, type TestOrm } from '../support/orm.js';

describe.each(KINDS)('change capture on %s', (kind) => {
  let t: TestOrm;
  beforeEach(async () => {
    t = await openOrm(kind, withSynchro({ entities: MODEL }, { remote: 'server' }));
  });
  afterEach(() => t.close());

  it('logs creates with the primary key the database assigned, then updates and deletes', async () => {
    const em = t.orm.em.fork();
    const a = em.create(Author, { email: 'a@x', name: 'A' });
    const b = em.create(Author, { email: 'b@x', name: 'B' });
    await em.flush();
    a.name = 'A2';
    em.remove(b);
    await em.flush();
    expect(await logLines(t.orm)).toEqual([
      `create Author ${a.id}`,
      `create Author ${b.id}`,
      `update Author ${a.id}`,
      `delete Author ${b.id}  ["b@x"]`,
    ]);
  });

  it('leaves no log row when the flush fails on a unique violation', async () => {
    const em = t.orm.em.fork();
    em.create(Author, { email: 'dup@x', name: 'A' });
    await em.flush();
    const em2 = t.orm.em.fork();
    em2.create(Author, { email: 'other@x', name: 'B' });
    em2.create(Author, { email: 'dup@x', name: 'C' });
    await expect(em2.flush()).rejects.toThrow();
    expect(await logLines(t.orm)).toEqual(['create Author 1']);
    expect(await t.orm.em.fork().count(Author)).toBe(1);
  });

  it('leaves no log row when em.transactional() throws after flushing', async () => {
    await expect(
      t.orm.em.fork().transactional(async (tx) => {
        tx.create(Author, { email: 'a@x', name: 'A' });
        await tx.flush();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await logLines(t.orm)).toEqual([]);
    expect(await t.orm.em.fork().count(Author)).toBe(0);
  });

  it('logs a flush inside em.transactional() once, committed with the data', async () => {
    await t.orm.em.fork().transactional(async (tx) => {
      tx.create(Author, { email: 'a@x', name: 'A' });
      await tx.flush();
      tx.create(Author, { email: 'b@x', name: 'B' });
    });
    expect(await logLines(t.orm)).toEqual(['create Author 1', 'create Author 2']);
  });

  it('logs many-to-many links from the owning side, the inverse side and clear()', async () => {
    const em = t.orm.em.fork();
    const author = em.create(Author, { email: 'a@x', name: 'A' });
    const book = em.create(Book, { title: 'T', author });
    const other = em.create(Book, { title: 'U', author });
    const tag = em.create(Tag, { name: 'x' });
    await em.flush();
    book.tags.add(tag);
    await em.flush();

    // inverse side only, in a fresh context where the owning collections are not loaded
    const em2 = t.orm.em.fork();
    const tag2 = await em2.findOneOrFail(Tag, { name: 'x' }, { populate: ['books'] });
    tag2.books.add(em2.getReference(Book, other.id));
    await em2.flush();

    const em3 = t.orm.em.fork();
    const book3 = await em3.findOneOrFail(Book, { title: 'T' }, { populate: ['tags'] });
    book3.tags.removeAll();
    await em3.flush();

    const lines = await logLines(t.orm);
    expect(lines.slice(4)).toEqual([
      `link Book ${book.id} tags`,
      `link Book ${other.id} tags`,
      `link Book ${book.id} tags`,
    ]);
  });

  it('logs custom pivot entities and self-referencing many-to-many', async () => {
    const em = t.orm.em.fork();
    const s = em.create(Student, { name: 'S' });
    const c = em.create(Course, { code: 'C1' });
    const c2 = em.create(Course, { code: 'C2' });
    const p1 = em.create(Person, { name: 'P1' });
    const p2 = em.create(Person, { name: 'P2' });
    await em.flush();
    s.courses.add(c);
    em.create(Enrollment, { student: s, course: c2, grade: 'A' });
    p1.friends.add(p2);
    await em.flush();
    const lines = await logLines(t.orm);
    expect(lines.slice(5).sort()).toEqual(
      [
        `create Enrollment [${s.id},${c2.id}]`,
        `link Person ${p1.id} friends`,
        `link Student ${s.id} courses`,
      ].sort(),
    );
  });

  it('logs em.upsert and em.upsertMany', async () => {
    const em = t.orm.em.fork();
    const a = await em.upsert(Author, { email: 'a@x', name: 'A' });
    await em.upsertMany(Author, [
      { email: 'a@x', name: 'A2' },
      { email: 'b@x', name: 'B' },
    ]);
    const ids = (await t.orm.em.fork().find(Author, {}, { orderBy: { id: 'asc' } })).map((x) => x.id);
    expect(ids[0]).toBe(a.id);
    expect(await logLines(t.orm)).toEqual([
      `update Author ${ids[0]}`,
      `update Author ${ids[0]}`,
      `update Author ${ids[1]}`,
    ]);
  });

  it('switches logging off for one async call tree only', async () => {
    const pause = () => new Promise((r) => setTimeout(r, 5));
    const flow = async (email: string) => {
      const em = t.orm.em.fork();
      em.create(Author, { email, name: email });
      await pause();
      await em.flush();
      await pause();
      const n = em.create(Note, { id: crypto.randomUUID(), text: email });
      await em.flush();
      return n;
    };
    const quietFlow = disableSynchroLog(flow);
    const [, logged] = await Promise.all([
      withoutSynchroLog(() => flow('quiet@x')),
      flow('loud@x'),
      quietFlow('q2@x'),
    ]);
    const lines = await logLines(t.orm);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(`create Note "${logged.id}"`);
    const logged1 = await t.orm.em.fork().findOneOrFail(Author, { email: 'loud@x' });
    expect(lines[0]).toBe(`create Author ${logged1.id}`);
    expect(await t.orm.em.fork().count(Author)).toBe(3);
  });

  it('never logs its own tables', async () => {
    const em = t.orm.em.fork();
    em.create(SynchroChange, { entity: 'X', action: 'update', pk: 1, createdAt: new Date() });
    await em.flush();
    expect(await logLines(t.orm)).toEqual(['update X 1']);
  });
});

describe.each(KINDS)('watched entities on %s', (kind) => {
  it('logs only the entities listed in `entities`', async () => {
    const t = await openOrm(
      kind,
      withSynchro({ entities: MODEL }, { remote: 'server', entities: [Author, 'Tag'] }),
    );
    try {
      const em = t.orm.em.fork();
      const author = em.create(Author, { email: 'a@x', name: 'A' });
      const book = em.create(Book, { title: 'T', author });
      book.tags.add(em.create(Tag, { name: 't' }));
      await em.flush();
      expect((await logLines(t.orm)).sort()).toEqual(['create Author 1', 'create Tag 1']);
    } finally {
      await t.close();
    }
  });
});
