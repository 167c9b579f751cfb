import type { SynchroStatus, SyncReport } from '@mikro-synchro/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAIRS } from '../support/databases.js';
import { Author } from './fixtures/model.js';
import { createProject, type TempProject } from './support/project.js';

async function renameAnn(project: TempProject, context: string, name: string): Promise<void> {
  const orm = await project.orm(context);
  const em = orm.em.fork();
  (await em.findOneOrFail(Author, { email: 'ann@example.com' })).name = name;
  await em.flush();
  await orm.close(true);
}

describe.each(PAIRS.filter((pair) => pair.remote !== 'mariadb'))('conflicts on $name', ({ remote }) => {
  let project: TempProject;

  beforeAll(async () => {
    project = await createProject({
      contexts: [
        { name: 'default', kind: 'sqlite', synchro: { remote: 'server', conflicts: 'manual' } },
        // REMOTE logs its own changes, so a row changed on both sides is a conflict.
        { name: 'server', kind: remote as 'pglite' | 'postgresql', synchro: { remote: null } },
      ],
    });
    await project.createSchema('default', 'server');
    const orm = await project.orm('default');
    const em = orm.em.fork();
    em.create(Author, { email: 'ann@example.com', name: 'Ann' });
    await em.flush();
    await orm.close(true);
    expect((await project.run(['synchro:run'])).code).toBe(0);
  });

  afterAll(() => project.remove());

  it('exits 3 and lists the conflict when a manual policy leaves it pending', async () => {
    await renameAnn(project, 'server', 'Ann (server)');
    await renameAnn(project, 'default', 'Ann (office)');
    const json = await project.run(['synchro:run', '--json']);
    expect(json.code).toBe(3);
    const report = JSON.parse(json.stdout) as SyncReport;
    expect(report.status).toBe('conflicts');
    expect(report.conflicts.map((c) => [c.entity, c.resolution])).toEqual([['Author', 'pending']]);

    const human = await project.run(['synchro:run']);
    expect(human.code).toBe(3);
    expect(human.stdout).toContain('1 conflict(s) left pending:\n  - Author ');

    const status = JSON.parse((await project.run(['synchro:status', '--json'])).stdout) as SynchroStatus;
    expect(status.conflicts).toBe(1);
    const text = await project.run(['synchro:status']);
    expect(text.stdout).toMatch(/\nConflicts: {7}1\n {2}#\d+ Author /);
  });
});
