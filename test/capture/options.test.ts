import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SynchroConfigError, withSynchro } from '@mikro-synchro/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logLines } from '../support/log.js';
import { Author, MODEL } from '../support/model.js';
import { openOrm } from '../support/orm.js';

describe('withSynchro options', () => {
  afterEach(() => vi.restoreAllMocks());

  it('warns when remote is left undefined, and stays quiet for remote: null', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    withSynchro({ entities: MODEL }, { remote: null });
    expect(warn).not.toHaveBeenCalled();
    withSynchro({ entities: MODEL });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('SynchroOptions.remote is not set');
  });

  it('logs with remote undefined or null', async () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    for (const remote of [undefined, null]) {
      const t = await openOrm('sqlite', withSynchro({ entities: MODEL }, { remote }));
      const em = t.orm.em.fork();
      em.create(Author, { email: 'a@x', name: 'A' });
      await em.flush();
      expect(await logLines(t.orm)).toEqual(['create Author 1']);
      await t.close();
    }
  });

  it('rejects a bad batchSize and an unknown watched entity with the fix in the message', async () => {
    expect(() => withSynchro({}, { remote: null, batchSize: 0 })).toThrow(
      'Invalid SynchroOptions.batchSize: 0; expected a positive integer.',
    );
    const t = await openOrm('sqlite', withSynchro({ entities: MODEL }, { remote: null, entities: ['Nope'] }));
    try {
      const em = t.orm.em.fork();
      em.create(Author, { email: 'a@x', name: 'A' });
      const error = await em.flush().catch((e) => e);
      expect(error).toBeInstanceOf(SynchroConfigError);
      expect(error.message).toMatch(
        /^Unknown entity 'Nope' in SynchroOptions: known entities are .*\bAuthor\b.*\.$/,
      );
    } finally {
      await t.close();
    }
  });

  it('works on configs loaded by the MikroORM CLI, including an array with contextName', () => {
    // inside the repo, so the config file resolves the installed packages
    const root = new URL('../../.tmp/', import.meta.url).pathname;
    mkdirSync(root, { recursive: true });
    const dir = mkdtempSync(join(root, 'cli-config-'));
    const model = new URL('../support/model.ts', import.meta.url).pathname;
    // the built package, as a user's config file gets it (`npm test` builds first)
    const core = new URL('../../packages/core/dist/index.js', import.meta.url).pathname;
    const file = join(dir, 'mikro-orm.config.ts');
    writeFileSync(
      file,
      `import { SqliteDriver } from '@mikro-orm/sqlite';
import { withSynchro } from ${JSON.stringify(core)};
import { MODEL } from ${JSON.stringify(model)};
export default [
  withSynchro({ contextName: 'default', driver: SqliteDriver, dbName: ${JSON.stringify(join(dir, 'office.sqlite'))}, entities: MODEL }, { remote: 'server' }),
  withSynchro({ contextName: 'server', driver: SqliteDriver, dbName: ${JSON.stringify(join(dir, 'server.sqlite'))}, entities: MODEL }, { remote: null }),
];
`,
    );
    // A separate process, like the CLI: the config and MikroORM must come from the same module graph.
    const script = join(dir, 'check.mjs');
    writeFileSync(
      script,
      `import { CLIHelper } from '@mikro-orm/cli';
import { MikroORM } from '@mikro-orm/core';
const out = {};
for (const context of ['default', 'server']) {
  const config = await CLIHelper.getConfiguration(context, [${JSON.stringify(file)}]);
  const orm = await MikroORM.init(config.getAll());
  await orm.schema.create();
  const em = orm.em.fork();
  em.create('Author', { email: context + '@x', name: context });
  await em.flush();
  out[context] = (await orm.em.fork().find('SynchroChange', {})).map((r) => r.action + ' ' + r.entity + ' ' + r.pk);
  await orm.close(true);
}
console.log(JSON.stringify(out));
`,
    );
    const result = spawnSync(process.execPath, [script], { cwd: dir, encoding: 'utf8' });
    expect(result.stderr).not.toMatch(/Error/);
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toEqual({
      default: ['create Author 1'],
      server: ['create Author 1'],
    });
  });
});
