import { type ImportDeclaration, Node, SyntaxKind } from 'ts-morph';

/** Where an identifier comes from: its declaration, and the import it went through. */
export interface ResolvedIdentifier {
  declaration?: Node;
  /** The import declaration the name comes through, when imported. */
  importDeclaration?: ImportDeclaration;
  /** The import's module cannot be found (a missing file). */
  missingModule: boolean;
}

/** Follows an identifier through imports to its declaration. */
export function resolveIdentifier(node: Node | undefined): ResolvedIdentifier {
  if (!Node.isIdentifier(node)) return { missingModule: false };
  const symbol = node.getSymbol();
  const local = symbol?.getDeclarations()[0];
  const importDeclaration = local?.getFirstAncestorByKind(SyntaxKind.ImportDeclaration);
  const target = importDeclaration ? symbol!.getAliasedSymbol() : symbol;
  const declaration = target?.getDeclarations()[0];
  const missingModule = !!importDeclaration && !importDeclaration.getModuleSpecifierSourceFile();
  return { declaration, importDeclaration, missingModule };
}

/** The declaration an identifier refers to, through imports; undefined when it cannot be resolved. */
export function resolveDeclaration(node: Node | undefined): Node | undefined {
  return resolveIdentifier(node).declaration;
}
