import { Node } from 'ts-morph';

/** The top-level statement that contains a node. */
export function topLevelStatement(node: Node): Node {
  let current = node;
  while (current.getParent() && !Node.isSourceFile(current.getParent())) current = current.getParentOrThrow();
  return current;
}

/** Of the nodes in `file`, the top-level statement that ends last: new declarations go after it. */
export function lastStatement(nodes: readonly (Node | undefined)[]): Node {
  const file = nodes.find((n) => n)!.getSourceFile();
  const statements = nodes.filter((n): n is Node => !!n && n.getSourceFile() === file).map(topLevelStatement);
  return statements.reduce((a, b) => (b.getEnd() > a.getEnd() ? b : a));
}
