import { defineEntity, p as prop } from '@mikro-orm/core';
import { type ConflictPolicy, synchronize, withoutSynchroLog } from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import { Author, Book, Course, Enrollment, Person, Student, Tag } from '../support/model.js';
import type { TestPair } from '../support/orm.js';
import { openSyncPair, PATH_PAIRS } from '../support/sync.js';

/** REMOTE's books as `title price [tags]`. */
async function remoteBooks(p: TestPair): Promise<string[]> {
  const books = await p.remote.orm.em
    .fork()
    .find(Book, {}, { populate: ['tags'], orderBy: { title: 'asc' } });
  return books.map((b) => `${b.title} ${b.price} [${b.tags.map((t) => t.name).sort()}]`);
}

/** REMOTE's enrollments as `student course grade`. */
async function remoteEnrollments(p: TestPair): Promise<string[]> {
  const rows = await p.remote.orm.em
    .fork()
    .find(Enrollment, {}, { populate: ['student', 'course'], orderBy: { course: { code: 'asc' } } });
  return rows.map((r) => `${r.student.name} ${r.course.code} ${r.grade}`);
}

/** Book B (price 1, tags t1 and t2) made at LOCAL and synced, then deleted on REMOTE. */
async function taggedBookDeletedOnRemote(p: TestPair) {
  const em = p.local.orm.em.fork();
  const author = em.create(Author, { email: 'a@x', name: 'A' });
  const tags = [em.create(Tag, { name: 't1' }), em.create(Tag, { name: 't2' })];
  const book = em.create(Book, { title: 'B', author, price: 1, tags });
  await em.flush();
  await synchronize(p.local.orm, p.remote.orm);
  const rem = p.remote.orm.em.fork();
  rem.remove(await rem.findOneOrFail(Book, { title: 'B' }));
  await rem.flush();
  return { em, book, tags };
}

// A row the sync creates on REMOTE is created whole: with the items of its many-to-many collections, not only
// with the values LOCAL changed. Before, only collections changed in the same batch came along, so a row made
// again over REMOTE's delete, or one that only LOCAL had, arrived with empty collections and stayed so.
describe.each(PATH_PAIRS)('rows the sync creates on REMOTE carry their collections $name $path', (pair) => {
  const open = (conflicts: ConflictPolicy | Record<string, ConflictPolicy> = 'local-wins') =>
    openSyncPair(pair, { conflicts, writePath: pair.path });

  it('a row REMOTE deleted, made again by a decision for LOCAL, comes back with its tags', async () => {
    const p = await open();
    try {
      const { em, book } = await taggedBookDeletedOnRemote(p);
      book.price = 2;
      await em.flush();

      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts).toEqual([
        expect.objectContaining({ entity: 'Book', remote: {}, resolution: 'local' }),
      ]);
      expect(report).toMatchObject({ status: 'synced', created: 1 });
      expect(await remoteBooks(p)).toEqual(['B 2 [t1,t2]']);
    } finally {
      await p.close();
    }
  });

  it('a row REMOTE never had, changed at LOCAL after an unlogged import, arrives with its tags', async () => {
    const p = await open();
    try {
      const em = p.local.orm.em.fork();
      const book = await withoutSynchroLog(async () => {
        const author = em.create(Author, { email: 'a@x', name: 'A' });
        const tags = [em.create(Tag, { name: 't1' }), em.create(Tag, { name: 't2' })];
        const made = em.create(Book, { title: 'B', author, price: 1, tags });
        await em.flush();
        return made;
      });
      book.price = 2;
      await em.flush();

      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', conflicts: [] });
      expect(await remoteBooks(p)).toEqual(['B 2 [t1,t2]']);
      // the collection is the row's own from now on: a later LOCAL change of it is synced as usual
      book.tags.remove(book.tags.getItems().find((t) => t.name === 't1')!);
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      expect(await remoteBooks(p)).toEqual(['B 2 [t2]']);
    } finally {
      await p.close();
    }
  });

  it('an item REMOTE lacks is created with its own collection, and so are the items of that', async () => {
    const p = await open();
    try {
      const em = p.local.orm.em.fork();
      const bob = await withoutSynchroLog(async () => {
        const made = em.create(Person, { name: 'bob' });
        made.friends.add(em.create(Person, { name: 'carol' }));
        await em.flush();
        return made;
      });
      // only alice is logged; bob and carol were made before logging
      em.create(Person, { name: 'alice' }).friends.add(bob);
      await em.flush();

      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', created: 3 });
      const people = await p.remote.orm.em
        .fork()
        .find(Person, {}, { populate: ['friends'], orderBy: { name: 'asc' } });
      expect(people.map((x) => `${x.name} [${x.friends.map((f) => f.name)}]`)).toEqual([
        'alice [bob]',
        'bob [carol]',
        'carol []',
      ]);
    } finally {
      await p.close();
    }
  });

  it('a pivot-entity collection comes back with its rows and their extra columns', async () => {
    const p = await open();
    try {
      const em = p.local.orm.em.fork();
      const s = em.create(Student, { name: 'S' });
      const [c1, c2] = [em.create(Course, { code: 'C1' }), em.create(Course, { code: 'C2' })];
      em.create(Enrollment, { student: s, course: c1, grade: 'A' });
      em.create(Enrollment, { student: s, course: c2, grade: 'B' });
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      expect(await remoteEnrollments(p)).toEqual(['S C1 A', 'S C2 B']);
      const rem = p.remote.orm.em.fork();
      const gone = await rem.findOneOrFail(Student, { name: 'S' });
      for (const row of await rem.find(Enrollment, { student: gone })) rem.remove(row);
      rem.remove(gone);
      await rem.flush();
      s.name = 'S2';
      await em.flush();

      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts).toEqual([
        expect.objectContaining({ entity: 'Student', remote: {}, resolution: 'local' }),
      ]);
      expect(report.status).toBe('synced');
      expect(await remoteEnrollments(p)).toEqual(['S2 C1 A', 'S2 C2 B']);
    } finally {
      await p.close();
    }
  });

  it('an item a conflict keeps off REMOTE is left out of the collection of a row made again', async () => {
    const p = await open({ Book: 'local-wins', Tag: 'manual' });
    try {
      const { em, book, tags } = await taggedBookDeletedOnRemote(p);
      const t2 = tags[1]!;
      // the server deletes t2 too; the office edits both
      const rem = p.remote.orm.em.fork();
      rem.remove(await rem.findOneOrFail(Tag, { name: 't2' }));
      await rem.flush();
      book.price = 2;
      t2.name = 't2 again';
      await em.flush();

      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts.map((c) => [c.entity, c.resolution]).sort()).toEqual([
        ['Book', 'local'],
        ['Tag', 'pending'],
      ]);
      expect(await remoteBooks(p)).toEqual(['B 2 [t1]']);
      expect((await p.remote.orm.em.fork().find(Tag, {})).map((t) => t.name)).toEqual(['t1']);
    } finally {
      await p.close();
    }
  });

  it('a pivot row pointing at a row a conflict keeps off REMOTE is left out', async () => {
    const p = await open({ Student: 'local-wins', Course: 'manual' });
    try {
      const em = p.local.orm.em.fork();
      const s = em.create(Student, { name: 'S' });
      const [c1, c2] = [em.create(Course, { code: 'C1' }), em.create(Course, { code: 'C2' })];
      em.create(Enrollment, { student: s, course: c1, grade: 'A' });
      em.create(Enrollment, { student: s, course: c2, grade: 'B' });
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      const rem = p.remote.orm.em.fork();
      for (const row of await rem.find(Enrollment, {})) rem.remove(row);
      rem.remove(await rem.findOneOrFail(Student, { name: 'S' }));
      rem.remove(await rem.findOneOrFail(Course, { code: 'C2' }));
      await rem.flush();
      s.name = 'S2';
      c2.code = 'C2 again';
      await em.flush();

      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts.map((c) => [c.entity, c.resolution]).sort()).toEqual([
        ['Course', 'pending'],
        ['Student', 'local'],
      ]);
      expect(await remoteEnrollments(p)).toEqual(['S2 C1 A']);
    } finally {
      await p.close();
    }
  });
});

/** A row made again whose completed collection holds a row REMOTE lacks, which points at a row kept off REMOTE. */
const Dept = defineEntity({
  name: 'Dept',
  properties: { id: prop.integer().primary(), name: prop.string().unique() },
});
const Skill = defineEntity({
  name: 'Skill',
  properties: { id: prop.integer().primary(), name: prop.string().unique() },
});
const Worker = defineEntity({
  name: 'Worker',
  properties: {
    id: prop.integer().primary(),
    email: prop.string().unique(),
    dept: () => prop.manyToOne(Dept),
    skills: () => prop.manyToMany(Skill).pivotEntity(() => Mastery),
  },
});
const Mastery = defineEntity({
  name: 'Mastery',
  properties: {
    worker: () => prop.manyToOne(Worker).primary(),
    skill: () => prop.manyToOne(Skill).primary(),
    level: prop.integer().nullable(),
  },
});
const Project = defineEntity({
  name: 'Project',
  properties: {
    id: prop.integer().primary(),
    code: prop.string().unique(),
    budget: prop.integer(),
    members: () => prop.manyToMany(Worker),
  },
});

describe.each(PATH_PAIRS)('a completed collection reaching a row kept off REMOTE $name $path', (pair) => {
  it('leaves out the new row pointing at it, with its pivot rows and what they need, and writes the rest', async () => {
    const p = await openSyncPair(
      pair,
      { conflicts: { Project: 'local-wins', Dept: 'manual' }, writePath: pair.path },
      {},
      [Dept, Skill, Worker, Mastery, Project],
    );
    try {
      const em = p.local.orm.em.fork();
      const dept = em.create(Dept, { name: 'D' });
      const project = em.create(Project, { code: 'P', budget: 1 });
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      // made at LOCAL without logging: a worker of D with a skill, and a member of P
      await withoutSynchroLog(async () => {
        const worker = em.create(Worker, { email: 'w@x', dept });
        em.create(Mastery, { worker, skill: em.create(Skill, { name: 'S' }), level: 3 });
        project.members.add(worker);
        await em.flush();
      });
      // the server deletes P and D; the office edits both
      const rem = p.remote.orm.em.fork();
      rem.remove(await rem.findOneOrFail(Project, { code: 'P' }));
      rem.remove(await rem.findOneOrFail(Dept, { name: 'D' }));
      await rem.flush();
      project.budget = 2;
      dept.name = 'D again';
      await em.flush();

      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts.map((c) => [c.entity, c.resolution]).sort()).toEqual([
        ['Dept', 'pending'],
        ['Project', 'local'],
      ]);
      const server = p.remote.orm.em.fork();
      const projects = await server.find(Project, {}, { populate: ['members'] });
      expect(projects.map((x) => `${x.code} ${x.budget} [${x.members.map((m) => m.email)}]`)).toEqual([
        'P 2 []',
      ]);
      expect(await server.count(Worker, {})).toBe(0);
      expect(await server.count(Mastery, {})).toBe(0);
      // nor the skill, found only for the worker's pivot rows
      expect(await server.count(Skill, {})).toBe(0);
    } finally {
      await p.close();
    }
  });
});
