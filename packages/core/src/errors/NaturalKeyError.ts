import { SynchroError } from './SynchroError.js';

const DECLARE =
  'SynchroOptions.naturalKeys, a static naturalKey on a NaturalKeyEntity class, or naturalKeyRepository()';

/** A natural key that cannot be declared, computed or looked up: the message names the entity, the key and the fix. */
export class NaturalKeyError extends SynchroError {
  /** The entity whose natural key failed. */
  declare readonly entity: string;
  /** The natural key properties involved, if known. */
  readonly properties: readonly string[];
  /** The key values involved, if any. */
  declare readonly key?: readonly unknown[];
  /** How many rows matched, for ambiguity errors. */
  readonly count?: number;

  /** @internal use the static factories */
  constructor(
    message: string,
    data: { entity: string; properties?: readonly string[]; key?: readonly unknown[]; count?: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.entity = data.entity;
    this.properties = data.properties ?? [];
    this.key = data.key;
    this.count = data.count;
  }

  /** Several rows share one natural key and the key does not allow many. */
  static ambiguous(
    entity: string,
    properties: readonly string[],
    key: readonly unknown[],
    count: number,
    side?: string,
  ): NaturalKeyError {
    return new NaturalKeyError(
      `Natural key for ${entity} ${keyText(properties, key)} matched ${count} rows${on(side)}; ` +
        'declare allowMany or choose a unique key',
      { entity, properties, key, count },
    );
  }

  /** `getByNaturalKey()` found no row. */
  static notFound(
    entity: string,
    properties: readonly string[],
    key: readonly unknown[],
    side?: string,
  ): NaturalKeyError {
    return new NaturalKeyError(
      `No ${entity} found for natural key ${keyText(properties, key)}${on(side)}; ` +
        'check the key values, or use findByNaturalKey() to get null instead',
      { entity, properties, key, count: 0 },
    );
  }

  /** The entity has no natural key (none declared and no single unique constraint to infer it from). */
  static noKey(entity: string, candidates: readonly (readonly string[])[] = []): NaturalKeyError {
    const why =
      candidates.length > 1
        ? `it has several unique constraints (${candidates.map((c) => `(${c.join(', ')})`).join(', ')}), so none is inferred`
        : 'none is declared and it has no single unique constraint to infer it from';
    return new NaturalKeyError(`${entity} has no natural key: ${why}; declare one with ${DECLARE}`, {
      entity,
    });
  }

  /** A natural key declaration names no property. */
  static emptyKey(entity: string, source: string): NaturalKeyError {
    return new NaturalKeyError(
      `Natural key for ${entity} (from ${source}) names no property; list at least one, e.g. ['code']`,
      { entity },
    );
  }

  /** A natural key names a property twice. */
  static duplicateProperty(entity: string, properties: readonly string[], property: string): NaturalKeyError {
    return new NaturalKeyError(
      `Natural key for ${entity} (${properties.join(', ')}) names '${property}' twice; list each property once`,
      { entity, properties },
    );
  }

  /** A natural key names a property the entity does not have. */
  static unknownProperty(
    entity: string,
    properties: readonly string[],
    property: string,
    source: string,
    known: readonly string[],
  ): NaturalKeyError {
    return new NaturalKeyError(
      `Natural key for ${entity} (${properties.join(', ')}) from ${source} names unknown property '${property}'; ` +
        `use one of: ${known.join(', ')}`,
      { entity, properties },
    );
  }

  /** A natural key names a property that cannot identify a row (collection, inverse side, embedded, not persisted). */
  static unsupportedProperty(
    entity: string,
    properties: readonly string[],
    property: string,
    why: string,
  ): NaturalKeyError {
    return new NaturalKeyError(
      `Natural key for ${entity} (${properties.join(', ')}) cannot use '${property}': ${why}; ` +
        'use scalar properties and many-to-one (or owning one-to-one) relations only',
      { entity, properties },
    );
  }

  /** A natural key contains a relation whose target entity has no natural key, so it cannot be expressed. */
  static relationWithoutKey(
    entity: string,
    properties: readonly string[],
    property: string,
    target: string,
  ): NaturalKeyError {
    return new NaturalKeyError(
      `Natural key for ${entity} (${properties.join(', ')}) uses relation '${property}' to ${target}, ` +
        `but ${target} has no natural key; declare one for ${target} (${DECLARE}) ` +
        `or remove '${property}' from the key of ${entity}`,
      { entity, properties },
    );
  }

  /** A lookup got the wrong number of key values. */
  static arity(entity: string, properties: readonly string[], key: readonly unknown[]): NaturalKeyError {
    return new NaturalKeyError(
      `Natural key for ${entity} (${properties.join(', ')}) takes ${properties.length} value(s), ` +
        `got ${key.length}: ${format(key)}; pass one value per key property, in that order`,
      { entity, properties, key },
    );
  }

  /** A relation component of a key is neither an entity, a reference, null, nor a natural-key array. */
  static invalidRelationValue(
    entity: string,
    property: string,
    target: string,
    value: unknown,
  ): NaturalKeyError {
    return new NaturalKeyError(
      `Natural key for ${entity}: relation '${property}' (to ${target}) got ${format([value]).slice(1, -1)}; ` +
        `pass an entity or reference of ${target}, null, or the natural key array of ${target}`,
      { entity, properties: [property] },
    );
  }

  /** An unloaded reference that belongs to another database cannot be loaded here. */
  static foreignReference(entity: string, property: string, target: string): NaturalKeyError {
    return new NaturalKeyError(
      `Natural key for ${entity}: relation '${property}' holds an unloaded ${target} reference from another ` +
        `EntityManager/database, whose primary key means nothing here; pass the natural key array of ${target} ` +
        'or a loaded entity instead',
      { entity, properties: [property] },
    );
  }

  /** The synchronous `naturalKey()` met a relation that is not loaded. */
  static notLoaded(entity: string, property: string | undefined, target: string): NaturalKeyError {
    const what = property === undefined ? 'the entity itself' : `relation '${property}' (${target})`;
    return new NaturalKeyError(
      `Cannot compute the natural key of ${entity}: ${what} is not loaded; ` +
        'populate it first, or use naturalKeyValues(em, ...) which loads it',
      { entity, properties: property === undefined ? [] : [property] },
    );
  }

  /** A referenced row does not exist, so the key of the referencing row cannot be computed. */
  static missingReference(entity: string, target: string, pk: unknown): NaturalKeyError {
    return new NaturalKeyError(
      `Cannot compute the natural key of ${entity}: its referenced ${target} ${JSON.stringify(pk)} does not exist ` +
        '(or is hidden by a filter); fix the dangling reference',
      { entity },
    );
  }

  /** The key of a row refers back to itself through relations. */
  static cyclic(entity: string, path: readonly string[]): NaturalKeyError {
    return new NaturalKeyError(
      `The natural key of ${entity} is cyclic (${path.join(' -> ')}): a row's key cannot contain itself; ` +
        'break the cycle in the data or choose a key without that relation',
      { entity },
    );
  }

  /** `NaturalKeyEntity.naturalKey()` was called on an object MikroORM does not know as an entity. */
  static notAnEntity(className: string): NaturalKeyError {
    return new NaturalKeyError(
      `${className} is not a discovered entity; register it with defineEntity({ class: ${className}, ... }) ` +
        'and MikroORM.init() before calling naturalKey()',
      { entity: className },
    );
  }

  /** `naturalKeyRepository()` got no property. */
  static emptyRepositoryKey(): NaturalKeyError {
    return new NaturalKeyError(
      "naturalKeyRepository() needs at least one key property, e.g. naturalKeyRepository<Book>(['author', 'title'])",
      { entity: '(repository)' },
    );
  }

  /** `naturalKeyRepository()` got a base that is not an EntityRepository subclass. */
  static invalidBase(base: unknown): NaturalKeyError {
    const name =
      typeof base === 'function' ? base.name || '(anonymous class)' : (JSON.stringify(base) ?? String(base));
    return new NaturalKeyError(
      `naturalKeyRepository() base must be EntityRepository or a subclass of it (from @mikro-orm/core or ` +
        `@mikro-orm/sql), got ${name}; extend EntityRepository in your custom repository`,
      { entity: '(repository)' },
    );
  }
}

function on(side?: string): string {
  return side ? ` on ${side}` : '';
}

/** `(firstName, lastName) = ("Ann", "Lee")` */
function keyText(properties: readonly string[], key: readonly unknown[]): string {
  return `(${properties.join(', ')}) = ${format(key)}`;
}

/** JSON-like rendering of key values that also handles Date and bigint. */
function format(key: readonly unknown[]): string {
  const parts = key.map((v) => {
    if (Array.isArray(v)) return format(v);
    if (v instanceof Date) return JSON.stringify(v.toISOString());
    if (typeof v === 'bigint') return v.toString();
    if (v === undefined) return 'undefined';
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) !== Object.prototype) {
      return `[${v.constructor?.name ?? 'object'}]`;
    }
    try {
      return JSON.stringify(v) ?? String(v);
    } catch {
      return String(v);
    }
  });
  return `(${parts.join(', ')})`;
}
