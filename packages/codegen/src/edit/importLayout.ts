import type { ImportDeclaration, Node, SourceFile } from 'ts-morph';
import type { TextEdit } from './FileEdits.js';
import { endOfLine } from './positions.js';

// Where import names and declarations go, so that a sorted import block stays sorted.

/** Keeps a sorted list sorted (case-insensitive, `type` ignored, as Biome and ESLint do); else appends. */
export function sortLike(decl: ImportDeclaration, list: string[]): string[] {
  const old = decl.getNamedImports().map((s) => nameKey(s.getText()));
  return old.every((k, i) => i === 0 || old[i - 1]! <= k) ? sortNames(list) : list;
}

/** @internal */
function nameKey(specifier: string): string {
  return specifier.replace(/^type /, '').toLowerCase();
}

/** Sorts import specifiers the way `sortLike` keeps them. */
export function sortNames(names: string[]): string[] {
  return [...names].sort((a, b) => (nameKey(a) < nameKey(b) ? -1 : nameKey(a) > nameKey(b) ? 1 : 0));
}

/** Sort key of a module: `node:` builtins, then packages, then relative paths. @internal */
function moduleKey(module: string): string {
  const rank = module.startsWith('node:') ? 0 : module.startsWith('.') ? 2 : 1;
  return `${rank}${module}`;
}

/**
 * New import declarations: each before the first existing one that sorts after it when the existing ones are
 * sorted, else after the last import.
 */
export function placeNew(
  file: SourceFile,
  fresh: { module: string; text: string }[],
  eol: string,
): TextEdit[] {
  const existing = file.getImportDeclarations();
  if (existing.length === 0) {
    const block = [...fresh]
      .sort((a, b) => (moduleKey(a.module) < moduleKey(b.module) ? -1 : 1))
      .map((f) => f.text);
    return [{ start: 0, end: 0, text: `${block.join(eol)}${eol}${eol}` }];
  }
  const keys = existing.map((d) => moduleKey(d.getModuleSpecifierValue()));
  const sorted = keys.every((k, i) => i === 0 || keys[i - 1]! <= k);
  const last = existing.at(-1)!;
  return fresh.map(({ module, text }) => {
    const before = sorted ? existing.find((_, i) => keys[i]! > moduleKey(module)) : undefined;
    if (before) {
      const at = file.getFullText().lastIndexOf('\n', before.getStart() - 1) + 1;
      return { start: at, end: at, text: `${text}${eol}` };
    }
    return { start: endOfLine(last), end: endOfLine(last), text: `${eol}${text}` };
  });
}

/** `{ a, b }`, on one line or one name a line like the original. */
export function renderList(named: Node, list: string[]): string {
  const original = named.getText();
  if (!original.includes('\n')) return `{ ${list.join(', ')} }`;
  const file = named.getSourceFile().getFullText();
  const eol = file.includes('\r\n') ? '\r\n' : '\n';
  const indent = original.match(/\n([ \t]+)/)?.[1] ?? '  ';
  const trailing = /,\s*}$/.test(original) ? ',' : '';
  return `{${eol}${list.map((n) => `${indent}${n}`).join(`,${eol}`)}${trailing}${eol}}`;
}
