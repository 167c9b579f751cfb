import { SynchroError } from './SynchroError.js';

/** A configuration mistake: no REMOTE, synchro tables missing, an unknown entity, a bad option value. */
export class SynchroConfigError extends SynchroError {
  /** `synchronize()` was called on a database whose `SynchroOptions.remote` is null or undefined. */
  static noRemote(remote: null | undefined): SynchroConfigError {
    const how = remote === null ? 'is null (this database only logs)' : 'is not set';
    return new SynchroConfigError(
      `Cannot synchronize: SynchroOptions.remote ${how}. Set withSynchro(config, { remote: '<contextName>' }) ` +
        'on the LOCAL config, or pass the REMOTE ORM/EntityManager explicitly to synchronize(local, remote).',
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

  /** A synchro table is missing from the database. */
  static tablesMissing(side: string, cause?: unknown): SynchroConfigError {
    return new SynchroConfigError(
      `The synchro tables are missing on ${side}: create them with \`npx mikro-orm-synchro schema:update --run\` ` +
        '(or your migrations) after adding withSynchro() to the config.',
      { cause },
    );
  }

  /** An option has a value that cannot work. */
  static invalidOption(option: string, value: unknown, expected: string): SynchroConfigError {
    return new SynchroConfigError(`Invalid SynchroOptions.${option}: ${JSON.stringify(value)}; expected ${expected}.`);
  }
}
