/** Where a problem is: a file, and the 1-based line and column when known. */
export interface CodegenProblem {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** Formats a problem as `file:line:column - message`, the shape editors and CI logs link. */
export function formatProblem(problem: CodegenProblem): string {
  const where = [problem.file, problem.line, problem.line ? problem.column : undefined]
    .filter((x) => x !== undefined)
    .join(':');
  return `${where} - ${problem.message}`;
}

/**
 * A mistake in the project or the options (missing file, syntax error, unknown entity or property).
 * Nothing has been written when it is thrown; `problems` lists every one found, with file and line.
 */
export class CodegenError extends Error {
  readonly problems: readonly CodegenProblem[];

  constructor(message: string, problems: readonly CodegenProblem[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.problems = problems;
  }

  /** A file named by `--tsconfig` or `--entities` does not exist. */
  static missingFile(file: string, what: string): CodegenError {
    return new CodegenError(`${file}: ${what} not found.`, [{ file, message: `${what} not found` }]);
  }

  /** Neither a tsconfig nor entity globs say which files to read. */
  static noProject(cwd: string): CodegenError {
    return new CodegenError(
      `No tsconfig.json in ${cwd}: pass --tsconfig <path> or --entities <glob> to say which files hold entities.`,
    );
  }

  /** An `--entities` glob matched no TypeScript file. */
  static noFilesMatched(glob: string): CodegenError {
    return new CodegenError(
      `--entities ${glob} matched no .ts file; check the glob (it is relative to the cwd).`,
    );
  }

  /** Files that do not parse, or imports that do not resolve; nothing was written. */
  static invalidFiles(problems: readonly CodegenProblem[]): CodegenError {
    const list = problems.map((p) => `  ${formatProblem(p)}`).join('\n');
    const n = problems.length;
    return new CodegenError(
      `${n} problem${n === 1 ? '' : 's'} in the project, nothing was changed:\n${list}`,
      problems,
    );
  }

  /** `--key` or `--allow-many` names an entity that was not found. */
  static unknownEntity(option: string, name: string, known: readonly string[]): CodegenError {
    const list = known.length ? known.join(', ') : '(none found: check --tsconfig / --entities)';
    return new CodegenError(`${option} ${name}: no entity named ${name}; the entities found are ${list}.`);
  }

  /** `--key` names a property that the entity does not have. */
  static unknownProperty(
    where: Omit<CodegenProblem, 'message'>,
    entity: string,
    property: string,
    known: string[],
  ) {
    const message = `--key ${entity}: ${entity} has no property '${property}'; its properties are ${known.join(', ')}.`;
    return new CodegenError(`${formatProblem({ ...where, message })}`, [{ ...where, message }]);
  }

  /** An option value that cannot work (bad `--key` syntax, both `--check` and `--dry-run`, ...). */
  static invalidOption(option: string, value: unknown, expected: string): CodegenError {
    return new CodegenError(`Invalid ${option}: ${JSON.stringify(value)}; expected ${expected}.`);
  }
}
