import type { SourceFile, TypeAliasDeclaration } from 'ts-morph';
import type { EntityInfo } from '../discover/EntityInfo.js';
import { relativeSpecifier } from '../edit/FileStyle.js';
import { endOfLine } from '../edit/positions.js';
import { mikroOrmModule, type PlanContext } from './PlanContext.js';

/** How generated code names the entity type: the class, or an interface over `InferEntity<typeof Schema>`. */
export interface EntityType {
  name: string;
  /** The file that declares (or will declare) `name`. */
  file: SourceFile;
  /** For a schema without class: the interface to add, or the type alias to turn into one. */
  create?: { schema: string } | { alias: TypeAliasDeclaration; schema: string };
}

/**
 * Finds the entity type. A `defineEntity()` schema without class needs an interface: a type alias of
 * `InferEntity<typeof Schema>` would be circular once the schema's `repository` refers to a class built on it.
 */
export function findEntityType(ctx: PlanContext, info: EntityInfo): EntityType | string {
  if (info.cls) {
    const name = info.cls.getName()!;
    if (info.cls.getSourceFile() !== info.file && !info.cls.isExported()) {
      return `${info.name}: its class ${name} is not exported from ${ctx.display(info.cls.getSourceFile())}`;
    }
    return { name, file: info.cls.getSourceFile() };
  }
  const schema = info.schemaVariable?.getName();
  if (!schema) return `${info.name}: its defineEntity() schema is not assigned to a variable`;
  const inferred = `InferEntity<typeof ${schema}>`;
  const same = (text: string | undefined) => text?.replace(/\s+/g, '') === inferred.replace(/\s+/g, '');
  const existing = info.file.getInterfaces().find((i) => i.getExtends().some((e) => same(e.getText())));
  if (existing) return { name: existing.getName(), file: info.file };
  const alias = info.file.getTypeAliases().find((t) => same(t.getTypeNode()?.getText()));
  if (alias) return { name: alias.getName(), file: info.file, create: { alias, schema } };
  const name = [`I${info.name}`, `${info.name}Entity`].find((n) => ctx.isFree(n, info.file));
  if (!name)
    return `${info.name}: the names I${info.name} and ${info.name}Entity are both taken in ${ctx.display(info.file)}`;
  ctx.reserve(info.file, name);
  return { name, file: info.file, create: { schema } };
}

/** Adds (or converts to) the entity interface when needed, and imports the type where it is used. */
export function emitEntityType(
  ctx: PlanContext,
  info: EntityInfo,
  type: EntityType,
  usedIn: SourceFile,
): string[] {
  const changes: string[] = [];
  const edits = ctx.edits(type.file);
  if (type.create) {
    const { eol } = edits.style;
    const declaration = `interface ${type.name} extends InferEntity<typeof ${type.create.schema}> {}`;
    edits.importType(mikroOrmModule(type.file), 'InferEntity');
    if ('alias' in type.create) {
      const alias = type.create.alias;
      const modifiers = alias
        .getModifiers()
        .map((m) => `${m.getText()} `)
        .join('');
      edits.replace(alias, `${modifiers}${declaration}`);
      changes.push(`type ${type.name} → interface (a type alias would be circular with the repository)`);
    } else {
      edits.insert(endOfLine(info.anchor), `${eol}${eol}export ${declaration}`);
      changes.push(`interface ${type.name} extends InferEntity<typeof ${type.create.schema}>`);
    }
  }
  if (usedIn !== type.file) {
    const target = ctx.edits(usedIn);
    target.importType(relativeSpecifier(usedIn, type.file, target.style), type.name);
  }
  return changes;
}
