import type { MikroORM } from '@mikro-orm/core';
import type { SynchroStatus, SyncReport } from '@mikro-synchro/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAIRS } from '../support/databases.js';
import { Author, Book, Tag } from './fixtures/model.js';
import { errorLines } from './support/bin.js';
import { createProject, type TempProject } from './support/project.js';

/** Opens a context in-process, runs `fn`, and closes it again (PGlite allows one process at a time). */
async function withOrm<T>(project: TempProject, name: string, fn: (orm: MikroORM) => Promise<T>): Promise<T> {
  const orm = await project.orm(name);
  try {
    return await fn(orm);
  } finally {
    await orm.close(true);
  }
}

/** The whole stdout must be one JSON document. */
function parseJson<T>(stdout: string): T {
  return JSON.parse(stdout) as T;
}

describe.each(PAIRS.filter((pair) => pair.remote !== 'mariadb'))(
  'mikro-orm-synchro on $name',
  ({ local, remote }) => {
    let project: TempProject;

    beforeAll(async () => {
      project = await createProject({
        contexts: [
          { name: 'default', kind: local as 'sqlite', synchro: { remote: 'server' } },
          { name: 'server', kind: remote as 'pglite' | 'postgresql', synchro: { remote: null } },
        ],
      });
    });

    afterAll(() => project.remove());

    it('creates both schemas with the built-in schema:create', async () => {
      const office = await project.run(['schema:create', '--run']);
      const server = await project.run(['schema:create', '--run', '--context', 'server']);
      expect([office.code, server.code]).toEqual([0, 0]);
      expect(office.stdout).toContain('Schema successfully created');
      expect(server.stdout).toContain('Schema successfully created');
    });

    it('reports pending changes per entity', async () => {
      await withOrm(project, 'default', async (orm) => {
        const em = orm.em.fork();
        const ann = em.create(Author, { email: 'ann@example.com', name: 'Ann' });
        const bob = em.create(Author, { email: 'bob@example.com', name: 'Bob' });
        const [scifi, classic] = ['sci-fi', 'classic'].map((name) => em.create(Tag, { name }));
        em.create(Book, { title: 'Dune', author: ann, price: 9.5, tags: [scifi, classic] });
        em.create(Book, { title: 'Emma', author: bob, price: 7.25, tags: [classic] });
        await em.flush();
      });
      const result = await project.run(['synchro:status', '--json']);
      expect(result.code).toBe(0);
      const status = parseJson<SynchroStatus>(result.stdout);
      expect(status.remote).toBe('server');
      expect(status.pending).toMatchObject({ Author: 2, Tag: 2 });
      expect(status.pending.Book).toBeGreaterThanOrEqual(2);
      expect(status.lastRun).toBeUndefined();
    });

    it('--dry-run reports what it would write and writes nothing', async () => {
      const result = await project.run(['synchro:run', '--dry-run', '--json']);
      expect(result.code).toBe(0);
      const report = parseJson<SyncReport>(result.stdout);
      expect(report).toMatchObject({ created: 6, deleted: 0, errors: [] });
      expect(await withOrm(project, 'server', (orm) => orm.em.fork().count(Author))).toBe(0);
    });

    it('rejects an --entity that LOCAL does not log', async () => {
      const result = await project.run(['synchro:run', '--entity', 'Author', '--entity', 'Books']);
      expect(result.code).toBe(1);
      expect(errorLines(result)).toEqual([
        "Error: Unknown entity 'Books' for --entity: LOCAL 'default' logs Author, Book, Tag. " +
          'Use the entity (class) name, e.g. --entity Author.',
      ]);
    });

    it('--entity syncs only the named entities', async () => {
      const result = await project.run(['synchro:run', '--entity', 'Author', '--entity', 'Tag', '--json']);
      expect(result.code).toBe(0);
      expect(parseJson<SyncReport>(result.stdout)).toMatchObject({ status: 'synced', created: 4 });
      const counts = await withOrm(project, 'server', async (orm) => {
        const em = orm.em.fork();
        return [await em.count(Author), await em.count(Tag), await em.count(Book)];
      });
      expect(counts).toEqual([2, 2, 0]);
    });

    it('--json prints only the SyncReport and exits 0 when synced', async () => {
      const result = await project.run(['synchro:run', '--json']);
      expect(result.code).toBe(0);
      expect(result.stderr).not.toContain('Syncing');
      const report = parseJson<SyncReport>(result.stdout);
      expect(report).toMatchObject({
        status: 'synced',
        created: 2,
        updated: 0,
        deleted: 0,
        conflicts: [],
        errors: [],
      });
      const books = await withOrm(project, 'server', (orm) =>
        orm.em.fork().find(Book, {}, { populate: ['author', 'tags'], orderBy: { title: 'asc' } }),
      );
      expect(
        books.map((b) => [
          b.title,
          b.author.email,
          b.price,
          b.tags
            .getItems()
            .map((t) => t.name)
            .sort(),
        ]),
      ).toEqual([
        ['Dune', 'ann@example.com', 9.5, ['classic', 'sci-fi']],
        ['Emma', 'bob@example.com', 7.25, ['classic']],
      ]);
    });

    it('says so when there is nothing to sync', async () => {
      const result = await project.run(['synchro:run']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^No changes to synchronize from 'default' to 'server' \(\d+ ms\)\.\n$/);
    });

    it('prints a human summary of updates and deletes', async () => {
      await withOrm(project, 'default', async (orm) => {
        const em = orm.em.fork();
        const dune = await em.findOneOrFail(Book, { title: 'Dune' });
        dune.price = 11;
        em.remove(await em.findOneOrFail(Book, { title: 'Emma' }));
        await em.flush();
      });
      const result = await project.run(['synchro:run']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /^Synchronized 'default' → 'server' in [\d.]+ m?s: 0 created, 1 updated, 1 deleted, \d+ linked, \d+ skipped\.\n$/,
      );
      const titles = await withOrm(project, 'server', async (orm) =>
        (await orm.em.fork().find(Book, {})).map((b) => [b.title, b.price]),
      );
      expect(titles).toEqual([['Dune', 11]]);
    });

    it('shows the last run in synchro:status', async () => {
      const result = await project.run(['synchro:status']);
      expect(result.code).toBe(0);
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines[0]).toBe("Synchro status of 'default' → 'server'");
      expect(lines[1]).toBe('Pending changes: 0');
      expect(lines[3]).toMatch(
        /^Last run: {8}\d{4}-\d\d-\d\dT[\d:.]+Z synced \(0 created, 1 updated, 1 deleted\)$/,
      );
      expect(lines[4]).toBe('Conflicts:       0');
    });

    it('synchro:reset --yes drops what is pending', async () => {
      await withOrm(project, 'default', async (orm) => {
        const em = orm.em.fork();
        em.create(Author, { email: 'cyd@example.com', name: 'Cyd' });
        await em.flush();
      });
      const before = parseJson<SynchroStatus>((await project.run(['synchro:status', '--json'])).stdout);
      expect(before.pending).toEqual({ Author: 1 });
      const reset = await project.run(['synchro:reset', '--yes']);
      expect(reset.code).toBe(0);
      expect(reset.stdout).toBe(
        "Synchro log of 'default' reset: the next sync starts with changes made from now on.\n",
      );
      const after = await project.run(['synchro:run', '--json']);
      expect(parseJson<SyncReport>(after.stdout).status).toBe('no-changes');
      expect(
        await withOrm(project, 'server', (orm) => orm.em.fork().count(Author, { email: 'cyd@example.com' })),
      ).toBe(0);
    });

    it('a run after --entity applies every deferred change, whatever --batch-size', async () => {
      await withOrm(project, 'default', async (orm) => {
        const em = orm.em.fork();
        const dee = em.create(Author, { email: 'dee@example.com', name: 'Dee' });
        for (const title of ['Ada', 'Bea', 'Cleo']) em.create(Book, { title, author: dee, price: 5 });
        await em.flush();
      });
      const authors = await project.run(['synchro:run', '--entity', 'Author', '--json']);
      expect(parseJson<SyncReport>(authors.stdout)).toMatchObject({ status: 'synced', created: 1 });
      const rest = await project.run(['synchro:run', '--batch-size', '1', '--json']);
      expect(parseJson<SyncReport>(rest.stdout)).toMatchObject({ status: 'synced', created: 3 });
      const books = await withOrm(project, 'server', (orm) =>
        orm.em.fork().count(Book, { author: { email: 'dee@example.com' } }),
      );
      expect(books).toBe(3);
    });

    it('exits 1 with status failed when REMOTE rejects a row', async () => {
      await withOrm(project, 'server', (orm) =>
        orm.em
          .getConnection()
          .execute('alter table author add constraint author_short_name check (length(name) < 20)'),
      );
      await withOrm(project, 'default', async (orm) => {
        const em = orm.em.fork();
        em.create(Author, { email: 'long@example.com', name: 'A name far too long for the server' });
        await em.flush();
      });
      const result = await project.run(['synchro:run', '--json']);
      expect(result.code).toBe(1);
      const report = parseJson<SyncReport>(result.stdout);
      expect(report.status).toBe('failed');
      expect(report.errors).toHaveLength(1);
      expect(report.errors[0]!.message).toContain('author_short_name');
      const human = await project.run(['synchro:run']);
      expect(human.code).toBe(1);
      expect(human.stdout).toMatch(/^Synchronization 'default' → 'server' failed after /);
      expect(human.stdout).toContain('1 error(s):\n  - ');
    });
  },
);
