/** Options of {@link generateNaturalKeys} and {@link planNaturalKeys}. */
export interface GenerateNaturalKeysOptions {
  /** The project's tsconfig.json, relative to `cwd`. @default 'tsconfig.json', when it exists */
  tsconfig?: string;
  /** Globs of the files that hold entities, relative to `cwd`. @default every file of the tsconfig */
  entities?: string[];
  /** Entity name -> natural key properties; required for entities with several unique constraints. */
  keys?: Record<string, string[]>;
  /** Entities whose natural key may match several rows (the first one is taken). @default [] */
  allowMany?: string[];
  /** Write the changed files; false only reports what would change. @default true */
  write?: boolean;
  /** Directory that relative paths and globs are resolved from. @default process.cwd() */
  cwd?: string;
}
