// The demo's MikroORM config file, found by the bin through MIKRO_ORM_CLI_CONFIG (demo/run.mjs sets it):
//   default: the office machine's SQLite copy, which logs its changes and syncs them to `server`;
//   server:  the production database (PGlite in a directory, or PostgreSQL when SYNCHRO_PG_URL is set).
import { join } from 'node:path';
import { defineConfig } from '@mikro-orm/core';
import { PgliteDriver } from '@mikro-orm/pglite';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { withSynchro } from '@mikro-synchro/core';
import { ENTITIES } from './entities.js';

const dir = process.env.SYNCHRO_DEMO_DIR;
if (!dir) throw new Error('Run the demo with `npm run demo` (SYNCHRO_DEMO_DIR is not set).');

const production = process.env.SYNCHRO_DEMO_PG_DB
  ? {
      driver: PostgreSqlDriver,
      clientUrl: process.env.SYNCHRO_DEMO_PG_URL,
      dbName: process.env.SYNCHRO_DEMO_PG_DB,
    }
  : { driver: PgliteDriver, dbName: join(dir, 'production-pglite') };

export default [
  withSynchro(
    defineConfig({
      contextName: 'default',
      driver: SqliteDriver,
      dbName: join(dir, 'office.sqlite'),
      entities: ENTITIES,
    }),
    { remote: 'server' },
  ),
  // Production only logs (its own changes, for a sync the other way one day): it never syncs anywhere itself.
  withSynchro(defineConfig({ contextName: 'server', ...production, entities: ENTITIES }), { remote: null }),
];
