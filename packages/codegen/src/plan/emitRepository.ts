import type { EntityInfo } from '../discover/EntityInfo.js';
import { relativeSpecifier, stringArray } from '../edit/FileStyle.js';
import { addEntityOption, addProperty } from '../edit/objectLiteral.js';
import { endOfLine } from '../edit/positions.js';
import type { KeyChoice } from './chooseKey.js';
import { CORE_MODULE, type PlanContext } from './PlanContext.js';
import type { RepositoryPlan } from './repositoryPlan.js';

/** Adds or updates the natural-key repository and wires it into the entity; returns the change lines. */
export function emitRepository(
  ctx: PlanContext,
  info: EntityInfo,
  plan: RepositoryPlan,
  choice: KeyChoice,
  entityType: string | undefined,
): string[] {
  const edits = ctx.edits(plan.file);
  const keys = stringArray(edits.style, choice.properties);
  if (plan.kind === 'existing') return updateCall(ctx, plan, choice);

  const { eol } = edits.style;
  const base = plan.base;
  const type = base?.typeArgument ?? entityType!;
  const generics = base ? `<${type}, typeof ${base.name}>` : `<${type}>`;
  const options = [choice.allowMany && 'allowMany: true', base && `base: ${base.name}`].filter(Boolean);
  const args = options.length ? `${keys}, { ${options.join(', ')} }` : keys;
  const doc = `/** Repository of ${info.name}, with lookups by its natural key (added by synchro-codegen). */`;
  const head = `export class ${plan.name} extends naturalKeyRepository${generics}(`;
  const lines = [keys, ...(options.length ? [`{ ${options.join(', ')} }`] : [])];
  const oneLine = `${head}${args}) {}`;
  const indent = edits.style.indent;
  const declaration =
    oneLine.length <= 100 ? oneLine : `${head}${lines.map((l) => `${eol}${indent}${l},`).join('')}${eol}) {}`;
  edits.insert(endOfLine(plan.anchor), `${eol}${eol}${doc}${eol}${declaration}`);
  edits.importValue(CORE_MODULE, 'naturalKeyRepository');

  const where = plan.file === info.file ? '' : ` in ${ctx.display(plan.file)}`;
  const changes = [
    `class ${plan.name} = naturalKeyRepository(${keys}${base ? `, base ${base.name}` : ''})${where}`,
  ];
  const entityEdits = ctx.edits(info.file);
  if (base) {
    entityEdits.replace(base.option.identifier!, plan.name);
    entityEdits.maybeUnused.add(base.option.identifier!.getText());
    changes.push(`repository: () => ${base.option.identifier!.getText()} → ${plan.name}`);
  } else {
    addEntityOption(entityEdits, info.options, `repository: () => ${plan.name}`);
    changes.push(`repository: () => ${plan.name}`);
  }
  if (plan.file !== info.file) {
    entityEdits.importValue(
      plan.importFrom ?? relativeSpecifier(info.file, plan.file, entityEdits.style),
      plan.name,
    );
  }
  return changes;
}

/** Brings an existing `naturalKeyRepository(...)` call in line with the chosen key. @internal */
function updateCall(
  ctx: PlanContext,
  plan: RepositoryPlan & { kind: 'existing' },
  choice: KeyChoice,
): string[] {
  const { call, properties, options, allowMany } = plan.natural;
  const edits = ctx.edits(plan.file);
  const keys = stringArray(edits.style, choice.properties);
  const changes: string[] = [];
  const [first] = call.getArguments();
  if (properties?.join() !== choice.properties.join()) {
    if (first) edits.replace(first, keys);
    else edits.insert(call.getEnd() - 1, keys);
    changes.push(`${plan.name}: naturalKeyRepository(${first?.getText() ?? ''}) → (${keys})`);
  }
  if (choice.allowMany && allowMany !== true) {
    const existing = options?.getProperty('allowMany');
    if (existing) edits.replace(existing, 'allowMany: true');
    else if (options) addProperty(edits, options, 'allowMany: true');
    else edits.insert(first ? first.getEnd() : call.getEnd() - 1, ', { allowMany: true }');
    changes.push(`${plan.name}: allowMany: true`);
  }
  return changes;
}
