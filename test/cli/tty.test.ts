import type { MikroORM } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Author } from './fixtures/model.js';
import { createProject, type TempProject } from './support/project.js';
import { HAS_SCRIPT, plain, runBinOnTty } from './support/pty.js';

async function addAuthors(project: TempProject, emails: string[]): Promise<void> {
  const orm: MikroORM = await project.orm('default');
  const em = orm.em.fork();
  for (const email of emails) em.create(Author, { email, name: email });
  await em.flush();
  await orm.close(true);
}

describe.skipIf(!HAS_SCRIPT)('on a terminal', () => {
  let project: TempProject;

  beforeAll(async () => {
    project = await createProject({
      contexts: [
        { name: 'default', kind: 'sqlite', synchro: { remote: 'server' } },
        { name: 'server', kind: 'pglite' },
      ],
    });
    await project.createSchema('default', 'server');
  });

  afterAll(() => project.remove());

  it('synchro:run draws a progress bar per batch, then the summary', async () => {
    await addAuthors(project, ['a@example.com', 'b@example.com', 'c@example.com']);
    const result = await runBinOnTty(['synchro:run', '--batch-size', '2'], { cwd: project.dir });
    expect(result.code).toBe(0);
    const output = plain(result.stdout);
    expect(output).toMatch(/Syncing \[[█░]+\] 66% \| 2\/3 changes \| Author/);
    expect(output).toMatch(/Syncing \[█+\] 100% \| 3\/3 changes \| Author/);
    expect(output.trimEnd().split('\n').at(-1)).toMatch(
      /^Synchronized 'default' → 'server' in [\d.]+ m?s: 3 created, 0 updated, 0 deleted, 0 linked, 0 skipped\.$/,
    );
  });

  it('synchro:run --quiet draws no progress bar', async () => {
    await addAuthors(project, ['d@example.com']);
    const result = await runBinOnTty(['synchro:run', '--quiet'], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(plain(result.stdout)).not.toContain('Syncing');
  });

  it('synchro:reset asks first, and a "n" keeps the log', async () => {
    await addAuthors(project, ['e@example.com', 'f@example.com']);
    const result = await runBinOnTty(['synchro:reset'], { cwd: project.dir, input: 'n\n' });
    expect(result.code).toBe(1);
    const output = plain(result.stdout);
    const question = `Reset the synchro log of 'default' (sqlite at ${project.dir}/default.sqlite)? Its `;
    expect(output).toContain(question);
    // The count is synchroStatus() without REMOTE: what is logged since the last run recorded on LOCAL.
    expect(output).toMatch(/Its \d+ logged change\(s\) are dropped and never synchronized\. \[y\/N\] /);
    expect(output.trimEnd().split('\n').at(-1)).toMatch(/Reset cancelled\.$/);
    const status = await runBinOnTty(['synchro:status', '--json'], { cwd: project.dir });
    expect(JSON.parse(plain(status.stdout)).pending).toEqual({ Author: 2 });
  });

  it('synchro:reset resets after a "y"', async () => {
    const result = await runBinOnTty(['synchro:reset'], { cwd: project.dir, input: 'y\n' });
    expect(result.code).toBe(0);
    expect(plain(result.stdout)).toMatch(
      /\[y\/N\] Synchro log of 'default' reset: the next sync starts with changes made from now on\.\n$/,
    );
    const status = await runBinOnTty(['synchro:status', '--json'], { cwd: project.dir });
    expect(JSON.parse(plain(status.stdout)).pending).toEqual({});
  });
});
