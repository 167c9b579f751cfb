import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { MikroORM, type Options } from '@mikro-orm/core';
import { MariaDbDriver } from '@mikro-orm/mariadb';
import { PgliteDriver } from '@mikro-orm/pglite';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { createPostgreSqlTypeParsers } from '@mikro-orm/sql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import postgresArray from 'postgres-array';

/** The database kinds the suites run on. */
export type DbKind = 'sqlite' | 'pglite' | 'postgresql' | 'mariadb';

export const PG_URL = process.env.SYNCHRO_PG_URL;
export const MARIADB_URL = process.env.SYNCHRO_MARIADB_URL;

/** Kinds available in this run: the embedded ones always, real servers when their URL is set. */
export const KINDS: DbKind[] = [
  'sqlite',
  'pglite',
  ...(PG_URL ? (['postgresql'] as const) : []),
  ...(MARIADB_URL ? (['mariadb'] as const) : []),
];

/** LOCAL → REMOTE pairs, looped over like kysely's DIALECTS. */
export const PAIRS: { name: string; local: DbKind; remote: DbKind }[] = [
  { name: 'sqlite→pglite', local: 'sqlite', remote: 'pglite' },
  ...(PG_URL ? [{ name: 'sqlite→postgresql', local: 'sqlite' as const, remote: 'postgresql' as const }] : []),
  ...(MARIADB_URL ? [{ name: 'sqlite→mariadb', local: 'sqlite' as const, remote: 'mariadb' as const }] : []),
];

/** A freshly created, empty database and the MikroORM options that reach it. */
export interface TestDatabase {
  kind: DbKind;
  config: Partial<Options>;
  /** Drops the database (or deletes its file). */
  drop(): Promise<void>;
}

/** In-memory PGlite instances whose database was emptied, ready for the next test of this process. */
const idlePglites: PGlite[] = [];

/** A PGlite with the type parsers MikroORM gives the instances it creates itself. */
function newPglite(): Promise<PGlite> {
  return PGlite.create({
    dataDir: 'memory://',
    parsers: createPostgreSqlTypeParsers((value: string) => postgresArray.parse(value)),
  });
}

let counter = 0;
function uniqueName(): string {
  counter += 1;
  return `synchro_t${process.pid}_${Date.now().toString(36)}_${counter}`;
}

async function withAdmin(driver: any, clientUrl: string, dbName: string, sql: string): Promise<void> {
  const admin = await MikroORM.init({
    driver,
    clientUrl,
    dbName,
    entities: [],
    discovery: { warnWhenNoEntities: false },
    debug: false,
  } as unknown as Options);
  try {
    await admin.em.getConnection().execute(sql);
  } finally {
    await admin.close(true);
  }
}

/** Creates a uniquely named empty database of the given kind. */
export async function createDatabase(kind: DbKind): Promise<TestDatabase> {
  switch (kind) {
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'synchro-sqlite-'));
      return {
        kind,
        config: { driver: SqliteDriver, dbName: join(dir, 'local.sqlite') },
        drop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    }
    case 'pglite': {
      // Starting an in-memory PGlite takes seconds; emptied instances are reused (one test at a time each).
      const pglite = idlePglites.pop() ?? (await newPglite());
      return {
        kind,
        config: { driver: PgliteDriver, dbName: 'memory://', driverOptions: { pglite } } as Partial<Options>,
        drop: async () => {
          await pglite.exec('drop schema public cascade; create schema public;');
          idlePglites.push(pglite);
        },
      };
    }
    case 'postgresql': {
      const url = new URL(PG_URL!);
      const name = uniqueName();
      const base = `${url.protocol}//${url.username ? `${url.username}@` : ''}${url.host}`;
      await withAdmin(PostgreSqlDriver, base, 'postgres', `create database "${name}"`);
      return {
        kind,
        config: { driver: PostgreSqlDriver, clientUrl: base, dbName: name },
        drop: () =>
          withAdmin(PostgreSqlDriver, base, 'postgres', `drop database if exists "${name}" with (force)`),
      };
    }
    case 'mariadb': {
      const url = new URL(MARIADB_URL!);
      const name = uniqueName();
      const base = `${url.protocol}//${url.username ? `${url.username}@` : ''}${url.host}`;
      await withAdmin(MariaDbDriver, base, 'mysql', `create database \`${name}\``);
      return {
        kind,
        config: { driver: MariaDbDriver, clientUrl: base, dbName: name },
        drop: () => withAdmin(MariaDbDriver, base, 'mysql', `drop database if exists \`${name}\``),
      };
    }
  }
}
