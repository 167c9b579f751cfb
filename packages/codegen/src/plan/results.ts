/** What was (or would be) changed for one entity. */
export interface EntityChanges {
  /** The entity's file, relative to the cwd when inside it. */
  file: string;
  entity: string;
  /** One line per change, e.g. `static naturalKey = ['email']`. */
  changes: string[];
}

/** Why an entity was left alone. */
export type SkipReason = 'ambiguous' | 'no-unique' | 'abstract' | 'unsupported';

/** An entity left alone, with why and what to do. */
export interface SkippedEntity {
  file: string;
  /** 1-based line of the entity's declaration. */
  line: number;
  entity: string;
  reason: SkipReason;
  /** The full explanation, naming the fix (e.g. `--key User=email`). */
  message: string;
  /** For `ambiguous`: the unique constraints it could use. */
  candidates?: string[][];
}

/** A file whose text changes. */
export interface FileChange {
  /** Absolute path. */
  path: string;
  /** Relative to the cwd when inside it. */
  file: string;
  before: string;
  after: string;
}
