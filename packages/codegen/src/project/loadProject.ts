import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { Project, type SourceFile, ts } from 'ts-morph';
import { CodegenError, type CodegenProblem } from '../errors/CodegenError.js';

/** What to read: a tsconfig, entity globs, or both. */
export interface ProjectOptions {
  /** Directory that relative paths and globs are resolved from. */
  cwd: string;
  /** tsconfig.json path. @default 'tsconfig.json' in cwd, when it exists */
  tsconfig?: string;
  /** Entity file globs. @default every file of the tsconfig */
  entities?: string[];
}

/** A loaded project and the files to look for entities in. */
export interface LoadedProject {
  project: Project;
  /** Files scanned for entities: user sources only, never declaration files nor node_modules. */
  files: SourceFile[];
  /** Files that may be edited: the tsconfig's and the scanned ones (a custom repository may live in another). */
  editable: ReadonlySet<SourceFile>;
  cwd: string;
}

const GLOB_CHARS = /[*?[\]{}!]/;
// Only config problems that make files missing stop the run: the compiler bundled with ts-morph may flag
// options that the project's own TypeScript accepts (deprecations), and those do not matter for editing.
const MISSING_FILE_CODES = new Set([5012, 5058, 5083, 6053, 6231, 18003]);

/** Loads the project with ts-morph and checks that every scanned file exists and parses. */
export function loadProject(options: ProjectOptions): LoadedProject {
  const { cwd } = options;
  const tsConfigFilePath = resolve(cwd, options.tsconfig ?? 'tsconfig.json');
  const hasTsconfig = existsSync(tsConfigFilePath);
  if (options.tsconfig !== undefined && !hasTsconfig)
    throw CodegenError.missingFile(tsConfigFilePath, 'tsconfig');
  if (!hasTsconfig && !options.entities?.length) throw CodegenError.noProject(cwd);

  const globs = options.entities ?? [];
  // Dependencies are resolved only after the project's own files are known: a file reached through an import
  // (a linked workspace package, a library's sources) is read for types but never scanned nor edited.
  const project = hasTsconfig
    ? new Project({ tsConfigFilePath, skipFileDependencyResolution: true })
    : new Project({
        compilerOptions: { module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022 },
        skipFileDependencyResolution: true,
      });

  const configProblems = project
    .getConfigFileParsingDiagnostics()
    .filter((d) => MISSING_FILE_CODES.has(d.getCode()))
    .map((d) => toProblem(d.compilerObject, cwd));
  if (configProblems.length) throw CodegenError.invalidFiles(configProblems);

  const own = (f: SourceFile) => !f.isDeclarationFile() && !f.isInNodeModules();
  const projectFiles = project.getSourceFiles().filter(own);
  let files = projectFiles;
  if (globs.length) {
    const added = new Set<SourceFile>();
    const excluded = globs.filter((g) => g.startsWith('!')).map((g) => `!${absolute(cwd, g.slice(1))}`);
    for (const glob of globs.filter((g) => !g.startsWith('!'))) {
      const pattern = absolute(cwd, glob);
      if (!GLOB_CHARS.test(glob) && !existsSync(pattern))
        throw CodegenError.missingFile(pattern, 'entity file');
      const matched = project.addSourceFilesAtPaths([pattern, ...excluded]);
      if (matched.length === 0) throw CodegenError.noFilesMatched(glob);
      for (const file of matched) added.add(file);
    }
    files = [...added].filter(own);
  }
  project.resolveSourceFileDependencies();

  const problems = files.flatMap((f) => syntaxProblems(f, cwd));
  if (problems.length) throw CodegenError.invalidFiles(problems);
  return { project, files, editable: new Set([...projectFiles, ...files]), cwd };
}

/** Syntax errors of one file, with file and line. */
export function syntaxProblems(file: SourceFile, cwd: string): CodegenProblem[] {
  const program = file.getProject().getProgram().compilerObject;
  return program.getSyntacticDiagnostics(file.compilerNode).map((d) => toProblem(d, cwd));
}

/** @internal */
function toProblem(diagnostic: ts.Diagnostic, cwd: string): CodegenProblem {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file) return { file: '(config)', message };
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
  return { file: displayPath(cwd, diagnostic.file.fileName), line: line + 1, column: character + 1, message };
}

/** A path relative to cwd when it is inside it, for messages. */
export function displayPath(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** @internal */
function absolute(cwd: string, path: string): string {
  return resolve(cwd, path).replaceAll('\\', '/');
}
