import { SYNCHRO_ENTITIES } from '@mikro-synchro/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorLines } from './support/bin.js';
import { createProject, type TempProject } from './support/project.js';

/** Every table withSynchro() adds, in the order the message lists them. */
const SYNCHRO_TABLES = SYNCHRO_ENTITIES.map((entity) => entity.meta.tableName)
  .sort()
  .join(', ');

/** Every user mistake is one `Error:` line on stderr, exit code 1, and no stack trace. */
function expectUserError(result: { code: number | null; stderr: string; stdout: string }, message: string) {
  expect(errorLines(result)).toEqual([`Error: ${message}`]);
  expect(result.code).toBe(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout).toBe('');
}

describe('CLI errors', () => {
  let project: TempProject;

  beforeAll(async () => {
    project = await createProject({
      contexts: [
        { name: 'default', kind: 'sqlite', synchro: { remote: 'server' } },
        { name: 'server', kind: 'pglite' },
        { name: 'logger', kind: 'sqlite', synchro: { remote: null } },
        { name: 'silent', kind: 'sqlite', synchro: { quiet: true } },
        { name: 'plain', kind: 'sqlite', synchro: false },
        {
          name: 'down',
          kind: 'postgresql',
          connection: { host: '127.0.0.1', port: 1, dbName: 'synchro_down' },
        },
        { name: 'nowhere', kind: 'sqlite', connection: { dbName: '/nonexistent-synchro-dir/office.sqlite' } },
      ],
    });
  });

  afterAll(() => project.remove());

  it('names the missing REMOTE when SynchroOptions.remote is null', async () => {
    expectUserError(
      await project.run(['synchro:run', '--context', 'logger']),
      "No REMOTE configured for context 'logger': its withSynchro() sets remote to null (this database only logs). " +
        "Pass --remote <contextName>, or set withSynchro(config, { remote: '<contextName>' }) in the config of 'logger'.",
    );
  });

  it('names the missing REMOTE when SynchroOptions.remote is not set', async () => {
    expectUserError(
      await project.run(['synchro:run', '--context', 'silent']),
      "No REMOTE configured for context 'silent': its withSynchro() does not set remote. " +
        "Pass --remote <contextName>, or set withSynchro(config, { remote: '<contextName>' }) in the config of 'silent'.",
    );
  });

  it('lists the contexts that exist when --remote names an unknown one', async () => {
    expectUserError(
      await project.run(['synchro:run', '--remote', 'serverr']),
      `Unknown contextName 'serverr' for REMOTE (--remote): ${project.configPath} defines default, server, ` +
        "logger, silent, plain, down, nowhere. Use one of these, or add a config with contextName 'serverr'.",
    );
  });

  it('lists the contexts that exist when --context names an unknown one', async () => {
    expectUserError(
      await project.run(['synchro:status', '--context', 'office']),
      `Unknown contextName 'office' for LOCAL (--context): ${project.configPath} defines default, server, ` +
        "logger, silent, plain, down, nowhere. Use one of these, or add a config with contextName 'office'.",
    );
  });

  it('says which database is unreachable, with host and port', async () => {
    expectUserError(
      await project.run(['synchro:run', '--context', 'logger', '--remote', 'down']),
      "Cannot connect to the REMOTE database of context 'down' (postgresql at 127.0.0.1:1, database " +
        "'synchro_down'): connect ECONNREFUSED 127.0.0.1:1. Check that it is running and reachable, and the " +
        "connection settings of 'down'.",
    );
  });

  it('says which file-based database cannot be opened', async () => {
    expectUserError(
      await project.run(['synchro:status', '--context', 'nowhere', '--remote', 'server']),
      "Cannot connect to the LOCAL database of context 'nowhere' (sqlite at /nonexistent-synchro-dir/office.sqlite): " +
        'Cannot open database because the directory does not exist. Check that it is running and reachable, and ' +
        "the connection settings of 'nowhere'.",
    );
  });

  it('tells the command that creates missing synchro tables', async () => {
    const result = await project.run(['synchro:run']);
    expectUserError(
      result,
      `The synchro tables are missing on LOCAL 'default' (${SYNCHRO_TABLES}): create them with ` +
        '`npx mikro-orm-synchro schema:update --run --context default` (or a migration).',
    );
  });

  it('names the REMOTE whose synchro tables are missing, with --config in the command', async () => {
    await project.createSchema('logger');
    const result = await project.run([
      'synchro:run',
      '--config',
      project.configPath,
      '-q',
      '--context',
      'logger',
      '--remote',
      'server',
    ]);
    expectUserError(
      result,
      `The synchro tables are missing on REMOTE 'server' (${SYNCHRO_TABLES}): create them with ` +
        `\`npx mikro-orm-synchro schema:update --run --context server --config ${project.configPath}\` (or a migration).`,
    );
  });

  it('rejects a config without withSynchro()', async () => {
    expectUserError(
      await project.run(['synchro:status', '--context', 'plain']),
      "Context 'plain' (LOCAL) is not configured with withSynchro(): wrap its config as " +
        "withSynchro(config, { remote: '<contextName>' }) so the synchro entities and the change-log subscriber are registered.",
    );
  });

  it('rejects syncing a context into itself', async () => {
    expectUserError(
      await project.run(['synchro:run', '--remote', 'default']),
      "REMOTE and LOCAL are both context 'default': a database cannot be synchronized into itself; " +
        'pass --remote <contextName> of the other database.',
    );
  });

  it('refuses synchro:reset without a TTY and without --yes', async () => {
    expectUserError(
      await project.run(['synchro:reset'], { input: 'y\n' }),
      "Refusing to reset the synchro log of 'default' without confirmation: stdin is not a TTY. Re-run with --yes to confirm.",
    );
  });

  it('rejects a batch size that is not a positive integer', async () => {
    expectUserError(
      await project.run(['synchro:run', '--batch-size', '0']),
      'Invalid --batch-size: 0; expected a positive integer.',
    );
  });

  it('shows the help and the problem for an unknown option', async () => {
    const result = await project.run(['synchro:run', '--dryrun']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('mikro-orm-synchro synchro:run');
    expect(result.stderr.trim().split('\n').at(-1)).toBe('Unknown argument: dryrun');
    expect(result.stdout).toBe('');
  });

  it('suggests the command for a typo', async () => {
    const result = await project.run(['synchro:rn']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toBe('Did you mean synchro:run?');
  });
});
