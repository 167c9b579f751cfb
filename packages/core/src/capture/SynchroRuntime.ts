import type { EntityMetadata, EntityName, MetadataStorage } from '@mikro-orm/core';
import { SynchroConfigError } from '../errors/SynchroConfigError.js';
import { SYNCHRO_ENTITY_NAMES } from '../log/entities.js';
import type { SynchroOptions } from '../options/SynchroOptions.js';

/** @internal Name of an entity given as class, defineEntity schema or string. */
export function entityNameOf(entity: EntityName<any> | string): string {
  if (typeof entity === 'string') return entity;
  const schemaName = (entity as { meta?: { className?: string } }).meta?.className;
  return schemaName ?? (entity as { name: string }).name;
}

/** @internal Generated pivot tables of plain many-to-many properties (user pivot entities are watched). */
export function isGeneratedPivot(meta: EntityMetadata): boolean {
  return !!meta.pivotTable && meta.className === meta.tableName;
}

/**
 * @internal The options of one `withSynchro()` config plus what is derived from its metadata: which entities
 * are watched. Held by the subscriber, so every EntityManager of the ORM finds it.
 */
export class SynchroRuntime {
  readonly options: SynchroOptions;
  /** `false` when this side keeps the synchro tables but logs nothing (`capture: false`). */
  readonly capture: boolean;
  #watched?: Set<string>;

  constructor(options: SynchroOptions & { capture?: boolean }) {
    this.options = options;
    this.capture = options.capture ?? true;
  }

  /** Whether changes of this entity are logged and synced. */
  isWatched(meta: EntityMetadata, metadata?: MetadataStorage): boolean {
    if (!this.#watched && metadata) {
      this.#watched = this.resolveWatched(metadata);
    }
    return this.#watched?.has(meta.className) ?? false;
  }

  /** Watched entity names, in metadata order. */
  watchedNames(metadata: MetadataStorage): string[] {
    this.#watched ??= this.resolveWatched(metadata);
    return [...this.#watched];
  }

  private resolveWatched(metadata: MetadataStorage): Set<string> {
    const all = [...metadata.getAll().values()].filter(
      (meta) =>
        !SYNCHRO_ENTITY_NAMES.has(meta.className) &&
        !meta.embeddable &&
        !meta.virtual &&
        !meta.view &&
        !meta.abstract &&
        !isGeneratedPivot(meta),
    );
    if (!this.options.entities) {
      return new Set(all.map((meta) => meta.className));
    }
    const known = new Set(all.map((meta) => meta.className));
    const watched = new Set<string>();
    for (const entity of this.options.entities) {
      const name = entityNameOf(entity);
      if (!known.has(name)) throw SynchroConfigError.unknownEntity(name, [...known]);
      watched.add(name);
    }
    return watched;
  }
}
