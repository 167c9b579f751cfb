import type { EntityName } from '@mikro-orm/core';
import type { ConflictPolicy } from '../conflicts/ConflictPolicy.js';
import type { WritePathOption } from '../sync/apply/writePath.js';

/** Options of {@link withSynchro}: what to log, where it syncs to, and how rows are recognised there. */
export interface SynchroOptions {
  /**
   * The peer this database syncs to: the contextName of its config for the CLI, and the key under which
   * checkpoints are kept. `null`: this database only logs (e.g. the server itself) and `synchronize` from it
   * fails with SynchroConfigError; `undefined`: the same, plus a warning.
   */
  remote?: string | null;
  /** Watched entities: class or entity name. @default every user entity of the config */
  entities?: (EntityName<any> | string)[];
  /** entity name -> property names never synchronized (created on REMOTE with defaults, kept on update). */
  skip?: Record<string, string[]>;
  /** entity name -> natural key properties (overrides NaturalKeyEntity / repository / unique inference). */
  naturalKeys?: Record<string, string[] | { properties: string[]; allowMany?: boolean }>;
  /** Conflict policy, global or per entity name. @default 'newer-wins' when REMOTE logs, else 'local-wins' */
  conflicts?: ConflictPolicy | Record<string, ConflictPolicy>;
  /** Rows per batch when syncing. @default 1000 */
  batchSize?: number;
  /**
   * How rows are written on REMOTE: through its unit of work (its hooks and subscribers run) or in bulk
   * (multi-row statements, nothing observes them). `'auto'` takes the unit of work only for entities that
   * REMOTE hooks or subscribers observe. Globally or per entity name. @default 'auto'
   */
  writePath?: WritePathOption;
}
