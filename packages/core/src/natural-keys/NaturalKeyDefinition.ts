import type { FilterOptions } from '@mikro-orm/core';
import type { SynchroOptions } from '../options/SynchroOptions.js';

/** Where a natural key came from, in resolution order. */
export type NaturalKeySource = 'options' | 'entity' | 'repository' | 'unique';

/** The resolved natural key of one entity: what every part of mikro-synchro uses to recognise its rows. */
export interface NaturalKeyDefinition {
  /** Entity class name. */
  entity: string;
  /** Key properties, in order; a relation property's value is the related entity's own natural key. */
  properties: string[];
  /** Several rows may share a key: the first one in primary-key order is used. @default false */
  allowMany: boolean;
  /** Which declaration won: `SynchroOptions.naturalKeys`, `NaturalKeyEntity.naturalKey`, a `naturalKeyRepository`, or a unique constraint. */
  source: NaturalKeySource;
}

/** Options read when resolving natural keys. */
export type NaturalKeyResolveOptions = Pick<SynchroOptions, 'naturalKeys'>;

/** Options of the bulk natural-key lookups. */
export interface NaturalKeyLookupOptions extends NaturalKeyResolveOptions {
  /** Label of the database in error messages, e.g. `'REMOTE'`. @default none */
  side?: string;
  /** MikroORM filters for the lookup query, as in `em.find()`. @default the entity's default filters */
  filters?: FilterOptions;
  /** Most key values sent in one statement; lowered to the platform limit if above it. @default the platform limit */
  chunkSize?: number;
}
