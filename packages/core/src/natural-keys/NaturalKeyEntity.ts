import { helper } from '@mikro-orm/core';
import { NaturalKeyError } from '../errors/NaturalKeyError.js';
import { KeyScope } from './KeyScope.js';

/**
 * Base class for an entity that declares its natural key on the class (django-synchro's NaturalKeyModel).
 * Pass the subclass as `defineEntity({ class })`; `SynchroOptions.naturalKeys` still overrides the key.
 *
 * @example
 * class Person extends NaturalKeyEntity {
 *   static override naturalKey = ['firstName', 'lastName', 'city'] as const;
 *   static override allowMany = true;
 * }
 * export const PersonSchema = defineEntity({ class: Person, properties: { ... } });
 */
export abstract class NaturalKeyEntity {
  /** The natural key properties, in order (a relation's value is the related entity's own natural key). */
  static naturalKey?: readonly string[];
  /** Several rows may share a key; lookups then return the first in primary-key order. @default false */
  static allowMany?: boolean;

  /**
   * The natural key values of this entity from its current values, e.g. `['Ann', 'Lee', 'Paris']`; a relation
   * component is the related entity's key (`[['ann@example.com'], 'Dune']`) and must be loaded (use
   * `naturalKeyValues()` to load it). The key is resolved like `resolveNaturalKey()` without options.
   */
  naturalKey(): unknown[] {
    const wrapped = helper(this as object) as ReturnType<typeof helper<object>> | undefined;
    const meta = wrapped?.__meta;
    if (!meta) {
      throw NaturalKeyError.notAnEntity(this.constructor.name);
    }
    return new KeyScope(wrapped.__em).keyOf(this, meta, (_ref, target, owner, prop) => {
      throw NaturalKeyError.notLoaded(owner.className, prop, target.className);
    })!;
  }
}
