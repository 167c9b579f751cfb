import { Node, type SourceFile, SyntaxKind } from 'ts-morph';
import { readDecoratedEntity } from './decoratedEntity.js';
import { readDefinedEntity } from './definedEntity.js';
import type { EntityInfo, UnsupportedEntity } from './EntityInfo.js';

/** The entities found in the scanned files, and the entity-like declarations that cannot be handled. */
export interface Discovery {
  entities: EntityInfo[];
  unsupported: UnsupportedEntity[];
}

/** Finds decorated entity classes and `defineEntity()` calls in the files. */
export function discoverEntities(files: readonly SourceFile[]): Discovery {
  const found: (EntityInfo | UnsupportedEntity)[] = [];
  for (const file of files) {
    for (const cls of file.getDescendantsOfKind(SyntaxKind.ClassDeclaration)) {
      const entity = readDecoratedEntity(cls);
      if (entity) found.push(entity);
    }
    for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      if (!isDefineEntity(call.getExpression())) continue;
      const entity = readDefinedEntity(call);
      if (entity) found.push(entity);
    }
  }
  return {
    entities: found.filter((e): e is EntityInfo => 'style' in e),
    unsupported: found.filter((e): e is UnsupportedEntity => 'reason' in e),
  };
}

/** `defineEntity(...)` or `x.defineEntity(...)`. @internal */
function isDefineEntity(callee: Node): boolean {
  if (Node.isIdentifier(callee)) return callee.getText() === 'defineEntity';
  return Node.isPropertyAccessExpression(callee) && callee.getName() === 'defineEntity';
}
