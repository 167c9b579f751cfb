import type { SynchroStatus } from '@mikro-synchro/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Author } from './fixtures/model.js';
import { errorLines } from './support/bin.js';
import { type ContextSpec, createProject, type ProjectOptions, type TempProject } from './support/project.js';

const CONTEXTS: ContextSpec[] = [
  { name: 'default', kind: 'sqlite', synchro: { remote: 'server' } },
  { name: 'server', kind: 'sqlite' },
];

describe('config discovery, as in MikroORM', () => {
  const projects: TempProject[] = [];

  async function project(options: Partial<ProjectOptions> = {}): Promise<TempProject> {
    const created = await createProject({ contexts: CONTEXTS, ...options });
    projects.push(created);
    await created.createSchema(...(options.contexts ?? CONTEXTS).map((c) => c.name));
    return created;
  }

  async function status(
    p: TempProject,
    args: string[] = [],
    env?: Record<string, string>,
  ): Promise<SynchroStatus> {
    const result = await p.run(['synchro:status', '--json', ...args], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as SynchroStatus;
  }

  afterEach(async () => {
    await Promise.all(projects.splice(0).map((p) => p.remove()));
  });

  it('finds ./mikro-orm.config.js and keeps the built-in debug command', async () => {
    const p = await project();
    const debug = await p.run(['debug']);
    expect(debug.code).toBe(0);
    expect(debug.stdout).toContain(`   - ${p.configPath} (found)`);
    expect(debug.stdout).toContain(' - searched for config name: default');
    expect(debug.stdout).toContain(' - configuration found');
    expect((await status(p)).remote).toBe('server');
  });

  it('finds a TypeScript config file, mikro-orm.config.ts', async () => {
    const p = await project({ file: 'mikro-orm.config.ts' });
    expect((await status(p)).remote).toBe('server');
  });

  it('reads configPaths from package.json', async () => {
    const p = await project({
      file: 'config/orm.config.js',
      packageJson: { 'mikro-orm': { configPaths: ['./config/orm.config.js'] } },
    });
    expect((await status(p)).remote).toBe('server');
  });

  it('reads MIKRO_ORM_CLI_CONFIG and --config', async () => {
    const p = await project({ file: 'elsewhere/sync.config.js' });
    expect((await status(p, [], { MIKRO_ORM_CLI_CONFIG: './elsewhere/sync.config.js' })).remote).toBe(
      'server',
    );
    expect((await status(p, ['--config', './elsewhere/sync.config.js'])).remote).toBe('server');
    const missing = await p.run(['synchro:status']);
    expect(missing.code).toBe(1);
    expect(errorLines(missing)).toEqual([
      'Error: No MikroORM config file found (searched ./src/mikro-orm.config.ts, ./mikro-orm.config.ts, ' +
        './src/mikro-orm.config.js, ./mikro-orm.config.js): create one that exports withSynchro() configs, or ' +
        'point to it with --config, configPaths in package.json or MIKRO_ORM_CLI_CONFIG.',
    ]);
  });

  it('takes LOCAL from --context or MIKRO_ORM_CONTEXT_NAME', async () => {
    const p = await project({
      contexts: [
        { name: 'office', kind: 'sqlite', synchro: { remote: 'server' } },
        { name: 'server', kind: 'sqlite' },
      ],
    });
    expect((await status(p, ['--context', 'office'])).remote).toBe('server');
    expect((await status(p, [], { MIKRO_ORM_CONTEXT_NAME: 'office' })).remote).toBe('server');
    const noDefault = await p.run(['synchro:status']);
    expect(errorLines(noDefault)).toEqual([
      `Error: Unknown contextName 'default' for LOCAL (the default context): ${p.configPath} defines office, ` +
        "server. Use one of these, or add a config with contextName 'default'.",
    ]);
  });

  it('--remote overrides SynchroOptions.remote, and status and runs follow it', async () => {
    const p = await project({
      contexts: [...CONTEXTS, { name: 'backup', kind: 'sqlite' }],
    });
    const orm = await p.orm('default');
    const em = orm.em.fork();
    em.create(Author, { email: 'ann@example.com', name: 'Ann' });
    await em.flush();
    await orm.close(true);

    const run = await p.run(['synchro:run', '--remote', 'backup']);
    expect(run.stdout).toMatch(/^Synchronized 'default' → 'backup' in /);
    const backup = await status(p, ['--remote', 'backup']);
    expect([backup.remote, backup.pending, backup.lastRun?.created]).toEqual(['backup', {}, 1]);
    const server = await status(p);
    expect([server.remote, server.pending, server.lastRun]).toEqual(['server', { Author: 1 }, undefined]);
  });
});
