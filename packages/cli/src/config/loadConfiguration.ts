import { CLIHelper } from '@mikro-orm/cli';
import type { Configuration } from '@mikro-orm/core';
import { CliError, type Side } from '../errors/CliError.js';
import { listContexts } from './contextNames.js';

/** Which context to load, and how the user named it (for messages). */
export interface ContextRequest {
  side: Side;
  /** The contextName. */
  name: string;
  /** Where the name came from: `--context`, `--remote`, `SynchroOptions.remote of 'default'`. */
  source: string;
}

/** MikroORM's messages for a contextName that the config file does not define. */
const NOT_FOUND = /^MikroORM config '.*' (was not found|was not what)/;

/**
 * Loads the config of one context exactly as MikroORM's CLI does (`CLIHelper.getConfiguration`: config paths,
 * env vars, factories). An unknown contextName becomes a {@link CliError} that lists the ones that exist.
 */
export async function loadConfiguration(request: ContextRequest, paths: string[]): Promise<Configuration> {
  if (!(await listContexts(paths))) throw CliError.noConfigFile(paths);
  try {
    return await CLIHelper.getConfiguration(request.name, paths);
  } catch (error) {
    if (error instanceof Error && NOT_FOUND.test(error.message)) {
      const file = await listContexts(paths);
      if (file) {
        const available = [
          ...file.names,
          ...(file.factories ? [`(${file.factories} config factory function(s))`] : []),
        ];
        throw CliError.unknownContext(request.side, request.name, request.source, file.path, available);
      }
    }
    throw error;
  }
}
