import type {
  ClassDeclaration,
  Decorator,
  Node,
  ObjectLiteralExpression,
  SourceFile,
  VariableDeclaration,
} from 'ts-morph';

/** How the entity is declared: a decorated class or a `defineEntity()` call. */
export type EntityStyle = 'decorator' | 'define-entity';

/** One entity found in the sources, with what matters to choose and wire its natural key. */
export interface EntityInfo {
  /** The entity name MikroORM knows it by: the class name, or `defineEntity({ name })`. */
  name: string;
  style: EntityStyle;
  file: SourceFile;
  /** The decorated class, or the `defineEntity()` call. */
  node: Node;
  /** The last top-level statement of the entity in `file` (class, schema, `setClass`): code is added after it. */
  anchor: Node;
  /** The class that carries the natural-key declaration: the decorated class, `class:` or `setClass()`. */
  cls?: ClassDeclaration;
  /** The class needs `[EntityRepositoryType]` to type `em.getRepository()` (false when a schema types it). */
  declaresRepositoryType: boolean;
  /** Where `repository` goes: the options object, or an `@Entity` decorator that has none yet. */
  options: ObjectLiteralExpression | Decorator;
  /** The variable a `defineEntity()` schema is assigned to. */
  schemaVariable?: VariableDeclaration;
  /** Property names, own and inherited; `propertiesComplete` is false when a base could not be read. */
  properties: string[];
  propertiesComplete: boolean;
  /** Unique constraints that can serve as natural key (the primary key alone left out), deduplicated. */
  uniques: string[][];
  /** Abstract entities and base classes are not given natural keys unless `--key` names them. */
  abstract: boolean;
}

/** An entity (or entity-like declaration) that cannot be handled, with why. */
export interface UnsupportedEntity {
  name: string;
  file: SourceFile;
  node: Node;
  reason: string;
}

/** Adds a unique constraint unless it is the primary key alone or already listed. @internal */
export function addUnique(uniques: string[][], properties: string[], primaryKeys: readonly string[]): void {
  if (properties.length === 0) return;
  const sorted = [...properties].sort().join(',');
  if (sorted === [...primaryKeys].sort().join(',')) return;
  if (uniques.some((u) => [...u].sort().join(',') === sorted)) return;
  uniques.push(properties);
}
