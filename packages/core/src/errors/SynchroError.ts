/** Base class of every error mikro-synchro throws; `cause` is chained where there is one. */
export class SynchroError extends Error {
  /** The entity the error is about, when it is about one. */
  readonly entity?: string;
  /** The row's key (natural or primary), when the error is about one row. */
  readonly key?: unknown;

  constructor(message: string, options?: { cause?: unknown; entity?: string; key?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.entity = options?.entity;
    this.key = options?.key;
  }

  /** A row points to a LOCAL row that could neither be found nor created on REMOTE. */
  static unresolvedTarget(entity: string, key: string, property: string, target: string): SynchroError {
    return new SynchroError(
      `${entity} ${key}: ${property} points to a ${target} that could not be resolved on REMOTE. ` +
        `Check that ${target} is in the REMOTE config and that its LOCAL row still exists.`,
      { entity, key: JSON.parse(key) },
    );
  }

  /** New rows of one entity point at each other in a cycle, which the bulk path cannot insert. */
  static bulkCycle(entity: string, keys: string[]): SynchroError {
    return new SynchroError(
      `${entity}: new rows ${keys.join(', ')} reference each other in a cycle, which the bulk write path cannot ` +
        `insert. Set SynchroOptions.writePath to { ${entity}: 'unit-of-work' } (nullable FKs are then inserted and updated).`,
      { entity, key: keys.map((k) => JSON.parse(k)) },
    );
  }

  /** The database did not return the key of a row the bulk path inserted as plain data. */
  static keyNotReturned(entity: string, index: number): SynchroError {
    return new SynchroError(
      `${entity}: the database returned no primary key for new row #${index} of a bulk INSERT, so the row cannot ` +
        `be referenced. Set SynchroOptions.writePath to { ${entity}: 'unit-of-work' } and report the driver and schema.`,
      { entity },
    );
  }

  /** `resolveConflict()` was given an id that is not a pending conflict. */
  static conflictNotFound(id: number): SynchroError {
    return new SynchroError(
      `No pending conflict with id ${id}: list them with synchroStatus(local).pendingConflicts ` +
        '(or `mikro-orm-synchro synchro:status`); a resolved conflict is applied by the next sync.',
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
