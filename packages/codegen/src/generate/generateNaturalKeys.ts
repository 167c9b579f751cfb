import { type NaturalKeyPlan, planProject } from '../plan/planProject.js';
import type { EntityChanges } from '../plan/results.js';
import { loadProject } from '../project/loadProject.js';
import type { GenerateNaturalKeysOptions } from './options.js';
import { writeFiles } from './writeFiles.js';

/**
 * Computes what giving every entity its natural key changes, and writes nothing: the changed entities,
 * the skipped ones (with why and the `--key` to pass), and each changed file's text before and after.
 * @example
 * const plan = await planNaturalKeys({ tsconfig: 'tsconfig.json', keys: { Person: ['firstName', 'lastName'] } });
 * for (const s of plan.skipped) console.warn(s.message);
 */
export async function planNaturalKeys(options: GenerateNaturalKeysOptions = {}): Promise<NaturalKeyPlan> {
  const cwd = options.cwd ?? process.cwd();
  const loaded = loadProject({ cwd, tsconfig: options.tsconfig, entities: options.entities });
  return planProject(loaded, { keys: options.keys, allowMany: options.allowMany });
}

/**
 * Adds natural-key declarations and `naturalKeyRepository()` repositories to the project's entity files and
 * returns what changed per entity (nothing on a second run). Use {@link planNaturalKeys} for skipped entities.
 * @example
 * await generateNaturalKeys({ tsconfig: 'tsconfig.json', keys: { Person: ['firstName', 'lastName'] } });
 */
export async function generateNaturalKeys(
  options: GenerateNaturalKeysOptions = {},
): Promise<EntityChanges[]> {
  const plan = await planNaturalKeys(options);
  if (options.write !== false) await writeFiles(plan.files);
  return plan.entities;
}
