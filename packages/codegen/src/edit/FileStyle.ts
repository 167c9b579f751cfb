import { dirname, relative } from 'node:path';
import { type SourceFile, ts } from 'ts-morph';

/** The conventions of a file, which generated code follows. */
export interface FileStyle {
  quote: "'" | '"';
  semicolon: boolean;
  /** One level of indentation. */
  indent: string;
  eol: string;
  /** Extension written in relative import specifiers: `.js` (ESM/nodenext), `.ts`, or none. */
  extension: '.js' | '.ts' | '';
  /** `import { type X }` rather than `import type { X }`. */
  inlineTypeImports: boolean;
}

/** Detects the style of a file from its imports and statements, falling back on the project's settings. */
export function detectStyle(file: SourceFile): FileStyle {
  const text = file.getFullText();
  // A file without imports takes its import style from the first of the project's files that has some.
  const importing = file.getImportDeclarations().length
    ? file
    : (file
        .getProject()
        .getSourceFiles()
        .find((f) => !f.isInNodeModules() && f.getImportDeclarations().length) ?? file);
  const imports = importing.getImportDeclarations();
  const first = imports[0]?.getModuleSpecifier().getText() ?? text.match(/['"]/)?.[0] ?? "'";
  const statements = file.getStatements().filter((s) => !ts.isClassDeclaration(s.compilerNode));
  const withSemicolon = statements.filter((s) => s.getText().endsWith(';')).length;
  const indents = [...text.matchAll(/^([ \t]+)[^\s*]/gm)].map((m) => m[1]!);
  const tab = indents.some((i) => i.startsWith('\t'));
  const spaces = Math.min(...indents.filter((i) => !i.startsWith('\t')).map((i) => i.length), 8);
  const typeOnly = imports.filter((i) => i.isTypeOnly()).length;
  const inline = imports.filter((i) => i.getNamedImports().some((n) => n.isTypeOnly())).length;
  return {
    quote: first.startsWith('"') ? '"' : "'",
    semicolon: statements.length === 0 || withSemicolon * 2 >= statements.length,
    indent: tab ? '\t' : ' '.repeat(Number.isFinite(spaces) && spaces > 0 && spaces < 8 ? spaces : 2),
    eol: text.includes('\r\n') ? '\r\n' : '\n',
    extension: importExtension(file),
    inlineTypeImports: inline > 0 && typeOnly === 0,
  };
}

/** A string literal in the file's quotes. */
export function quote(style: FileStyle, value: string): string {
  const escaped = value.replaceAll('\\', '\\\\').replaceAll(style.quote, `\\${style.quote}`);
  return `${style.quote}${escaped}${style.quote}`;
}

/** `['a', 'b']` in the file's quotes. */
export function stringArray(style: FileStyle, values: readonly string[]): string {
  return `[${values.map((v) => quote(style, v)).join(', ')}]`;
}

/** The relative module specifier from one file to another, with the file's extension style. */
export function relativeSpecifier(from: SourceFile, to: SourceFile, style: FileStyle): string {
  let path = relative(dirname(from.getFilePath()), to.getFilePath()).replaceAll('\\', '/');
  if (!path.startsWith('.')) path = `./${path}`;
  const base = path.replace(/\.(ts|tsx|mts|cts)$/, '');
  const ext = path.endsWith('.mts') && style.extension === '.js' ? '.mjs' : style.extension;
  return `${base}${ext}`;
}

/** The extension relative imports use in this file, else in the project, else what its module mode needs. @internal */
function importExtension(file: SourceFile): FileStyle['extension'] {
  const candidates = [
    file,
    ...file
      .getProject()
      .getSourceFiles()
      .filter((f) => f !== file && !f.isInNodeModules()),
  ];
  for (const candidate of candidates) {
    for (const declaration of candidate.getImportDeclarations()) {
      const spec = declaration.getModuleSpecifierValue();
      if (!spec.startsWith('.')) continue;
      if (/\.(m?js|jsx)$/.test(spec)) return '.js';
      if (/\.(m?ts|tsx)$/.test(spec)) return '.ts';
      return '';
    }
  }
  const { moduleResolution, module } = file.getProject().getCompilerOptions();
  const node = [ts.ModuleResolutionKind.Node16, ts.ModuleResolutionKind.NodeNext];
  const esm = [ts.ModuleKind.Node16, ts.ModuleKind.NodeNext];
  return (moduleResolution && node.includes(moduleResolution)) || (module && esm.includes(module))
    ? '.js'
    : '';
}
