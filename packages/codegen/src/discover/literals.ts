import { type Expression, Node, type ObjectLiteralExpression } from 'ts-morph';

/** Strips parentheses, `as`, `satisfies` and `<T>` casts around an expression. */
export function unwrap(expression: Node): Node {
  let e = expression;
  while (
    Node.isParenthesizedExpression(e) ||
    Node.isAsExpression(e) ||
    Node.isSatisfiesExpression(e) ||
    Node.isTypeAssertion(e)
  ) {
    e = e.getExpression();
  }
  return e;
}

/** The value of `name` in an object literal (a shorthand property gives its identifier). */
export function getProperty(object: ObjectLiteralExpression, name: string): Expression | undefined {
  const property = object.getProperty(name);
  if (Node.isPropertyAssignment(property)) return property.getInitializer();
  if (Node.isShorthandPropertyAssignment(property)) return property.getNameNode();
  return undefined;
}

/** The text of a string literal, or undefined. */
export function readString(node: Node | undefined): string | undefined {
  const e = node && unwrap(node);
  return Node.isStringLiteral(e) || Node.isNoSubstitutionTemplateLiteral(e) ? e.getLiteralText() : undefined;
}

/** `['a', 'b']` or `'a'` as a list of strings; undefined when it is not made of literals. */
export function readStringList(node: Node | undefined): string[] | undefined {
  const e = node && unwrap(node);
  if (!e) return undefined;
  const single = readString(e);
  if (single !== undefined) return [single];
  if (!Node.isArrayLiteralExpression(e)) return undefined;
  const items = e.getElements().map(readString);
  return items.every((x) => x !== undefined) ? (items as string[]) : undefined;
}

/** `true`, or a string (a named constraint), turns an option like `unique` on. */
export function isOn(node: Node | undefined): boolean {
  const e = node && unwrap(node);
  return !!e && (Node.isTrueLiteral(e) || readString(e) !== undefined);
}

/** The value of a boolean literal, or undefined. */
export function readBoolean(node: Node | undefined): boolean | undefined {
  const e = node && unwrap(node);
  if (Node.isTrueLiteral(e)) return true;
  if (Node.isFalseLiteral(e)) return false;
  return undefined;
}

/** The object literal an expression is, after unwrapping, or undefined. */
export function asObject(node: Node | undefined): ObjectLiteralExpression | undefined {
  const e = node && unwrap(node);
  return Node.isObjectLiteralExpression(e) ? e : undefined;
}
