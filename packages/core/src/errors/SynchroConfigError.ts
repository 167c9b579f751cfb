import { SynchroError } from './SynchroError.js';

/** A configuration mistake: no REMOTE, synchro tables missing, an unknown entity, a bad option value. */
export class SynchroConfigError extends SynchroError {
  /** `synchronize()` was called on a database whose `SynchroOptions.remote` is null or undefined. */
  static noRemote(remote: null | undefined): SynchroConfigError {
    const how = remote === null ? 'is null (this database only logs)' : 'is not set';
    return new SynchroConfigError(
      `Cannot synchronize: SynchroOptions.remote ${how}. Set withSynchro(config, { remote: '<contextName>' }) ` +
        'on the LOCAL config: runs and stored conflicts are recorded under that name (synchro:run --remote sets ' +
        'it for one run).',
    );
  }

  /** `synchronize(local, remote)` without a REMOTE ORM or EntityManager. */
  static remoteMissing(remote: string): SynchroConfigError {
    return new SynchroConfigError(
      `Cannot synchronize: no REMOTE ORM or EntityManager was passed. Pass the one of '${remote}' (the LOCAL ` +
        `config's remote) as the second argument: synchronize(localOrm, ${remote}Orm).`,
    );
  }

  /** The ORM was not configured with `withSynchro()`. */
  static notEnabled(side: string): SynchroConfigError {
    return new SynchroConfigError(
      `The ${side} ORM was not configured with withSynchro(): wrap its config as withSynchro(config, options) ` +
        'so the synchro entities and the change-log subscriber are registered.',
    );
  }

  /** A watched entity name that the ORM does not know. */
  static unknownEntity(name: string, known: string[]): SynchroConfigError {
    return new SynchroConfigError(
      `Unknown entity '${name}' in SynchroOptions: known entities are ${known.join(', ') || '(none)'}.`,
    );
  }

  /** An entity logged on LOCAL is not part of the REMOTE config. */
  static missingOnRemote(entity: string): SynchroConfigError {
    return new SynchroConfigError(
      `Entity '${entity}' has logged changes but is not in the REMOTE config: add it to the REMOTE entities ` +
        '(both sides must run the same model), or stop watching it with SynchroOptions.entities.',
    );
  }

  /** A synchro table is missing from the database. */
  static tablesMissing(side: string, cause?: unknown): SynchroConfigError {
    return new SynchroConfigError(
      `The synchro tables are missing on ${side}: create them with \`npx mikro-orm-synchro schema:update --run\` ` +
        '(or your migrations) after adding withSynchro() to the config.',
      { cause },
    );
  }

  /**
   * @internal Runs `fn`, turning "no such table" errors about the synchro tables into
   * {@link SynchroConfigError.tablesMissing}.
   */
  static async guardTables<T>(side: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (
        /synchro_\w+/.test(message) &&
        /no such table|does not exist|doesn't exist|undefined table/i.test(message)
      ) {
        throw SynchroConfigError.tablesMissing(side, e);
      }
      throw e;
    }
  }

  /** An option has a value that cannot work. */
  static invalidOption(option: string, value: unknown, expected: string): SynchroConfigError {
    return new SynchroConfigError(
      `Invalid SynchroOptions.${option}: ${JSON.stringify(value)}; expected ${expected}.`,
    );
  }
}
