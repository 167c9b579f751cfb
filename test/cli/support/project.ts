import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MikroORM, type Options } from '@mikro-orm/core';
import { PgliteDriver } from '@mikro-orm/pglite';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { withSynchro } from '@mikro-synchro/core';
import { createDatabase, type DbKind } from '../../support/databases.js';
import { MODEL } from '../fixtures/model.js';
import { type BinOptions, type BinResult, runBin } from './bin.js';

/** The repository root: temporary projects live in its `.tmp/` so their config files resolve the installed packages. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MODEL_URL = pathToFileURL(fileURLToPath(new URL('../fixtures/model.ts', import.meta.url))).href;

const DRIVERS: Record<Exclude<DbKind, 'mariadb'>, { name: string; module: string; driver: unknown }> = {
  sqlite: { name: 'SqliteDriver', module: '@mikro-orm/sqlite', driver: SqliteDriver },
  pglite: { name: 'PgliteDriver', module: '@mikro-orm/pglite', driver: PgliteDriver },
  postgresql: { name: 'PostgreSqlDriver', module: '@mikro-orm/postgresql', driver: PostgreSqlDriver },
};

/** One config of the project's config file. */
export interface ContextSpec {
  name: string;
  kind: Exclude<DbKind, 'mariadb'>;
  /** withSynchro() options, or false for a config without withSynchro(). @default { remote: null } */
  synchro?: Record<string, unknown> | false;
  /** Connection options instead of a fresh database (e.g. an unreachable host). */
  connection?: Record<string, unknown>;
}

/** Options of {@link createProject}. */
export interface ProjectOptions {
  contexts: ContextSpec[];
  /** Config file path inside the project. @default 'mikro-orm.config.js' */
  file?: string;
  /** Extra package.json fields (e.g. `mikro-orm.configPaths`). */
  packageJson?: Record<string, unknown>;
}

/** A temporary project: package.json, tsconfig.json, a config file and its databases. */
export interface TempProject {
  dir: string;
  configPath: string;
  /** Connection options of each context, as written to the config file. */
  connections: Record<string, Record<string, unknown>>;
  run(args: string[], options?: Omit<BinOptions, 'cwd'>): Promise<BinResult>;
  /** An in-process ORM on a context (same model and withSynchro options); close it before running the bin on PGlite. */
  orm(name: string): Promise<MikroORM>;
  /** Creates the schema of a context in-process. */
  createSchema(...names: string[]): Promise<void>;
  remove(): Promise<void>;
}

let counter = 0;

/** Writes a project under `.tmp/` whose config file exports one withSynchro() config per context. */
export async function createProject(options: ProjectOptions): Promise<TempProject> {
  counter += 1;
  const dir = join(ROOT, '.tmp', `cli-${process.pid}-${Date.now().toString(36)}-${counter}`);
  mkdirSync(dir, { recursive: true });
  const drops: (() => Promise<void>)[] = [];
  const connections: Record<string, Record<string, unknown>> = {};
  for (const context of options.contexts) {
    if (context.connection) {
      connections[context.name] = context.connection;
    } else if (context.kind === 'postgresql') {
      const db = await createDatabase('postgresql');
      drops.push(db.drop);
      connections[context.name] = { clientUrl: db.config.clientUrl, dbName: db.config.dbName };
    } else {
      const suffix = context.kind === 'sqlite' ? '.sqlite' : '-pglite';
      connections[context.name] = { dbName: join(dir, `${context.name}${suffix}`) };
    }
  }
  const file = options.file ?? 'mikro-orm.config.js';
  const configPath = join(dir, file);
  mkdirSync(join(configPath, '..'), { recursive: true });
  writeFileSync(configPath, configSource(options.contexts, connections));
  const pkg = { name: 'synchro-cli-test', private: true, type: 'module', ...options.packageJson };
  Object.assign(pkg, { devDependencies: { '@mikro-orm/cli': '7.2.1', '@mikro-orm/core': '7.2.1' } });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  // MikroORM's CLI registers tsx (installed here) with ./tsconfig.json, which must exist.
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'nodenext', strict: true } }),
  );

  const specOf = (name: string) => options.contexts.find((c) => c.name === name)!;
  const ormOf = async (name: string) => {
    const spec = specOf(name);
    const config: Partial<Options> = {
      contextName: name,
      driver: DRIVERS[spec.kind].driver as Options['driver'],
      entities: MODEL,
      ...connections[name],
      debug: false,
    };
    const synchro = spec.synchro ?? { remote: null };
    return MikroORM.init(synchro === false ? config : withSynchro(config, { quiet: true, ...synchro }));
  };
  return {
    dir,
    configPath,
    connections,
    run: (args, runOptions) => runBin(args, { cwd: dir, ...runOptions }),
    orm: ormOf,
    async createSchema(...names) {
      for (const name of names) {
        const orm = await ormOf(name);
        await orm.schema.create();
        await orm.close(true);
      }
    },
    async remove() {
      await Promise.allSettled(drops.map((drop) => drop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The config file: one `withSynchro({ ... }, options)` per context, importing the shared fixture model. */
function configSource(contexts: ContextSpec[], connections: Record<string, Record<string, unknown>>): string {
  const used = [...new Set(contexts.map((c) => c.kind))];
  const imports = used.map((kind) => `import { ${DRIVERS[kind].name} } from '${DRIVERS[kind].module}';`);
  const configs = contexts.map((context) => {
    const base = `{ contextName: ${JSON.stringify(context.name)}, driver: ${DRIVERS[context.kind].name}, entities: MODEL, ...${JSON.stringify(connections[context.name])} }`;
    const synchro = context.synchro ?? { remote: null };
    return synchro === false ? `  ${base},` : `  withSynchro(${base}, ${JSON.stringify(synchro)}),`;
  });
  return [
    ...imports,
    "import { withSynchro } from '@mikro-synchro/core';",
    `import { MODEL } from '${MODEL_URL}';`,
    '',
    'export default [',
    ...configs,
    '];',
    '',
  ].join('\n');
}
