import {
  type CallExpression,
  type ClassDeclaration,
  type Decorator,
  type Identifier,
  Node,
  type ObjectLiteralExpression,
  type PropertyAssignment,
  type PropertyDeclaration,
} from 'ts-morph';
import { asObject, getProperty, readBoolean, readStringList, unwrap } from './literals.js';
import { type ResolvedIdentifier, resolveIdentifier } from './resolveDeclaration.js';

/** What an entity class already declares about its natural key. */
export interface ClassKeyDeclaration {
  /** `extends NaturalKeyEntity`. */
  extendsNaturalKeyEntity: boolean;
  /** The class has a base class (NaturalKeyEntity or another). */
  hasBase: boolean;
  /** A base class declares `naturalKey` already, so a new one needs `override`. */
  needsOverride: boolean;
  /** `static naturalKey = [...]`; `properties` is undefined when not a literal list. */
  naturalKey?: { node: PropertyDeclaration; properties?: string[] };
  allowMany?: { node: PropertyDeclaration; value?: boolean };
  /** `[EntityRepositoryType]?: X`. */
  repositoryType?: PropertyDeclaration;
  /** An instance member named `naturalKey` (a column), which NaturalKeyEntity's method would clash with. */
  ownNaturalKeyMember: boolean;
}

/** Reads the natural-key declaration of an entity class. */
export function readClassKey(cls: ClassDeclaration): ClassKeyDeclaration {
  const heritage = cls.getExtends();
  const extendsNaturalKeyEntity = heritage?.getExpression().getText() === 'NaturalKeyEntity';
  const naturalKey = cls.getStaticProperty('naturalKey');
  const allowMany = cls.getStaticProperty('allowMany');
  const repositoryType = cls
    .getProperties()
    .find((p) => !p.isStatic() && p.getNameNode().getText() === '[EntityRepositoryType]');
  return {
    extendsNaturalKeyEntity,
    hasBase: !!heritage,
    needsOverride: extendsNaturalKeyEntity || baseDeclaresNaturalKey(cls),
    naturalKey: Node.isPropertyDeclaration(naturalKey)
      ? { node: naturalKey, properties: readStringList(naturalKey.getInitializer()) }
      : undefined,
    allowMany: Node.isPropertyDeclaration(allowMany)
      ? { node: allowMany, value: readBoolean(allowMany.getInitializer()) }
      : undefined,
    repositoryType,
    ownNaturalKeyMember: !!cls.getInstanceMember('naturalKey'),
  };
}

/** The `repository: () => X` option of an entity and what X is. */
export interface RepositoryOption {
  property: PropertyAssignment;
  /** X, when the option is `() => X`. */
  identifier?: Identifier;
  resolved: ResolvedIdentifier;
  /** The `naturalKeyRepository(...)` call X is built from (directly or through its base classes). */
  natural?: NaturalKeyCall;
}

/** A `naturalKeyRepository([...], { allowMany, base })` call and its literal arguments. */
export interface NaturalKeyCall {
  call: CallExpression;
  properties?: string[];
  options?: ObjectLiteralExpression;
  allowMany?: boolean;
}

/** Reads the `repository` option of `@Entity({...})` or `defineEntity({...})`. */
export function readRepository(options: ObjectLiteralExpression | Decorator): RepositoryOption | undefined {
  if (!Node.isObjectLiteralExpression(options)) return undefined;
  const property = options.getProperty('repository');
  if (!Node.isPropertyAssignment(property)) return undefined;
  const value = unwrap(property.getInitializerOrThrow());
  const body = Node.isArrowFunction(value) ? unwrap(value.getBody()) : undefined;
  const identifier = Node.isIdentifier(body) ? body : undefined;
  const resolved = resolveIdentifier(identifier);
  return { property, identifier, resolved, natural: naturalKeyCallOf(resolved.declaration) };
}

/** The `naturalKeyRepository()` call a class or variable is built from. @internal */
function naturalKeyCallOf(declaration: Node | undefined, depth = 0): NaturalKeyCall | undefined {
  if (depth > 8) return undefined;
  let expression: Node | undefined;
  if (Node.isClassDeclaration(declaration)) expression = declaration.getExtends()?.getExpression();
  else if (Node.isVariableDeclaration(declaration)) expression = declaration.getInitializer();
  const e = expression && unwrap(expression);
  if (Node.isCallExpression(e) && calleeName(e) === 'naturalKeyRepository') {
    const options = asObject(e.getArguments()[1]);
    const allowMany = options && readBoolean(getProperty(options, 'allowMany'));
    return { call: e, properties: readStringList(e.getArguments()[0]), options, allowMany };
  }
  return Node.isIdentifier(e) ? naturalKeyCallOf(resolveIdentifier(e).declaration, depth + 1) : undefined;
}

/** @internal */
function calleeName(call: CallExpression): string {
  const callee = call.getExpression();
  return Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
}

/** @internal */
function baseDeclaresNaturalKey(cls: ClassDeclaration): boolean {
  let base = cls.getBaseClass();
  for (let depth = 0; base && depth < 8; depth++) {
    if (
      base.getStaticProperty('naturalKey') ||
      base.getExtends()?.getExpression().getText() === 'NaturalKeyEntity'
    ) {
      return true;
    }
    base = base.getBaseClass();
  }
  return false;
}
