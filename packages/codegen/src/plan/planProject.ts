import { Project } from 'ts-morph';
import { discoverEntities } from '../discover/discoverEntities.js';
import type { EntityInfo } from '../discover/EntityInfo.js';
import { CodegenError } from '../errors/CodegenError.js';
import { displayPath, type LoadedProject, syntaxProblems } from '../project/loadProject.js';
import { PlanContext } from './PlanContext.js';
import { planEntity } from './planEntity.js';
import type { EntityChanges, FileChange, SkippedEntity } from './results.js';

/** Everything a run would do, computed before any file is written. */
export interface NaturalKeyPlan {
  /** Entities that change, with one line per change. */
  entities: EntityChanges[];
  /** Entities left alone, with why and how to fix it. */
  skipped: SkippedEntity[];
  /** Entities whose natural key is already fully declared. */
  unchanged: { file: string; entity: string }[];
  /** The files that change, with their text before and after. */
  files: FileChange[];
}

/** Natural keys and allowMany asked for by entity name. */
export interface KeyRequests {
  keys?: Record<string, string[]>;
  allowMany?: string[];
}

/** Plans the natural-key edits for every entity of a loaded project. Throws CodegenError on user mistakes. */
export function planProject(loaded: LoadedProject, requests: KeyRequests): NaturalKeyPlan {
  const { entities, unsupported } = discoverEntities(loaded.files);
  const keys = requests.keys ?? {};
  const allowMany = new Set(requests.allowMany ?? []);
  validateRequests(entities, keys, allowMany, loaded.cwd);

  const ctx = new PlanContext(loaded.cwd, loaded.editable);
  const plan: NaturalKeyPlan = { entities: [], skipped: [], unchanged: [], files: [] };
  for (const u of unsupported) {
    const message = `${u.name}: skipped, ${u.reason}.`;
    plan.skipped.push({
      file: ctx.display(u.file),
      line: u.node.getStartLineNumber(),
      entity: u.name,
      reason: 'unsupported',
      message,
    });
  }
  for (const info of entities) {
    const result = planEntity(ctx, info, { key: keys[info.name], allowMany: allowMany.has(info.name) });
    if (result && 'reason' in result) plan.skipped.push(result);
    else if (result) plan.entities.push(result);
    else if (!ctx.problems.length) plan.unchanged.push({ file: ctx.display(info.file), entity: info.name });
  }

  for (const [file, edits] of ctx.files) {
    if (!edits.changed) continue;
    ctx.problems.push(...syntaxProblems(file, loaded.cwd));
    const before = file.getFullText();
    const after = edits.render();
    if (after !== before)
      plan.files.push({ path: file.getFilePath(), file: ctx.display(file), before, after });
  }
  if (ctx.problems.length) throw CodegenError.invalidFiles(ctx.problems);
  assertParses(plan.files);
  return plan;
}

/** Checks `--key` and `--allow-many` against the entities found. @internal */
function validateRequests(
  entities: EntityInfo[],
  keys: Record<string, string[]>,
  allowMany: Set<string>,
  cwd: string,
): void {
  const known = [...new Set(entities.map((e) => e.name))].sort();
  for (const name of allowMany) {
    if (!known.includes(name)) throw CodegenError.unknownEntity('--allow-many', name, known);
  }
  for (const [name, properties] of Object.entries(keys)) {
    if (!known.includes(name)) throw CodegenError.unknownEntity('--key', name, known);
    if (properties.length === 0 || properties.some((p) => !p)) {
      throw CodegenError.invalidOption(`--key ${name}`, properties.join(','), 'Entity=prop1,prop2');
    }
    for (const info of entities.filter((e) => e.name === name && e.propertiesComplete)) {
      const property = properties.find((p) => !info.properties.includes(p));
      if (property === undefined) continue;
      const where = { file: displayPath(cwd, info.file.getFilePath()), line: info.node.getStartLineNumber() };
      throw CodegenError.unknownProperty(where, name, property, info.properties);
    }
  }
}

/** Generated code must parse; if it does not, that is a bug here, and nothing is written. @internal */
function assertParses(files: FileChange[]): void {
  const scratch = new Project({ useInMemoryFileSystem: true });
  for (const change of files) {
    const file = scratch.createSourceFile(change.path, change.after, { overwrite: true });
    const problems = syntaxProblems(file, '/');
    if (problems.length) {
      throw new CodegenError(
        `synchro-codegen produced code that does not parse in ${change.file} (${problems[0]!.message}); ` +
          'nothing was written. Please report this with the entity file.',
        problems,
      );
    }
  }
}
