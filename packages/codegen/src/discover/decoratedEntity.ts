import { type ClassDeclaration, type Decorator, Node } from 'ts-morph';
import { addUnique, type EntityInfo, type UnsupportedEntity } from './EntityInfo.js';
import { asObject, getProperty, isOn, readStringList } from './literals.js';
import { topLevelStatement } from './statements.js';

/** Reads a class decorated with `@Entity()` (legacy or ES decorators); undefined for any other class. */
export function readDecoratedEntity(cls: ClassDeclaration): EntityInfo | UnsupportedEntity | undefined {
  const decorator = cls.getDecorators().find((d) => d.getName() === 'Entity');
  const name = cls.getName();
  if (!decorator || !name) return undefined;
  const file = cls.getSourceFile();

  const args = decorator.isDecoratorFactory() ? decorator.getArguments() : [];
  const options = args.length === 0 ? decorator : asObject(args[0]);
  if (!options) {
    const reason = `@Entity(${args[0]!.getText()}) has no object literal to add \`repository\` to`;
    return { name, file, node: cls, reason };
  }

  const primaryKeys: string[] = [];
  const singles: string[] = [];
  const properties: string[] = [];
  for (const member of cls.getMembers()) {
    if (!(Node.isPropertyDeclaration(member) || Node.isGetAccessorDeclaration(member)) || member.isStatic())
      continue;
    const prop = member.getName();
    properties.push(prop);
    const decorators = member.getDecorators();
    if (decorators.some((d) => d.getName() === 'PrimaryKey' || isOn(option(d, 'primary'))))
      primaryKeys.push(prop);
    if (decorators.some((d) => d.getName() === 'Unique' || isOn(option(d, 'unique')))) singles.push(prop);
  }

  const uniques: string[][] = [];
  for (const prop of singles) addUnique(uniques, [prop], primaryKeys);
  for (const d of cls.getDecorators().filter((x) => x.getName() === 'Unique')) {
    const list = readStringList(option(d, 'properties'));
    if (list) addUnique(uniques, list, primaryKeys);
  }

  const inherited = inheritedProperties(cls);
  return {
    name,
    style: 'decorator',
    file,
    node: cls,
    anchor: topLevelStatement(cls),
    cls,
    declaresRepositoryType: true,
    options,
    properties: [...properties, ...(inherited ?? [])],
    propertiesComplete: inherited !== undefined,
    uniques,
    abstract:
      cls.isAbstract() || (Node.isObjectLiteralExpression(options) && isOn(getProperty(options, 'abstract'))),
  };
}

/** The value of an option in a decorator's first (object) argument. @internal */
function option(decorator: Decorator, name: string): Node | undefined {
  const object = decorator.isDecoratorFactory() ? asObject(decorator.getArguments()[0]) : undefined;
  return object && getProperty(object, name);
}

/** Property names declared by base classes; undefined when a base cannot be resolved. @internal */
function inheritedProperties(cls: ClassDeclaration): string[] | undefined {
  const names: string[] = [];
  let current: ClassDeclaration | undefined = cls;
  while (current?.getExtends()) {
    const base: ClassDeclaration | undefined = current.getBaseClass();
    if (!base)
      return current.getExtends()!.getExpression().getText() === 'NaturalKeyEntity' ? names : undefined;
    for (const member of base.getInstanceProperties()) names.push(member.getName());
    current = base;
  }
  return names;
}
