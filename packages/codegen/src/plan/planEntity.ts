import type { EntityInfo } from '../discover/EntityInfo.js';
import { readClassKey, readRepository } from '../discover/existingDeclarations.js';
import { formatProblem } from '../errors/CodegenError.js';
import { chooseKey, isKeyChoice } from './chooseKey.js';
import { emitClass } from './emitClass.js';
import { emitRepository } from './emitRepository.js';
import { emitEntityType, findEntityType } from './entityType.js';
import type { PlanContext } from './PlanContext.js';
import { planRepository } from './repositoryPlan.js';
import type { EntityChanges, SkippedEntity, SkipReason } from './results.js';

/** What the options ask for one entity. */
export interface EntityRequest {
  key?: string[];
  allowMany: boolean;
}

/**
 * Plans the edits that give one entity its natural key. Every reason to skip is found before the first edit
 * is recorded, so a skipped entity leaves no partial change. Returns undefined when nothing needs to change.
 */
export function planEntity(
  ctx: PlanContext,
  info: EntityInfo,
  request: EntityRequest,
): EntityChanges | SkippedEntity | undefined {
  const skip = (reason: SkipReason, message: string, candidates?: string[][]): SkippedEntity => ({
    file: ctx.display(info.file),
    line: info.node.getStartLineNumber(),
    entity: info.name,
    reason,
    message,
    ...(candidates ? { candidates } : {}),
  });

  const existing = { cls: info.cls && readClassKey(info.cls), repository: readRepository(info.options) };
  const option = existing.repository;
  if (option && !option.identifier) {
    const text = option.property.getInitializerOrThrow().getText();
    return skip(
      'unsupported',
      `${info.name}: its repository option (${text}) is not of the form () => SomeRepository.`,
    );
  }
  if (option?.resolved.missingModule) {
    const declaration = option.resolved.importDeclaration!;
    const message = `cannot find module '${declaration.getModuleSpecifierValue()}' (imported for the repository of ${info.name})`;
    ctx.problems.push({
      file: ctx.display(declaration.getSourceFile()),
      line: declaration.getStartLineNumber(),
      message,
    });
    return undefined;
  }
  const clsFile = info.cls?.getSourceFile();
  if (clsFile && !ctx.editable.has(clsFile)) {
    const where = ctx.display(clsFile);
    return skip(
      'unsupported',
      `${info.name}: its class is declared outside the project (${where}); declare its key by hand.`,
    );
  }
  if (existing.cls?.ownNaturalKeyMember) {
    return skip(
      'unsupported',
      `${info.name} has its own naturalKey member, which NaturalKeyEntity's method would clash with; rename it.`,
    );
  }
  const choice = chooseKey(info, existing, request);
  if (!isKeyChoice(choice)) return skip(choice.reason, choice.message, choice.candidates);

  const repository = planRepository(ctx, info, option);
  if (typeof repository === 'string') return skip('unsupported', repository);
  const needsType = repository.kind === 'new' && !repository.base?.typeArgument;
  const type = needsType ? findEntityType(ctx, info) : undefined;
  if (typeof type === 'string') return skip('unsupported', type);

  const changes: string[] = [];
  if (type) changes.push(...emitEntityType(ctx, info, type, repository.file));
  changes.push(...emitRepository(ctx, info, repository, choice, type?.name));
  if (info.cls) {
    const target = info.declaresRepositoryType ? { name: repository.name, file: repository.file } : undefined;
    changes.unshift(...emitClass(ctx, info.cls, existing.cls!, choice, target));
  }
  return changes.length ? { file: ctx.display(info.file), entity: info.name, changes } : undefined;
}

/** A skipped entity as one line: `file:line - message`. */
export function formatSkipped(skipped: SkippedEntity): string {
  return formatProblem({ file: skipped.file, line: skipped.line, message: skipped.message });
}
