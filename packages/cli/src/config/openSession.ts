import { CLIHelper } from '@mikro-orm/cli';
import type { Configuration, MikroORM } from '@mikro-orm/core';
import { CliError, type Side } from '../errors/CliError.js';
import { loadConfiguration } from './loadConfiguration.js';
import { missingSynchroTables } from './missingSynchroTables.js';
import { openOrm } from './openOrm.js';
import { synchroOptionsOf } from './synchroOptionsOf.js';

/** The options every synchro command shares with MikroORM's CLI (`--config`, `--context`) plus `--remote`. */
export interface SessionArgs {
  config?: string[];
  contextName: string;
  remote?: string;
  /** How the LOCAL contextName was given, for messages. @default '--context' */
  contextSource?: string;
}

/** One opened context: its name, its config and its connected ORM. */
export interface OpenedContext {
  name: string;
  config: Configuration;
  orm: MikroORM;
}

/** LOCAL and (when asked for and configured) REMOTE, connected and checked; `close()` closes both. */
export interface SynchroSession {
  local: OpenedContext;
  remote: OpenedContext | null;
  close(): Promise<void>;
}

/** `required`: a REMOTE must be configured; `optional`: opened when configured; `none`: LOCAL only. */
export type RemoteMode = 'required' | 'optional' | 'none';

/** @internal The command that creates the synchro tables of a context. */
function schemaCommand(context: string, args: SessionArgs): string {
  const config = (args.config ?? []).map((path) => ` --config ${path}`).join('');
  return `npx mikro-orm-synchro schema:update --run --context ${context}${config}`;
}

/** @internal Fails with the command that creates them when synchro tables are missing. */
async function checkTables(side: Side, context: OpenedContext, args: SessionArgs): Promise<void> {
  const missing = await missingSynchroTables(context.orm);
  if (missing.length)
    throw CliError.tablesMissing(side, context.name, missing, schemaCommand(context.name, args));
}

/**
 * Resolves LOCAL (`--context`, default `default`) and REMOTE (`--remote`, else `SynchroOptions.remote` of LOCAL)
 * from MikroORM's config discovery, then connects both. Every user mistake on the way is a {@link CliError}.
 */
export async function openSession(args: SessionArgs, mode: RemoteMode): Promise<SynchroSession> {
  const paths = args.config ?? (await CLIHelper.getConfigPaths());
  const localName = args.contextName;
  const localConfig = await loadConfiguration(
    { side: 'LOCAL', name: localName, source: args.contextSource ?? '--context' },
    paths,
  );
  const options = synchroOptionsOf(localConfig);
  if (!options) throw CliError.notEnabled('LOCAL', localName);
  const remoteName = mode === 'none' ? null : (args.remote ?? options.remote ?? null);
  if (mode === 'required' && remoteName === null)
    throw CliError.noRemote(localName, options.remote === null ? null : undefined);
  if (remoteName === localName) throw CliError.sameContext(localName);
  let remoteConfig: Configuration | null = null;
  if (remoteName !== null) {
    const source = args.remote ? '--remote' : `SynchroOptions.remote of '${localName}'`;
    remoteConfig = await loadConfiguration({ side: 'REMOTE', name: remoteName, source }, paths);
    if (!synchroOptionsOf(remoteConfig)) throw CliError.notEnabled('REMOTE', remoteName);
  }
  // Connect both before checking tables: an unreachable server is the first thing to fix.
  const local: OpenedContext = {
    name: localName,
    config: localConfig,
    orm: await openOrm(localConfig, 'LOCAL', localName),
  };
  let remote: OpenedContext | null = null;
  try {
    if (remoteConfig && remoteName !== null) {
      remote = {
        name: remoteName,
        config: remoteConfig,
        orm: await openOrm(remoteConfig, 'REMOTE', remoteName),
      };
    }
    await checkTables('LOCAL', local, args);
    if (remote) await checkTables('REMOTE', remote, args);
  } catch (error) {
    await Promise.allSettled([local.orm.close(true), remote?.orm.close(true)]);
    throw error;
  }
  const runtimeOptions = synchroOptionsOf(local.orm.config);
  if (runtimeOptions && remoteName !== null) {
    // Runs are recorded under (and synchronize() requires) the peer name of the LOCAL runtime: `--remote`
    // names that peer for this process only.
    runtimeOptions.remote = remoteName;
  }
  return {
    local,
    remote,
    async close() {
      await Promise.allSettled([local.orm.close(true), remote?.orm.close(true)]);
    },
  };
}
