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

/** REMOTE adds a new tag to a book's collection; returns the tag's REMOTE id. */
async function remoteTag(p: TestPair, title: string, name: string): Promise<number> {
  const rem = p.remote.orm.em.fork();
  const book = await rem.findOneOrFail(Book, { title }, { populate: ['tags'] });
  const tag = rem.create(Tag, { name });
  book.tags.add(tag);
  await rem.flush();
  return tag.id;
}

/** Two synced books; then REMOTE adds a new tag t3 to b1, and LOCAL (later) adds t2. */
async function tagsOnBothSides(p: TestPair) {
  const synced = await twoBooks(p);
  const remoteT3 = await remoteTag(p, 'b1', 't3');
  await tick();
  synced.b1.tags.add(synced.t2);
  await synced.em.flush();
  return { ...synced, remoteT3 };
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

    it('a collection changed on both sides is a conflict: manual waits, showing both collections', async () => {
      const p = await openSyncPair(kinds, { conflicts: 'manual', writePath });
      try {
        const { em, t2, remoteT3 } = await tagsOnBothSides(p);
        const report = await synchronize(p.local.orm, p.remote.orm);
        expect(report.status).toBe('conflicts');
        const t1 = await em.findOneOrFail(Tag, { name: 't1' });
        const remoteT1 = await p.remote.orm.em.fork().findOneOrFail(Tag, { name: 't1' });
        expect(report.conflicts).toEqual([
          expect.objectContaining({ entity: 'Book', resolution: 'pending' }),
        ]);
        const [conflict] = report.conflicts;
        expect(conflict!.local.tags).toEqual([t1.id, t2.id].sort((a, b) => a - b));
        expect(conflict!.remote.tags).toEqual([remoteT1.id, remoteT3].sort((a, b) => a - b));
        // nothing of REMOTE's collection is replaced while the conflict waits
        expect(await remoteBooks(p)).toEqual(['b1 1 [t1,t3]', 'b2 1 [t1]']);
        const { pendingConflicts } = await synchroStatus(p.local.orm, p.remote.orm);
        expect(pendingConflicts.map((c) => c.local.tags)).toEqual([conflict!.local.tags]);
        await resolveConflict(p.local.orm, pendingConflicts[0]!.id, 'local');
        const again = await synchronize(p.local.orm, p.remote.orm);
        expect(again).toMatchObject({ status: 'synced' });
        expect(await remoteBooks(p)).toEqual(['b1 1 [t1,t2]', 'b2 1 [t1]']);
      } finally {
        await p.close();
      }
    });

    it('a person may answer a collection conflict with the LOCAL items to keep', async () => {
      const p = await openSyncPair(kinds, { conflicts: 'manual', writePath });
      try {
        const { t2 } = await tagsOnBothSides(p);
        await synchronize(p.local.orm, p.remote.orm);
        const { pendingConflicts } = await synchroStatus(p.local.orm, p.remote.orm);
        // LOCAL keys, as `local.tags` lists them: keep t2 only
        await resolveConflict(p.local.orm, pendingConflicts[0]!.id, { tags: [t2.id] });
        expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced' });
        expect(await remoteBooks(p)).toEqual(['b1 1 [t2]', 'b2 1 [t1]']);
        expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'no-changes' });
      } finally {
        await p.close();
      }
    });

    it.each([
      ['remote-wins', 'remote', 'b1 1 [t1,t3]'],
      ['local-wins', 'local', 'b1 1 [t1,t2]'],
      ['newer-wins', 'local', 'b1 1 [t1,t2]'],
    ] as const)('%s decides a collection changed on both sides: %s', async (policy, resolution, b1) => {
      const p = await openSyncPair(kinds, { conflicts: policy, writePath });
      try {
        await tagsOnBothSides(p); // LOCAL's change is the newer one
        const report = await synchronize(p.local.orm, p.remote.orm);
        expect(report.conflicts.map((c) => c.resolution)).toEqual([resolution]);
        expect(await remoteBooks(p)).toEqual([b1, 'b2 1 [t1]']);
      } finally {
        await p.close();
      }
    });

    it('once decided, the next LOCAL change of that collection is no conflict', async () => {
      const p = await openSyncPair(kinds, { conflicts: 'local-wins', writePath });
      try {
        const { em, b1, t2 } = await tagsOnBothSides(p);
        expect((await synchronize(p.local.orm, p.remote.orm)).conflicts).toHaveLength(1);
        b1.tags.remove(t2);
        await em.flush();
        expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({
          status: 'synced',
          conflicts: [],
        });
        expect(await remoteBooks(p)).toEqual(['b1 1 [t1]', 'b2 1 [t1]']);
      } finally {
        await p.close();
      }
    });

    it('a collection conflict decided for LOCAL while REMOTE also edited the values is decided once', async () => {
      const p = await openSyncPair(kinds, { conflicts: 'manual', writePath });
      try {
        const { em, b1, t2 } = await twoBooks(p);
        await remotePrice(p, 'b1', 5);
        await remoteTag(p, 'b1', 't3');
        await tick();
        b1.tags.add(t2);
        await em.flush();
        await synchronize(p.local.orm, p.remote.orm);
        const { pendingConflicts } = await synchroStatus(p.local.orm, p.remote.orm);
        await resolveConflict(p.local.orm, pendingConflicts[0]!.id, 'local');
        await synchronize(p.local.orm, p.remote.orm);
        // LOCAL's collection; REMOTE's price, which LOCAL did not change, stays
        expect(await remoteBooks(p)).toEqual(['b1 5 [t1,t2]', 'b2 1 [t1]']);
        b1.tags.remove(t2);
        await em.flush();
        expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({
          status: 'synced',
          conflicts: [],
        });
        expect(await remoteBooks(p)).toEqual(['b1 5 [t1]', 'b2 1 [t1]']);
      } finally {
        await p.close();
      }
    });

    it("a policy's merged values for a collection-only change write those values only", async () => {
      const p = await openSyncPair(kinds, { conflicts: () => ({ meta: { merged: true } }), writePath });
      try {
        const { em, b1, t2 } = await twoBooks(p);
        await remotePrice(p, 'b1', 5);
        await remoteTag(p, 'b1', 't3');
        await tick();
        b1.tags.add(t2);
        await em.flush();
        const report = await synchronize(p.local.orm, p.remote.orm);
        expect(report.conflicts.map((c) => c.resolution)).toEqual(['merged']);
        // the collection follows LOCAL; REMOTE's price is not replaced by LOCAL's older one
        expect(await remoteBooks(p)).toEqual(['b1 5 [t1,t2]', 'b2 1 [t1]']);
        const remote = await p.remote.orm.em.fork().findOneOrFail(Book, { title: 'b1' });
        expect(remote.meta).toEqual({ merged: true });
      } finally {
        await p.close();
      }
    });

    it('merged values for a collection-only change leave the relations REMOTE holds', async () => {
      const p = await openSyncPair(kinds, { conflicts: () => ({ meta: { merged: true } }), writePath });
      try {
        const { em, b1, t2 } = await twoBooks(p);
        const rem = p.remote.orm.em.fork();
        const moved = await rem.findOneOrFail(Book, { title: 'b1' }, { populate: ['tags'] });
        moved.author = rem.create(Author, { email: 'r@x', name: 'R' });
        moved.tags.add(rem.create(Tag, { name: 't3' }));
        await rem.flush();
        await tick();
        b1.tags.add(t2);
        await em.flush();
        const report = await synchronize(p.local.orm, p.remote.orm);
        expect(report.conflicts.map((c) => c.resolution)).toEqual(['merged']);
        const after = await p.remote.orm.em
          .fork()
          .findOneOrFail(Book, { title: 'b1' }, { populate: ['author'] });
        expect([after.author.email, after.meta]).toEqual(['r@x', { merged: true }]);
      } finally {
        await p.close();
      }
    });

    it("REMOTE changing another row's collection is no conflict; a later change of the row's own is", async () => {
      const p = await openSyncPair(kinds, { conflicts: 'manual', writePath });
      try {
        const { em, b1, t2 } = await twoBooks(p);
        await remoteTag(p, 'b2', 't3');
        await tick();
        b1.tags.add(t2);
        await em.flush();
        const report = await synchronize(p.local.orm, p.remote.orm);
        expect(report).toMatchObject({ status: 'synced', conflicts: [] });
        expect(await remoteBooks(p)).toEqual(['b1 1 [t1,t2]', 'b2 1 [t1,t3]']);
        // a REMOTE edit after that sync is checked from there: a later LOCAL change of the collection conflicts
        await remoteTag(p, 'b1', 't4');
        await tick();
        b1.tags.remove(t2);
        await em.flush();
        const next = await synchronize(p.local.orm, p.remote.orm);
        expect(next.conflicts.map((c) => c.resolution)).toEqual(['pending']);
        expect(await remoteBooks(p)).toEqual(['b1 1 [t1,t2,t4]', 'b2 1 [t1,t3]']);
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

    it('a pivot-entity collection changed through the collection on both sides is a conflict', async () => {
      const p = await openSyncPair(kinds, { conflicts: 'manual', writePath });
      try {
        const em = p.local.orm.em.fork();
        const s = em.create(Student, { name: 'S' });
        const [c1, c2] = [em.create(Course, { code: 'C1' }), em.create(Course, { code: 'C2' })];
        em.create(Course, { code: 'C3' });
        s.courses.add(c1);
        await em.flush();
        await synchronize(p.local.orm, p.remote.orm);
        const rem = p.remote.orm.em.fork();
        const remoteStudent = await rem.findOneOrFail(Student, { name: 'S' }, { populate: ['courses'] });
        remoteStudent.courses.add(await rem.findOneOrFail(Course, { code: 'C3' }));
        await rem.flush();
        await tick();
        s.courses.add(c2);
        await em.flush();
        const report = await synchronize(p.local.orm, p.remote.orm);
        expect(report.conflicts).toEqual([
          expect.objectContaining({ entity: 'Student', resolution: 'pending' }),
        ]);
        expect(report.conflicts[0]!.local.courses).toEqual([c1.id, c2.id].sort((a, b) => a - b));
        expect(report.conflicts[0]!.remote.courses).toHaveLength(2);
        const codes = await p.remote.orm.em
          .fork()
          .find(Enrollment, {}, { populate: ['course'], orderBy: { course: { code: 'asc' } } });
        expect(codes.map((r) => r.course.code)).toEqual(['C1', 'C3']);
      } finally {
        await p.close();
      }
    });

    it('a pivot row REMOTE made as an entity is a conflict for a LOCAL change of the collection', async () => {
      const p = await openSyncPair(kinds, { conflicts: 'manual', writePath });
      try {
        const em = p.local.orm.em.fork();
        const s = em.create(Student, { name: 'S' });
        const [c1, c2] = [em.create(Course, { code: 'C1' }), em.create(Course, { code: 'C2' })];
        em.create(Course, { code: 'C3' });
        s.courses.add(c1);
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
        s.courses.add(c2);
        await em.flush();
        const report = await synchronize(p.local.orm, p.remote.orm);
        expect(report.conflicts).toEqual([
          expect.objectContaining({ entity: 'Student', resolution: 'pending' }),
        ]);
        const rows = await p.remote.orm.em
          .fork()
          .find(Enrollment, {}, { populate: ['course'], orderBy: { course: { code: 'asc' } } });
        expect(rows.map((r) => `${r.course.code} ${r.grade}`)).toEqual(['C1 null', 'C3 REMOTE']);
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
