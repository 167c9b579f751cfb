import { type Decorator, Node, type ObjectLiteralExpression, SyntaxKind } from 'ts-morph';
import type { FileEdits } from './FileEdits.js';
import { afterTrailingComments, lineIndent } from './positions.js';

/** Adds `name: value` as the last property of an object literal, in its layout (one line or one per line). */
export function addProperty(edits: FileEdits, object: ObjectLiteralExpression, property: string): void {
  const text = edits.file.getFullText();
  const properties = object.getProperties();
  const last = properties.at(-1);
  if (!last) {
    edits.replace(object, `{ ${property} }`);
    return;
  }
  const afterLast = text.slice(last.getEnd(), object.getEnd() - 1);
  const comma = afterLast.match(/^\s*,/);
  const multiline = text.slice(object.getStart(), properties[0]!.getStart()).includes('\n');
  if (!multiline) {
    if (comma) edits.insert(last.getEnd() + comma[0].length, ` ${property},`);
    else edits.insert(last.getEnd(), `, ${property}`);
    return;
  }
  const indent = lineIndent(text, properties[0]!.getStart());
  const { eol } = edits.style;
  if (comma) {
    edits.insert(afterTrailingComments(text, last.getEnd() + comma[0].length), `${eol}${indent}${property},`);
  } else {
    edits.insert(last.getEnd(), ',');
    edits.insert(afterTrailingComments(text, last.getEnd()), `${eol}${indent}${property}`);
  }
}

/** Gives an `@Entity` decorator without options its first one: `@Entity()` → `@Entity({ name: value })`. */
export function addDecoratorOptions(edits: FileEdits, decorator: Decorator, property: string): void {
  if (!decorator.isDecoratorFactory()) {
    edits.insert(decorator.getEnd(), `({ ${property} })`);
    return;
  }
  const open = decorator.getCallExpressionOrThrow().getFirstChildByKindOrThrow(SyntaxKind.OpenParenToken);
  edits.insert(open.getEnd(), `{ ${property} }`);
}

/** Adds `property` to the entity options, whichever form they have. */
export function addEntityOption(
  edits: FileEdits,
  options: ObjectLiteralExpression | Decorator,
  property: string,
) {
  if (Node.isObjectLiteralExpression(options)) addProperty(edits, options, property);
  else addDecoratorOptions(edits, options, property);
}
