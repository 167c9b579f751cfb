import { MikroORM, type Options } from '@mikro-orm/core';
import { QueryCounter } from '@mikro-synchro/core/testing';
import { createDatabase, type DbKind, type TestDatabase } from './databases.js';

/** An ORM on a fresh database with its schema created, plus a query counter; `close()` drops it all. */
export interface TestOrm {
  orm: MikroORM;
  db: TestDatabase;
  queries: QueryCounter;
  close(): Promise<void>;
}

/** Opens `config` (entities, withSynchro, ...) on a fresh database of `kind` and creates the schema. */
export async function openOrm(kind: DbKind, config: Partial<Options>, db?: TestDatabase): Promise<TestOrm> {
  const database = db ?? (await createDatabase(kind));
  const queries = new QueryCounter();
  let orm: MikroORM;
  try {
    orm = await MikroORM.init(
      queries.attach({ debug: false, allowGlobalContext: false, ...config, ...database.config } as Options),
    );
    await orm.schema.create();
  } catch (e) {
    await database.drop();
    throw e;
  }
  queries.reset();
  return {
    orm,
    db: database,
    queries,
    async close() {
      await orm.close(true);
      await database.drop();
    },
  };
}

/** A LOCAL/REMOTE pair of fresh databases; `close()` drops both. */
export interface TestPair {
  local: TestOrm;
  remote: TestOrm;
  close(): Promise<void>;
}

export async function openPair(
  kinds: { local: DbKind; remote: DbKind },
  localConfig: Partial<Options>,
  remoteConfig: Partial<Options> = localConfig,
): Promise<TestPair> {
  const local = await openOrm(kinds.local, localConfig);
  let remote: TestOrm;
  try {
    remote = await openOrm(kinds.remote, remoteConfig);
  } catch (e) {
    await local.close();
    throw e;
  }
  return {
    local,
    remote,
    async close() {
      await Promise.allSettled([local.close(), remote.close()]);
    },
  };
}
