import type { SourceFile } from 'ts-morph';
import { FileEdits } from '../edit/FileEdits.js';
import type { CodegenProblem } from '../errors/CodegenError.js';
import { displayPath } from '../project/loadProject.js';

/** The module generated code imports the natural-key runtime from. */
export const CORE_MODULE = '@mikro-synchro/core';

/** The state of one planning run: edits per file, names taken by generated code, problems found. */
export class PlanContext {
  readonly files = new Map<SourceFile, FileEdits>();
  readonly problems: CodegenProblem[] = [];
  private readonly reserved = new Map<SourceFile, Set<string>>();

  constructor(
    readonly cwd: string,
    /** Files that may be edited (the project's own). */
    readonly editable: ReadonlySet<SourceFile>,
  ) {}

  /** The edits of a file, created on first use. */
  edits(file: SourceFile): FileEdits {
    const edits = this.files.get(file) ?? new FileEdits(file);
    this.files.set(file, edits);
    return edits;
  }

  /** A file's path for messages. */
  display(file: SourceFile): string {
    return displayPath(this.cwd, file.getFilePath());
  }

  /** Whether `name` is free at the top level of every file given (not declared, imported or generated). */
  isFree(name: string, ...files: SourceFile[]): boolean {
    return files.every((file) => !this.reserved.get(file)?.has(name) && !topLevelNames(file).has(name));
  }

  /** Marks a generated name as taken in a file. */
  reserve(file: SourceFile, name: string): void {
    const names = this.reserved.get(file) ?? new Set();
    this.reserved.set(file, names.add(name));
  }
}

/** The names a file declares or imports at the top level. @internal */
function topLevelNames(file: SourceFile): Set<string> {
  const names = new Set<string>();
  for (const d of file.getImportDeclarations()) {
    const def = d.getDefaultImport();
    if (def) names.add(def.getText());
    const ns = d.getNamespaceImport();
    if (ns) names.add(ns.getText());
    for (const s of d.getNamedImports()) names.add((s.getAliasNode() ?? s.getNameNode()).getText());
  }
  for (const list of [
    file.getClasses(),
    file.getInterfaces(),
    file.getTypeAliases(),
    file.getFunctions(),
    file.getEnums(),
  ]) {
    for (const decl of list) {
      const name = decl.getName();
      if (name) names.add(name);
    }
  }
  for (const v of file.getVariableDeclarations()) names.add(v.getName());
  return names;
}

/** The MikroORM package the file imports from (core or a driver), for `InferEntity` and `EntityRepositoryType`. */
export function mikroOrmModule(file: SourceFile): string {
  const skip = new Set(['decorators', 'reflection', 'cli', 'migrations', 'seeder', 'entity-generator']);
  for (const d of file.getImportDeclarations()) {
    const match = d.getModuleSpecifierValue().match(/^@mikro-orm\/([a-z-]+)$/);
    if (match && !skip.has(match[1]!)) return match[0];
  }
  return '@mikro-orm/core';
}
