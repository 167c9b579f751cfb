import { CLIHelper } from '@mikro-orm/cli';
import { type Configuration, MikroORM } from '@mikro-orm/core';
import { CliError, type Side } from '../errors/CliError.js';
import { describeDatabase } from './describeDatabase.js';

/** @internal The message of a connection failure, without the stack. */
function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Starts the ORM of one context and connects it. An unreachable database is a {@link CliError} naming the side,
 * the context and where it points (host and port, or file).
 *
 * Unlike the schema commands, a sync never creates a missing database (`ensureDatabase: false`): a typo in
 * `dbName` must fail, not sync into a new empty database.
 */
export async function openOrm(config: Configuration, side: Side, context: string): Promise<MikroORM> {
  const verbose = !!CLIHelper.getSettings().verbose;
  const orm = await MikroORM.init({
    ...config.getAll(),
    ensureDatabase: false,
    allowGlobalContext: true,
    debug: verbose,
  });
  let failure: { reason: string; error?: unknown } | null = null;
  try {
    await orm.connect();
    const check = await orm.checkConnection();
    if (!check.ok) failure = { reason: check.reason ?? 'connection failed', error: check.error };
  } catch (error) {
    failure = { reason: reasonOf(error), error };
  }
  if (failure) {
    await orm.close(true).catch(() => undefined);
    throw CliError.unreachable(side, context, describeDatabase(config), failure.reason, failure.error);
  }
  return orm;
}
