import {
  type EntityManager,
  type EntityMetadata,
  type EntityProperty,
  helper,
  Reference,
  ReferenceKind,
} from '@mikro-orm/core';
import { NaturalKeyError } from '../errors/NaturalKeyError.js';
import { toKeyValue } from './keyScalars.js';
import type { NaturalKeyDefinition, NaturalKeyResolveOptions } from './NaturalKeyDefinition.js';
import { requireNaturalKey } from './resolveNaturalKey.js';

/**
 * @internal Called for each unloaded reference met: `ref` (undefined when only its primary key is known), an
 * instance of `target`, reached from `owner` through `prop` (undefined when `ref` is the entity itself).
 */
export type OnMissing = (
  ref: object | undefined,
  target: EntityMetadata,
  owner: EntityMetadata,
  prop: string | undefined,
) => void;

/**
 * @internal The state of one natural-key operation: resolved definitions (an override per entity, e.g. the
 * repository's own key) and the keys computed so far. It lives for one call only, so keys are always computed
 * from the entities' current values.
 */
export class KeyScope {
  readonly #definitions = new Map<EntityMetadata, NaturalKeyDefinition>();
  readonly #memo = new Map<EntityMetadata, WeakMap<object, unknown[]>>();

  constructor(
    readonly em: EntityManager | undefined,
    readonly options?: NaturalKeyResolveOptions,
  ) {}

  /** The natural key of `meta` (throws NaturalKeyError when it has none). */
  definition(meta: EntityMetadata): NaturalKeyDefinition {
    let definition = this.#definitions.get(meta);
    if (!definition) {
      definition = requireNaturalKey(meta, this.options);
      this.#definitions.set(meta, definition);
    }
    return definition;
  }

  /** Uses `definition` for `meta` in this scope instead of the resolved one. */
  override(meta: EntityMetadata, definition: NaturalKeyDefinition): void {
    this.#definitions.set(meta, definition);
  }

  /**
   * The key of `entity` (as an instance of `meta`) from its current values: scalars as JSON-safe values,
   * relations as the related entity's key. `undefined` when an unloaded reference is on the way; each one is
   * reported to `onMissing`.
   */
  keyOf(
    entity: object,
    meta: EntityMetadata,
    onMissing: OnMissing,
    path: object[] = [],
  ): unknown[] | undefined {
    const memo = this.#memo.get(meta)?.get(entity);
    if (memo) {
      return memo;
    }
    if (!helper(entity).__initialized) {
      onMissing(entity, meta, meta, undefined); // an unloaded reference itself: its key needs its row
      return undefined;
    }
    if (path.includes(entity)) {
      throw NaturalKeyError.cyclic(
        meta.className,
        [...path, entity].map((e) => helper(e).__meta.className),
      );
    }
    path.push(entity);
    const definition = this.definition(meta);
    const key: unknown[] = [];
    let complete = true;
    for (const name of definition.properties) {
      const prop = meta.properties[name as keyof object] as EntityProperty;
      const value: unknown = (entity as Record<string, unknown>)[name];
      if (prop.kind === ReferenceKind.SCALAR) {
        key.push(toKeyValue(Reference.unwrapReference(value as object)));
        continue;
      }
      const target = prop.targetMeta!;
      const related = this.related(value, prop);
      if (related === null) {
        key.push(null);
      } else if (related === undefined || !helper(related).__initialized) {
        onMissing(related, target, meta, name);
        complete = false;
      } else {
        const relatedKey = this.keyOf(related, target, onMissing, path);
        complete &&= relatedKey !== undefined;
        key.push(relatedKey);
      }
    }
    path.pop();
    if (!complete) {
      return undefined;
    }
    let byEntity = this.#memo.get(meta);
    if (!byEntity) {
      byEntity = new WeakMap();
      this.#memo.set(meta, byEntity);
    }
    byEntity.set(entity, key);
    return key;
  }

  // null: no related row; undefined: only a primary key is known and there is no EntityManager to wrap it
  private related(value: unknown, prop: EntityProperty): object | null | undefined {
    if (value === null || value === undefined) {
      return null;
    }
    if (prop.mapToPk) {
      return this.em ? (this.em.getReference(prop.targetMeta!.class, value as never) as object) : undefined;
    }
    return Reference.unwrapReference(value as object);
  }
}
