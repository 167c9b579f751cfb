import { type EntityManager, type EntityMetadata, EntityRepository } from '@mikro-orm/core';
import { NaturalKeyError } from '../errors/NaturalKeyError.js';
import { KeyScope } from './KeyScope.js';
import { lookupNaturalKeys } from './lookupNaturalKeys.js';
import { validateNaturalKey } from './validateNaturalKey.js';

/** A repository with natural-key lookups (django-synchro's NaturalManager). */
export interface NaturalKeyRepository<T extends object> extends EntityRepository<T> {
  /** The entity with this natural key (one value per key property), or null; NaturalKeyError if ambiguous. */
  findByNaturalKey(...values: unknown[]): Promise<T | null>;
  /** The entity with this natural key; NaturalKeyError when none or (without allowMany) several. */
  getByNaturalKey(...values: unknown[]): Promise<T>;
  /** The entities for many natural keys, in one query (per chunk), in the order of the keys; missing ones are left out. */
  findByNaturalKeys(keys: unknown[][]): Promise<T[]>;
}

/** Options of {@link naturalKeyRepository}. */
export interface NaturalKeyRepositoryOptions<B> {
  /** Several rows may share a key: lookups return the first in primary-key order. @default false */
  allowMany?: boolean;
  /** Repository class to extend, e.g. your own or `EntityRepository` from @mikro-orm/sql. @default EntityRepository from @mikro-orm/core */
  base?: B;
}

/** The class returned by {@link naturalKeyRepository}: the base's constructor and methods plus the natural-key ones. */
export type NaturalKeyRepositoryClass<
  T extends object,
  B extends new (
    ...a: any[]
  ) => EntityRepository<T>,
> = (new (
  ...a: ConstructorParameters<B>
) => InstanceType<B> & NaturalKeyRepository<T>) & {
  /** The key properties, read by `resolveNaturalKey()` through the entity's `repository` option. */
  readonly naturalKey: readonly string[];
  /** Whether several rows may share a key. */
  readonly allowMany: boolean;
};

/**
 * A repository class with natural-key lookups, extending `base` (every method of a custom repository
 * survives). Set it as the entity's `repository` (directly or through a subclass) and it also declares the
 * entity's natural key. Throws NaturalKeyError for an empty key or a base that is not an EntityRepository.
 *
 * @example
 * export class BookRepository extends naturalKeyRepository<Book>(['author', 'title']) {}
 * defineEntity({ class: Book, repository: () => BookRepository, properties: { ... } });
 * await em.getRepository(Book).getByNaturalKey(['ann@example.com'], 'Dune');
 */
export function naturalKeyRepository<
  T extends object,
  B extends new (
    ...a: any[]
  ) => EntityRepository<T> = new (
    ...a: any[]
  ) => EntityRepository<T>,
>(
  properties: readonly string[],
  options: NaturalKeyRepositoryOptions<B> = {},
): NaturalKeyRepositoryClass<T, B> {
  if (!Array.isArray(properties) || properties.length === 0) {
    throw NaturalKeyError.emptyRepositoryKey();
  }
  const base: unknown = options.base ?? EntityRepository;
  if (
    typeof base !== 'function' ||
    !(base === EntityRepository || base.prototype instanceof EntityRepository)
  ) {
    throw NaturalKeyError.invalidBase(base);
  }
  const keyProperties = Object.freeze(properties.map(String));
  const allowMany = options.allowMany ?? false;

  class NaturalKeyRepositoryImpl extends (base as typeof EntityRepository<T>) {
    static readonly naturalKey = keyProperties;
    static readonly allowMany = allowMany;

    async findByNaturalKey(...values: unknown[]): Promise<T | null> {
      const { requested, found } = await this.#lookup([values]);
      return found.get(requested[0]!) ?? null;
    }

    async getByNaturalKey(...values: unknown[]): Promise<T> {
      const entity = await this.findByNaturalKey(...values);
      if (!entity) {
        throw NaturalKeyError.notFound(this.#metadata().className, keyProperties, values);
      }
      return entity;
    }

    async findByNaturalKeys(keys: unknown[][]): Promise<T[]> {
      const { requested, found } = await this.#lookup(keys);
      const entities = new Set<T>();
      for (const id of requested) {
        const entity = found.get(id);
        if (entity) entities.add(entity);
      }
      return [...entities];
    }

    async #lookup(keys: readonly (readonly unknown[])[]) {
      const em: EntityManager = this.getEntityManager();
      const meta = this.#metadata();
      const scope = new KeyScope(em);
      // the repository's own key wins here: its methods take the values in the order it declares
      validateNaturalKey(meta, keyProperties, `the repository of ${meta.className}`, undefined, []);
      scope.override(meta, {
        entity: meta.className,
        properties: [...keyProperties],
        allowMany,
        source: 'repository',
      });
      return lookupNaturalKeys(scope, meta, keys);
    }

    #metadata(): EntityMetadata<T> {
      return this.getEntityManager().getMetadata(this.entityName);
    }
  }
  return NaturalKeyRepositoryImpl as unknown as NaturalKeyRepositoryClass<T, B>;
}
