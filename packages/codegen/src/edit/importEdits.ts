import { type ImportDeclaration, type ImportSpecifier, type SourceFile, SyntaxKind } from 'ts-morph';
import type { FileEdits, TextEdit } from './FileEdits.js';
import { quote } from './FileStyle.js';
import { placeNew, renderList, sortLike, sortNames } from './importLayout.js';
import { lineRange } from './positions.js';

/** The edits to a file's imports: added names, type imports turned into value imports, unused ones removed. */
export function importEdits(edits: FileEdits): TextEdit[] {
  const { file, style } = edits;
  const lists = new Map<ImportDeclaration, string[]>();
  const listOf = (d: ImportDeclaration) =>
    lists.get(d) ?? lists.set(d, d.getNamedImports().map(text)).get(d)!;
  const fresh: { module: string; text: string }[] = [];

  for (const [module, need] of edits.imports) {
    const decls = file.getImportDeclarations().filter((d) => d.getModuleSpecifierValue() === module);
    const valueDecl = decls.find((d) => !d.isTypeOnly() && d.getNamedImports().length > 0);
    const typeDecl = decls.find((d) => d.isTypeOnly() && d.getNamedImports().length > 0);
    const values: string[] = [];
    for (const name of need.values) {
      const spec = findSpecifier(file, name);
      if (!spec && declaresLocally(file, name)) continue;
      if (spec && !spec.isTypeOnly() && !spec.getImportDeclaration().isTypeOnly()) continue;
      if (spec) remove(listOf(spec.getImportDeclaration()), text(spec));
      values.push(name);
    }
    const types = [...need.types].filter((n) => !findSpecifier(file, n) && !declaresLocally(file, n));
    if (valueDecl) listOf(valueDecl).push(...values);
    if (typeDecl) listOf(typeDecl).push(...types);
    else if (valueDecl) listOf(valueDecl).push(...types.map((t) => `type ${t}`));
    const newValues = valueDecl ? [] : values;
    const newTypes = typeDecl || valueDecl ? [] : types;
    const from = quote(style, module);
    const semi = style.semicolon ? ';' : '';
    if (style.inlineTypeImports || newTypes.length === 0) {
      const all = [...newValues, ...newTypes.map((t) => `type ${t}`)];
      if (all.length)
        fresh.push({ module, text: `import { ${sortNames(all).join(', ')} } from ${from}${semi}` });
    } else {
      if (newValues.length)
        fresh.push({ module, text: `import { ${sortNames(newValues).join(', ')} } from ${from}${semi}` });
      fresh.push({ module, text: `import type { ${sortNames(newTypes).join(', ')} } from ${from}${semi}` });
    }
  }

  for (const name of edits.maybeUnused) {
    const spec = findSpecifier(file, name);
    if (spec && !isUsed(file, name, edits.edits)) remove(listOf(spec.getImportDeclaration()), text(spec));
  }

  const out: TextEdit[] = [];
  for (const [decl, list] of lists) {
    const named = decl.getImportClause()?.getNamedBindings();
    if (!named || list.join() === decl.getNamedImports().map(text).join()) continue;
    if (list.length === 0 && !decl.getDefaultImport()) out.push({ ...lineRange(decl), text: '' });
    else
      out.push({
        start: named.getStart(),
        end: named.getEnd(),
        text: renderList(named, sortLike(decl, list)),
      });
  }
  if (fresh.length) out.push(...placeNew(file, fresh, style.eol));
  return out;
}

/** @internal */
function text(spec: ImportSpecifier): string {
  return spec.getText();
}

/** @internal */
function remove(list: string[], item: string): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

/** The import specifier that brings `name` into the file. @internal */
function findSpecifier(file: SourceFile, name: string): ImportSpecifier | undefined {
  return file
    .getImportDeclarations()
    .flatMap((d) => d.getNamedImports())
    .find((s) => (s.getAliasNode() ?? s.getNameNode()).getText() === name);
}

/** Whether the file declares `name` itself or imports it as default/namespace. @internal */
function declaresLocally(file: SourceFile, name: string): boolean {
  if (file.getImportDeclarations().some((d) => d.getDefaultImport()?.getText() === name)) return true;
  if (file.getImportDeclarations().some((d) => d.getNamespaceImport()?.getText() === name)) return true;
  return (
    [file.getClass(name), file.getInterface(name), file.getTypeAlias(name), file.getFunction(name)].some(
      (x) => x !== undefined,
    ) || !!file.getVariableDeclaration(name)
  );
}

/** Whether `name` is still used outside imports once the edits' replaced ranges are gone. @internal */
function isUsed(file: SourceFile, name: string, edits: readonly TextEdit[]): boolean {
  return file
    .getDescendantsOfKind(SyntaxKind.Identifier)
    .some(
      (id) =>
        id.getText() === name &&
        !id.getFirstAncestorByKind(SyntaxKind.ImportDeclaration) &&
        !edits.some((e) => e.end > e.start && id.getStart() >= e.start && id.getEnd() <= e.end),
    );
}
