import { SynchroError } from '@mikro-synchro/core';

/** Which side of a sync a context plays: LOCAL (the one logging changes) or REMOTE (the one receiving them). */
export type Side = 'LOCAL' | 'REMOTE';

/**
 * A user mistake the CLI reports as one message, without a stack trace: a missing REMOTE, an unknown context,
 * an unreachable database, missing synchro tables, a refused confirmation. Each message says what to do.
 */
export class CliError extends SynchroError {
  /** Process exit code the bin ends with. */
  readonly exitCode: number;

  /** @internal use the static factories */
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }

  /** LOCAL has no REMOTE: no `--remote` and `SynchroOptions.remote` is null or undefined. */
  static noRemote(context: string, remote: null | undefined): CliError {
    const why = remote === null ? 'sets remote to null (this database only logs)' : 'does not set remote';
    return new CliError(
      `No REMOTE configured for context '${context}': its withSynchro() ${why}. Pass --remote <contextName>, ` +
        `or set withSynchro(config, { remote: '<contextName>' }) in the config of '${context}'.`,
    );
  }

  /** REMOTE names the same context as LOCAL. */
  static sameContext(context: string): CliError {
    return new CliError(
      `REMOTE and LOCAL are both context '${context}': a database cannot be synchronized into itself; ` +
        'pass --remote <contextName> of the other database.',
    );
  }

  /** The config of a context does not use `withSynchro()`. */
  static notEnabled(side: Side, context: string): CliError {
    const hint = side === 'LOCAL' ? `{ remote: '<contextName>' }` : '{ remote: null }';
    return new CliError(
      `Context '${context}' (${side}) is not configured with withSynchro(): wrap its config as ` +
        `withSynchro(config, ${hint}) so the synchro entities and the change-log subscriber are registered.`,
    );
  }

  /** No config in the config file has this `contextName`. */
  static unknownContext(
    side: Side,
    context: string,
    flag: string,
    path: string,
    available: string[],
  ): CliError {
    const list = available.length ? available.join(', ') : '(none)';
    return new CliError(
      `Unknown contextName '${context}' for ${side} (${flag}): ${path} defines ${list}. ` +
        `Use one of these, or add a config with contextName '${context}'.`,
    );
  }

  /** No config file exists on MikroORM's search paths (a config from env vars alone cannot use withSynchro()). */
  static noConfigFile(paths: string[]): CliError {
    return new CliError(
      `No MikroORM config file found (searched ${paths.join(', ')}): create one that exports withSynchro() ` +
        'configs, or point to it with --config, configPaths in package.json or MIKRO_ORM_CLI_CONFIG.',
    );
  }

  /** The database of a context does not answer. */
  static unreachable(side: Side, context: string, target: string, reason: string, cause?: unknown): CliError {
    return new CliError(
      `Cannot connect to the ${side} database of context '${context}' (${target}): ${reason}. ` +
        `Check that it is running and reachable, and the connection settings of '${context}'.`,
      { cause },
    );
  }

  /** Synchro tables are missing from a database: names the command that creates them. */
  static tablesMissing(side: Side, context: string, tables: string[], command: string): CliError {
    return new CliError(
      `The synchro tables are missing on ${side} '${context}' (${tables.join(', ')}): create them with ` +
        `\`${command}\` (or a migration).`,
    );
  }

  /** `synchro:reset` without `--yes` and without a terminal to ask on. */
  static confirmationRequired(context: string): CliError {
    return new CliError(
      `Refusing to reset the synchro log of '${context}' without confirmation: stdin is not a TTY. ` +
        'Re-run with --yes to confirm.',
    );
  }

  /** `--entity` names an entity LOCAL does not watch. */
  static unknownEntity(name: string, context: string, watched: string[]): CliError {
    const names = [...watched].sort();
    return new CliError(
      `Unknown entity '${name}' for --entity: LOCAL '${context}' logs ${names.join(', ') || '(no entity)'}. ` +
        `Use the entity (class) name, e.g. --entity ${names[0] ?? 'Book'}.`,
    );
  }

  /** A command-line option has a value that cannot work. */
  static invalidOption(option: string, value: unknown, expected: string): CliError {
    return new CliError(`Invalid ${option}: ${JSON.stringify(value)}; expected ${expected}.`);
  }
}
