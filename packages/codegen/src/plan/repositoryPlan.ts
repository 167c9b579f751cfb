import { Node, type SourceFile } from 'ts-morph';
import type { EntityInfo } from '../discover/EntityInfo.js';
import type { NaturalKeyCall, RepositoryOption } from '../discover/existingDeclarations.js';
import { lastStatement, topLevelStatement } from '../discover/statements.js';
import type { PlanContext } from './PlanContext.js';

/** Where the entity's natural-key repository is, or will be. */
export type RepositoryPlan =
  | { kind: 'existing'; name: string; file: SourceFile; natural: NaturalKeyCall }
  | {
      kind: 'new';
      name: string;
      /** The file the repository class is added to, after `anchor`. */
      file: SourceFile;
      anchor: Node;
      /** The entity's current (custom) repository, kept as base. */
      base?: { name: string; option: RepositoryOption; typeArgument?: string };
      /** How the entity file imports the new class, when it is added to the base's file. */
      importFrom?: string;
    };

/** Decides where the repository goes and its name; a string says why the entity is skipped. */
export function planRepository(
  ctx: PlanContext,
  info: EntityInfo,
  option: RepositoryOption | undefined,
): RepositoryPlan | string {
  if (option?.natural) {
    return {
      kind: 'existing',
      name: option.identifier!.getText(),
      file: option.natural.call.getSourceFile(),
      natural: option.natural,
    };
  }
  if (!option) {
    const name = [`${info.name}Repository`, `${info.name}NaturalKeyRepository`].find((n) =>
      ctx.isFree(n, info.file),
    );
    if (!name)
      return `${info.name}: the names ${info.name}Repository and ${info.name}NaturalKeyRepository are taken`;
    ctx.reserve(info.file, name);
    return { kind: 'new', name, file: info.file, anchor: info.anchor };
  }

  const baseName = option.identifier!.getText();
  const declaration = option.resolved.declaration;
  const declared = declaration && topLevelStatement(declaration).getSourceFile();
  const editable = declared && ctx.editable.has(declared);
  // A class extending the base is evaluated when its module loads, so it goes after the base: in the base's own
  // file when that is another of the project's files (the entity file may load first in an import cycle).
  const file = editable ? declared : info.file;
  const anchor =
    file === info.file
      ? lastStatement([info.anchor, editable ? declaration : undefined])
      : topLevelStatement(declaration!);
  const name = `${info.name}NaturalKeyRepository`;
  if (!ctx.isFree(name, file, info.file)) return `${info.name}: the name ${name} is taken`;
  ctx.reserve(file, name);
  if (file !== info.file) ctx.reserve(info.file, name);
  if (file === info.file) return { kind: 'new', name, file, anchor, base: { name: baseName, option } };
  // In the base's file, the base goes by its declared name (the entity file may import it under an alias).
  const named = Node.isClassDeclaration(declaration) || Node.isVariableDeclaration(declaration);
  const declaredName = (named && declaration.getName()) || baseName;
  const heritage = Node.isClassDeclaration(declaration) ? declaration.getExtends() : undefined;
  const typeArgs = heritage?.getTypeArguments() ?? [];
  return {
    kind: 'new',
    name,
    file,
    anchor,
    base: {
      name: declaredName,
      option,
      typeArgument: typeArgs.length === 1 ? typeArgs[0]!.getText() : undefined,
    },
    importFrom: option.resolved.importDeclaration?.getModuleSpecifierValue(),
  };
}
