import { type ClassDeclaration, type SourceFile, SyntaxKind } from 'ts-morph';
import type { ClassKeyDeclaration } from '../discover/existingDeclarations.js';
import { addExtends, addMembers } from '../edit/classMembers.js';
import { relativeSpecifier, stringArray } from '../edit/FileStyle.js';
import type { KeyChoice } from './chooseKey.js';
import { CORE_MODULE, mikroOrmModule, type PlanContext } from './PlanContext.js';

/** The repository the class should name in `[EntityRepositoryType]`, when it declares one. */
export interface RepositoryTypeTarget {
  name: string;
  file: SourceFile;
}

/**
 * Gives the entity class its natural-key declaration: `extends NaturalKeyEntity` when it has no base class,
 * `static naturalKey` (and `allowMany`), and `[EntityRepositoryType]` so `em.getRepository()` is typed.
 */
export function emitClass(
  ctx: PlanContext,
  cls: ClassDeclaration,
  existing: ClassKeyDeclaration,
  choice: KeyChoice,
  repository: RepositoryTypeTarget | undefined,
): string[] {
  const file = cls.getSourceFile();
  const edits = ctx.edits(file);
  const semi = edits.style.semicolon ? ';' : '';
  const keys = stringArray(edits.style, choice.properties);
  const changes: string[] = [];
  const lines: string[] = [];

  if (!existing.hasBase) {
    addExtends(edits, cls, 'NaturalKeyEntity');
    edits.importValue(CORE_MODULE, 'NaturalKeyEntity');
    changes.push('extends NaturalKeyEntity');
    // The statics now override NaturalKeyEntity's: `noImplicitOverride` projects need the keyword.
    for (const node of [existing.naturalKey?.node, existing.allowMany?.node]) {
      const keyword = node?.getModifiers().find((m) => m.getKind() === SyntaxKind.StaticKeyword);
      if (keyword && !node!.hasOverrideKeyword()) edits.insert(keyword.getEnd(), ' override');
    }
  }
  const override = !existing.hasBase || existing.needsOverride ? 'override ' : '';
  const declared = existing.naturalKey;
  if (!declared) {
    lines.push(`static ${override}naturalKey = ${keys} as const${semi}`);
    changes.push(`static naturalKey = ${keys}`);
  } else if (declared.properties?.join() !== choice.properties.join()) {
    edits.replace(declared.node.getInitializerOrThrow(), `${keys} as const`);
    changes.push(`static naturalKey: ${declared.node.getInitializerOrThrow().getText()} → ${keys}`);
  }
  if (choice.allowMany && !existing.allowMany) {
    lines.push(`static ${override}allowMany = true${semi}`);
    changes.push('static allowMany = true');
  } else if (choice.allowMany && existing.allowMany?.value !== true) {
    edits.replace(existing.allowMany!.node.getInitializerOrThrow(), 'true');
    changes.push('static allowMany = true');
  }

  if (repository) {
    const typeNode = existing.repositoryType?.getTypeNode();
    if (!existing.repositoryType) {
      lines.push(`declare [EntityRepositoryType]?: ${repository.name}${semi}`);
      edits.importValue(mikroOrmModule(file), 'EntityRepositoryType');
      changes.push(`[EntityRepositoryType]: ${repository.name}`);
    } else if (typeNode && typeNode.getText() !== repository.name) {
      edits.replace(typeNode, repository.name);
      edits.maybeUnused.add(typeNode.getText());
      changes.push(`[EntityRepositoryType]: ${typeNode.getText()} → ${repository.name}`);
    }
    const needsImport =
      lines.some((l) => l.includes('[EntityRepositoryType]')) || typeNode?.getText() !== repository.name;
    if (needsImport && repository.file !== file) {
      edits.importType(relativeSpecifier(file, repository.file, edits.style), repository.name);
    }
  }
  addMembers(edits, cls, lines, declared?.node);
  return changes;
}
