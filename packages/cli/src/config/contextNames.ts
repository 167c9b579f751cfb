import { CLIHelper } from '@mikro-orm/cli';

/** @internal The part of MikroORM's (internal) CLIHelper that finds and imports the config file. */
interface ConfigFileLoader {
  getConfigFile(paths: string[]): Promise<[string, unknown] | []>;
}

/** The config file MikroORM's CLI would load from `paths` (first existing one) and the contexts it defines. */
export interface ConfigFileContexts {
  path: string;
  /** `contextName` of every config object (a config without one is `default`). */
  names: string[];
  /** Config factory functions, which can produce any name and so cannot be listed. */
  factories: number;
}

/**
 * Lists the contexts of the config file MikroORM's CLI would use. Reuses MikroORM's own lookup, so the file is the
 * one `--config`, `configPaths` in package.json or `MIKRO_ORM_CLI_CONFIG` selects.
 */
export async function listContexts(paths: string[]): Promise<ConfigFileContexts | null> {
  const [path, exports] = await (CLIHelper as unknown as ConfigFileLoader).getConfigFile(paths);
  if (!path) return null;
  const items = Array.isArray(exports) ? exports : [exports];
  const names: string[] = [];
  let factories = 0;
  for (const item of items) {
    if (typeof item === 'function') {
      factories += 1;
    } else if (item && typeof item === 'object') {
      names.push((item as { contextName?: string }).contextName ?? 'default');
    }
  }
  return { path, names, factories };
}
