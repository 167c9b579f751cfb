import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { CLIHelper } from '@mikro-orm/cli';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SynchroConfigError, withSynchro } from '@mikro-synchro/core';
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
      expect(error.message).toMatch(/^Unknown entity 'Nope' in SynchroOptions: known entities are .*\bAuthor\b.*\.$/);
    } finally {
      await t.close();
    }
  });

  it('works on configs loaded by the MikroORM CLI, including an array with contextName', async () => {
    // inside the repo, so the config file resolves the installed packages
    const root = new URL('../../.tmp/', import.meta.url).pathname;
    mkdirSync(root, { recursive: true });
    const dir = mkdtempSync(join(root, 'cli-config-'));
    const model = new URL('../support/model.ts', import.meta.url).pathname;
    const file = join(dir, 'mikro-orm.config.ts');
    writeFileSync(
      file,
      `import { SqliteDriver } from '@mikro-orm/sqlite';
import { withSynchro } from '@mikro-synchro/core';
import { MODEL } from ${JSON.stringify(model)};
export default [
  withSynchro({ contextName: 'default', driver: SqliteDriver, dbName: ${JSON.stringify(join(dir, 'office.sqlite'))}, entities: MODEL }, { remote: 'server' }),
  withSynchro({ contextName: 'server', driver: SqliteDriver, dbName: ${JSON.stringify(join(dir, 'server.sqlite'))}, entities: MODEL }, { remote: null }),
];
`,
    );
    for (const context of ['default', 'server']) {
      const config = await CLIHelper.getConfiguration(context, [file]);
      const orm = await MikroORM.init(config.getAll());
      await orm.schema.create();
      const em = orm.em.fork();
      em.create(Author, { email: `${context}@x`, name: context });
      await em.flush();
      expect(await logLines(orm)).toEqual(['create Author 1']);
      await orm.close(true);
    }
  });
});
