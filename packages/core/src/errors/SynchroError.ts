/** Base class of every error mikro-synchro throws; `cause` is chained where there is one. */
export class SynchroError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /** A row points to a LOCAL row that could neither be found nor created on REMOTE. */
  static unresolvedTarget(entity: string, key: string, property: string, target: string): SynchroError {
    return new SynchroError(
      `${entity} ${key}: ${property} points to a ${target} that could not be resolved on REMOTE. ` +
        `Check that ${target} is in the REMOTE config and that its LOCAL row still exists.`,
    );
  }

  /** A second `synchronize()` for the same LOCAL→REMOTE pair while one is running. */
  static concurrentRun(source: string, lockedUntil: Date): SynchroError {
    return new SynchroError(
      `Another synchronize() of source ${source} into this REMOTE is running; runs of one pair never interleave. ` +
        `Wait for it to finish; if it crashed, its lease expires at ${lockedUntil.toISOString()}.`,
    );
  }
}
