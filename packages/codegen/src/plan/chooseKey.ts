import type { EntityInfo } from '../discover/EntityInfo.js';
import type { ClassKeyDeclaration, RepositoryOption } from '../discover/existingDeclarations.js';
import type { SkipReason } from './results.js';

/** The natural key an entity gets. */
export interface KeyChoice {
  properties: string[];
  allowMany: boolean;
}

/** Why no natural key can be chosen. */
export interface NoKey {
  reason: SkipReason;
  message: string;
  candidates?: string[][];
}

/**
 * Chooses the natural key the way core resolves it: `--key` > `static naturalKey` > the repository's key >
 * the entity's single unique constraint. `allowMany` is on when asked for or already declared.
 */
export function chooseKey(
  info: EntityInfo,
  existing: { cls?: ClassKeyDeclaration; repository?: RepositoryOption },
  requested: { key?: string[]; allowMany: boolean },
): KeyChoice | NoKey {
  const allowMany =
    requested.allowMany ||
    existing.cls?.allowMany?.value === true ||
    existing.repository?.natural?.allowMany === true;
  if (requested.key) return { properties: requested.key, allowMany };
  const declared = existing.cls?.naturalKey;
  if (declared && !declared.properties) {
    return {
      reason: 'unsupported',
      message: `${info.name}: its static naturalKey is not a list of string literals; pass --key ${info.name}=prop1,prop2.`,
    };
  }
  const properties = declared?.properties ?? existing.repository?.natural?.properties;
  if (properties) return { properties, allowMany };
  if (info.abstract)
    return { reason: 'abstract', message: `${info.name} is abstract; pass --key to give it a key.` };

  const [only, ...others] = info.uniques;
  if (only && others.length === 0) return { properties: only, allowMany };
  if (!only) {
    return {
      reason: 'no-unique',
      message:
        `${info.name} has no unique property or unique constraint to use as natural key; ` +
        `pass --key ${info.name}=prop1,prop2 to choose one (without one, rows are matched by primary key).`,
    };
  }
  const list = info.uniques.map((u) => `(${u.join(', ')})`).join(', ');
  const options = info.uniques.map((u) => `--key ${info.name}=${u.join(',')}`).join(' or ');
  return {
    reason: 'ambiguous',
    message: `${info.name} has ${info.uniques.length} unique constraints that could be its natural key: ${list}; choose one with ${options}.`,
    candidates: info.uniques,
  };
}

/** Whether a choice was made (rather than a reason to skip). */
export function isKeyChoice(choice: KeyChoice | NoKey): choice is KeyChoice {
  return 'properties' in choice;
}
