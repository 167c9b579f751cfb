import { type CallExpression, type ClassDeclaration, Node, type ObjectLiteralExpression } from 'ts-morph';
import { addUnique, type EntityInfo, type UnsupportedEntity } from './EntityInfo.js';
import { asObject, getProperty, isOn, readBoolean, readString, readStringList, unwrap } from './literals.js';
import { resolveDeclaration } from './resolveDeclaration.js';
import { lastStatement } from './statements.js';

/** Reads a `defineEntity({...})` call; undefined for embeddables and calls that are not entities. */
export function readDefinedEntity(call: CallExpression): EntityInfo | UnsupportedEntity | undefined {
  const file = call.getSourceFile();
  const meta = asObject(call.getArguments()[0]);
  if (!meta || readBoolean(getProperty(meta, 'embeddable')) === true) return undefined;

  const classRef = getProperty(meta, 'class');
  const declared = classRef && resolveDeclaration(unwrap(classRef));
  const parent = call.getParent();
  const variable = Node.isVariableDeclaration(parent) ? parent : undefined;
  const registered = variable && findSetClass(variable.getName(), call);
  const setClass = registered?.cls;
  const cls = Node.isClassDeclaration(declared) ? declared : setClass;
  const name =
    readString(getProperty(meta, 'name')) ?? readString(getProperty(meta, 'className')) ?? cls?.getName();
  if (!name) return undefined;
  if (classRef && !cls) {
    return {
      name,
      file,
      node: call,
      reason: `its class (${classRef.getText()}) could not be resolved to a declaration`,
    };
  }

  const props = propertiesObject(getProperty(meta, 'properties'));
  const primaryKeys = readStringList(getProperty(meta, 'primaryKeys')) ?? [];
  const properties: string[] = [];
  const singles: string[] = [];
  for (const property of props?.getProperties() ?? []) {
    if (!Node.isPropertyAssignment(property) && !Node.isShorthandPropertyAssignment(property)) continue;
    const prop = property.getName();
    properties.push(prop);
    const flags = Node.isPropertyAssignment(property)
      ? builderFlags(property.getInitializerOrThrow())
      : undefined;
    if (flags?.primary) primaryKeys.push(prop);
    if (flags?.unique) singles.push(prop);
  }

  const uniques: string[][] = [];
  for (const prop of singles) addUnique(uniques, [prop], primaryKeys);
  const uniquesList = unwrap(getProperty(meta, 'uniques') ?? meta);
  for (const element of Node.isArrayLiteralExpression(uniquesList) ? uniquesList.getElements() : []) {
    const object = asObject(element);
    const list = object && readStringList(getProperty(object, 'properties'));
    if (list) addUnique(uniques, list, primaryKeys);
  }

  const complete =
    !!props && !props.getProperties().some(Node.isSpreadAssignment) && !meta.getProperty('extends');
  return {
    name,
    style: 'define-entity',
    file,
    node: call,
    anchor: lastStatement([call, cls, registered?.statement]),
    cls,
    // With `setClass`, the class extends `Schema.class`, which already carries the repository type.
    declaresRepositoryType: cls !== undefined && cls !== setClass,
    options: meta,
    schemaVariable: variable,
    properties,
    propertiesComplete: complete,
    uniques,
    abstract: readBoolean(getProperty(meta, 'abstract')) === true,
  };
}

/** The object of `properties: {...}` or `properties: (p) => ({...})`. @internal */
function propertiesObject(node: Node | undefined): ObjectLiteralExpression | undefined {
  const e = node && unwrap(node);
  if (Node.isArrowFunction(e) || Node.isFunctionExpression(e)) {
    const body = e.getBody();
    if (Node.isBlock(body))
      return asObject(body.getStatements().find(Node.isReturnStatement)?.getExpression());
    return asObject(body);
  }
  return asObject(e);
}

/** Whether a property definition (`p.string().unique()`, `{ unique: true }`, ...) is primary or unique. @internal */
function builderFlags(node: Node): { primary: boolean; unique: boolean } {
  const flags = { primary: false, unique: false };
  let e = unwrap(node);
  if (Node.isArrowFunction(e)) e = unwrap(e.getBody());
  const object = asObject(e);
  if (object)
    return { primary: isOn(getProperty(object, 'primary')), unique: isOn(getProperty(object, 'unique')) };
  while (Node.isCallExpression(e)) {
    const callee = e.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) break;
    const arg = e.getArguments()[0];
    const on = arg === undefined || isOn(arg);
    if (callee.getName() === 'primary' && on) flags.primary = true;
    if (callee.getName() === 'unique' && on) flags.unique = true;
    e = unwrap(callee.getExpression());
  }
  return flags;
}

/** The class registered with `Schema.setClass(Class)` in the schema's file. @internal */
function findSetClass(
  schema: string,
  call: CallExpression,
): { cls: ClassDeclaration; statement: Node } | undefined {
  for (const statement of call.getSourceFile().getStatements()) {
    const e = Node.isExpressionStatement(statement) ? statement.getExpression() : undefined;
    if (!Node.isCallExpression(e)) continue;
    const callee = e.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'setClass') continue;
    if (callee.getExpression().getText() !== schema) continue;
    const declaration = resolveDeclaration(e.getArguments()[0]);
    if (Node.isClassDeclaration(declaration)) return { cls: declaration, statement };
  }
  return undefined;
}
