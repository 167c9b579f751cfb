/**
 * The bookshop's `mikro-orm.config.ts`, quoted by docs/sync.md and docs/capture.md. test/docs/capture.test.ts
 * loads it through the MikroORM CLI's configuration loader; the sync tests open both contexts from it.
 */
// #region config
import { defineConfig } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { withSynchro } from '@mikro-synchro/core';
import { BOOKSHOP } from './sync-model.js';

export default [
  // The office copy: logs every change; synchronize() sends them to the context named 'server'.
  withSynchro(
    defineConfig({
      contextName: 'default',
      driver: SqliteDriver,
      dbName: 'office.sqlite',
      entities: BOOKSHOP,
    }),
    { remote: 'server' },
  ),
  // Production: logs its own changes too, and never syncs from here (remote: null).
  withSynchro(
    defineConfig({
      contextName: 'server',
      driver: PostgreSqlDriver,
      clientUrl: process.env.SERVER_URL,
      entities: BOOKSHOP,
    }),
    { remote: null },
  ),
];
// #endregion config
