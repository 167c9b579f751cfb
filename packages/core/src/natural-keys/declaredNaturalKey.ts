import type { EntityMetadata } from '@mikro-orm/core';
import { SynchroConfigError } from '../errors/SynchroConfigError.js';
import type { NaturalKeyResolveOptions, NaturalKeySource } from './NaturalKeyDefinition.js';

/** @internal An explicit natural key declaration, before validation. */
export interface DeclaredNaturalKey {
  properties: readonly string[];
  allowMany: boolean;
  source: Exclude<NaturalKeySource, 'unique'>;
  /** Where the declaration lives, for error messages. */
  origin: string;
}

interface KeyHolder {
  naturalKey?: unknown;
  allowMany?: unknown;
}

/** @internal The first explicit declaration in resolution order: options > entity class > repository. */
export function declaredNaturalKey(
  meta: EntityMetadata,
  options?: NaturalKeyResolveOptions,
): DeclaredNaturalKey | null {
  const fromOptions = optionsKey(meta, options);
  if (fromOptions) {
    return fromOptions;
  }
  const entityClass = meta.class as unknown as KeyHolder | undefined;
  if (Array.isArray(entityClass?.naturalKey)) {
    return {
      properties: entityClass.naturalKey.map(String),
      allowMany: entityClass.allowMany === true,
      source: 'entity',
      origin: `${meta.className}.naturalKey`,
    };
  }
  const repository = meta.repository?.() as unknown as KeyHolder | undefined;
  if (Array.isArray(repository?.naturalKey)) {
    return {
      properties: repository.naturalKey.map(String),
      allowMany: repository.allowMany === true,
      source: 'repository',
      origin: `the repository of ${meta.className}`,
    };
  }
  return null;
}

// An STI/TPT child may be keyed under its own name or under its root's.
function optionsKey(meta: EntityMetadata, options?: NaturalKeyResolveOptions): DeclaredNaturalKey | null {
  const keys = options?.naturalKeys;
  if (!keys) {
    return null;
  }
  for (const name of new Set([meta.className, meta.root?.className ?? meta.className])) {
    const value: unknown = Object.hasOwn(keys, name) ? keys[name] : undefined;
    if (value === undefined) {
      continue;
    }
    const origin = `SynchroOptions.naturalKeys.${name}`;
    if (Array.isArray(value)) {
      return { properties: value.map(String), allowMany: false, source: 'options', origin };
    }
    const entry = value as { properties?: unknown; allowMany?: unknown } | null;
    if (entry && typeof entry === 'object' && Array.isArray(entry.properties)) {
      return {
        properties: entry.properties.map(String),
        allowMany: entry.allowMany === true,
        source: 'options',
        origin,
      };
    }
    throw SynchroConfigError.invalidOption(
      `naturalKeys.${name}`,
      value,
      'an array of property names or { properties: string[]; allowMany?: boolean }',
    );
  }
  return null;
}
