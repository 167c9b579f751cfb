import { type ClassDeclaration, type Node, SyntaxKind } from 'ts-morph';
import type { FileEdits } from './FileEdits.js';
import { afterTrailingComments, endOfLine, lineIndent } from './positions.js';

/**
 * Adds member lines to a class: after `after` when given, else at the top of the body, followed by a blank
 * line when the class has other members.
 */
export function addMembers(
  edits: FileEdits,
  cls: ClassDeclaration,
  lines: readonly string[],
  after?: Node,
): void {
  if (lines.length === 0) return;
  const text = edits.file.getFullText();
  const { eol } = edits.style;
  const members = cls.getMembers();
  const indent = members[0]
    ? lineIndent(text, members[0].getStart())
    : lineIndent(text, cls.getStart()) + edits.style.indent;
  const block = lines.map((l) => `${eol}${indent}${l}`).join('');
  if (after) {
    edits.insert(endOfLine(after), block);
    return;
  }
  const open = cls.getFirstChildByKindOrThrow(SyntaxKind.OpenBraceToken);
  const close = cls.getLastChildByKindOrThrow(SyntaxKind.CloseBraceToken);
  const inside = text.slice(open.getEnd(), close.getStart());
  if (members.length === 0 && !inside.includes('\n') && inside.trim() === '') {
    edits.replace(
      { start: open.getEnd(), end: close.getStart() },
      `${block}${eol}${lineIndent(text, cls.getStart())}`,
    );
    return;
  }
  // A blank line separates the new block from the class's own members, unless they open with declarations
  // of the same kind (statics, `[EntityRepositoryType]`).
  const first = members[0];
  const sameKind = first && (('isStatic' in first && first.isStatic()) || first.getText().startsWith('['));
  edits.insert(afterTrailingComments(text, open.getEnd()), first && !sameKind ? `${block}${eol}` : block);
}

/** Adds `extends Base` to a class that has no base class. */
export function addExtends(edits: FileEdits, cls: ClassDeclaration, base: string): void {
  const typeParametersEnd = cls.getFirstChildByKind(SyntaxKind.GreaterThanToken);
  const name = cls.getNameNode();
  const at = typeParametersEnd?.getEnd() ?? name?.getEnd();
  if (at === undefined) throw new Error('synchro-codegen: cannot add a base class to an anonymous class');
  edits.insert(at, ` extends ${base}`);
}
