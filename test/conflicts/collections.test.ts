import { resolveConflict, synchronize, synchroStatus } from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import { PAIRS } from '../support/databases.js';
import { Author, Book, Course, Enrollment, Student, Tag } from '../support/model.js';
import type { TestPair } from '../support/orm.js';
import { openSyncPair } from '../support/sync.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

/** REMOTE's books as `title price [tags]`. */
async function remoteBooks(p: TestPair): Promise<string[]> {
  const books = await p.remote.orm.em
    .fork()
    .find(Book, {}, { populate: ['tags'], orderBy: { title: 'asc' } });
  return books.map((b) => `${b.title} ${b.price} [${b.tags.map((t) => t.name).sort()}]`);
}

/** Two books (price 1, tag t1) synced; returns LOCAL's EntityManager, the books and a second tag. */
async function twoBooks(p: TestPair) {
  const em = p.local.orm.em.fork();
  const author = em.create(Author, { email: 'a@x', name: 'A' });
  const t1 = em.create(Tag, { name: 't1' });
  const t2 = em.create(Tag, { name: 't2' });
  const b1 = em.create(Book, { title: 'b1', author, price: 1, tags: [t1] });
  const b2 = em.create(Book, { title: 'b2', author, price: 1, tags: [t1] });
  await em.flush();
  await synchronize(p.local.orm, p.remote.orm);
  return { em, b1, b2, t2 };
}

/** REMOTE edits a book's price. */
async function remotePrice(p: TestPair, title: string, price: number) {
  const rem = p.remote.orm.em.fork();
  (await rem.findOneOrFail(Book, { title })).price = price;
  await rem.flush();
}

describe.each(PAIRS)('conflicts and collections $name', (kinds) => {
  describe.each(['bulk', 'unit-of-work'] as const)('%s path', (writePath) => {
    it.each(['manual', 'remote-wins'] as const)(
      '%s: a row kept on REMOTE keeps its collection too; the other rows are written',
      async (policy) => {
        const p = await openSyncPair(kinds, { conflicts: policy, writePath });
        try {
          const { em, b1, b2, t2 } = await twoBooks(p);
          await remotePrice(p, 'b1', 5);
          await tick();
          b1.price = 2;
          b1.tags.add(t2);
          b2.price = 3;
          await em.flush();
          const report = await synchronize(p.local.orm, p.remote.orm);
          expect(report.conflicts.map((c) => c.resolution)).toEqual([
            policy === 'manual' ? 'pending' : 'remote',
          ]);
          expect(await remoteBooks(p)).toEqual(['b1 5 [t1]', 'b2 3 [t1]']);
          if (policy === 'manual') {
            // the person decides for LOCAL: the value and the collection change both arrive
            const { pendingConflicts } = await synchroStatus(p.local.orm, p.remote.orm);
            await resolveConflict(p.local.orm, pendingConflicts[0]!.id, 'local');
            await synchronize(p.local.orm, p.remote.orm);
            expect(await remoteBooks(p)).toEqual(['b1 2 [t1,t2]', 'b2 3 [t1]']);
          }
        } finally {
          await p.close();
        }
      },
    );

    it('a LOCAL change of a collection only does not write the row, so a REMOTE edit of its values stays', async () => {
      const p = await openSyncPair(kinds, { conflicts: 'manual', writePath });
      try {
        const { em, b1, b2, t2 } = await twoBooks(p);
        await remotePrice(p, 'b1', 5);
        await tick();
        b1.tags.add(t2);
        b2.price = 3;
        await em.flush();
        const report = await synchronize(p.local.orm, p.remote.orm);
        expect(report).toMatchObject({ status: 'synced', conflicts: [] });
        expect(await remoteBooks(p)).toEqual(['b1 5 [t1,t2]', 'b2 3 [t1]']);
        // REMOTE's edit is still a conflict for a later LOCAL edit of the row's values
        b1.price = 7;
        await em.flush();
        const next = await synchronize(p.local.orm, p.remote.orm);
        expect(next.conflicts.map((c) => c.resolution)).toEqual(['pending']);
        expect(await remoteBooks(p)).toEqual(['b1 5 [t1,t2]', 'b2 3 [t1]']);
      } finally {
        await p.close();
      }
    });

    it('a collection changed on both sides ends up as LOCAL has it: a documented limit, no conflict', async () => {
      const p = await openSyncPair(kinds, { conflicts: 'manual', writePath });
      try {
        const { em, b1, t2 } = await twoBooks(p);
        const rem = p.remote.orm.em.fork();
        const remoteBook = await rem.findOneOrFail(Book, { title: 'b1' });
        remoteBook.tags.add(rem.create(Tag, { name: 't3' }));
        await rem.flush();
        await tick();
        b1.tags.add(t2);
        await em.flush();
        const report = await synchronize(p.local.orm, p.remote.orm);
        expect(report).toMatchObject({ status: 'synced', conflicts: [] });
        // REMOTE's t3 is gone (docs/sync.md, "Many-to-many"): if this changes, update the docs
        expect(await remoteBooks(p)).toEqual(['b1 1 [t1,t2]', 'b2 1 [t1]']);
      } finally {
        await p.close();
      }
    });

    it('link rows created and removed as entities of their own on both sides are all kept', async () => {
      const p = await openSyncPair(kinds, { conflicts: 'manual', writePath });
      try {
        const em = p.local.orm.em.fork();
        const s = em.create(Student, { name: 'S' });
        const [c1, c2] = [em.create(Course, { code: 'C1' }), em.create(Course, { code: 'C2' })];
        em.create(Course, { code: 'C3' });
        const first = em.create(Enrollment, { student: s, course: c1, grade: 'A' });
        await em.flush();
        await synchronize(p.local.orm, p.remote.orm);
        const rem = p.remote.orm.em.fork();
        rem.create(Enrollment, {
          student: await rem.findOneOrFail(Student, { name: 'S' }),
          course: await rem.findOneOrFail(Course, { code: 'C3' }),
          grade: 'REMOTE',
        });
        await rem.flush();
        await tick();
        em.create(Enrollment, { student: s, course: c2, grade: 'B' });
        em.remove(first);
        await em.flush();
        const report = await synchronize(p.local.orm, p.remote.orm);
        expect(report).toMatchObject({ status: 'synced', conflicts: [] });
        const rows = await p.remote.orm.em
          .fork()
          .find(Enrollment, {}, { populate: ['course'], orderBy: { course: { code: 'asc' } } });
        expect(rows.map((r) => `${r.course.code} ${r.grade}`)).toEqual(['C2 B', 'C3 REMOTE']);
      } finally {
        await p.close();
      }
    });

    it('pivot-entity rows kept because the collection changed keep REMOTE values', async () => {
      const p = await openSyncPair(kinds, { conflicts: 'manual', writePath });
      try {
        const em = p.local.orm.em.fork();
        const s = em.create(Student, { name: 'S' });
        const [c1, c2] = [em.create(Course, { code: 'C1' }), em.create(Course, { code: 'C2' })];
        em.create(Enrollment, { student: s, course: c1, grade: 'A' });
        await em.flush();
        await synchronize(p.local.orm, p.remote.orm);
        const rem = p.remote.orm.em.fork();
        (await rem.findOneOrFail(Enrollment, { course: { code: 'C1' } })).grade = 'REMOTE';
        await rem.flush();
        await tick();
        s.courses.add(c2); // a link of the student: its pivot rows are synced with it
        await em.flush();
        await synchronize(p.local.orm, p.remote.orm);
        const rows = await p.remote.orm.em
          .fork()
          .find(Enrollment, {}, { populate: ['course'], orderBy: { course: { code: 'asc' } } });
        expect(rows.map((r) => `${r.course.code} ${r.grade}`)).toEqual(['C1 REMOTE', 'C2 null']);
      } finally {
        await p.close();
      }
    });
  });
});
