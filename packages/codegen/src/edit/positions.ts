import { type Node, ts } from 'ts-morph';

/** The end of the line a node ends on, after any trailing comment: where to add the next line. */
export function endOfLine(node: Node): number {
  return afterTrailingComments(node.getSourceFile().getFullText(), node.getEnd());
}

/** A position moved past the comments that follow it on the same line. */
export function afterTrailingComments(text: string, position: number): number {
  const comments = ts.getTrailingCommentRanges(text, position);
  return comments?.length ? comments[comments.length - 1]!.end : position;
}

/** The indentation of the line a position is on. */
export function lineIndent(text: string, position: number): string {
  const start = text.lastIndexOf('\n', position - 1) + 1;
  return text.slice(start).match(/^[ \t]*/)![0];
}

/** The range of the whole line(s) holding a node, its line break included: to delete a statement. */
export function lineRange(node: Node): { start: number; end: number } {
  const text = node.getSourceFile().getFullText();
  const start = text.lastIndexOf('\n', node.getStart(true) - 1) + 1;
  let end = endOfLine(node);
  if (text.startsWith('\r\n', end)) end += 2;
  else if (text[end] === '\n') end += 1;
  return { start, end };
}
