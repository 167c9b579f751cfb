import { AssertionError } from 'node:assert';

const ADD_VERSION =
  'add one, e.g. `version: p.integer().version()` (defineEntity) or `@Property({ version: true }) version!: number` (decorators)';

/** The step of {@link assertOptimisticLocking} that failed. */
export type OptimisticLockingCheck = 'version-property' | 'initial-version' | 'mutate' | 'stale-save';

/**
 * An entity that is not protected by optimistic locking: the message names the entity, what failed and the fix.
 * It is a `node:assert` `AssertionError` (`code: 'ERR_ASSERTION'`), so vitest, jest and node:test all report it
 * as a failed assertion.
 */
export class OptimisticLockingAssertionError extends AssertionError {
  /** The entity checked, e.g. `Book`. */
  readonly entity: string;
  /** The step that failed. */
  readonly check: OptimisticLockingCheck;

  /** @internal use the static factories */
  constructor(
    message: string,
    data: { entity: string; check: OptimisticLockingCheck; actual?: unknown; expected?: unknown },
    options?: { cause?: unknown },
  ) {
    super({ message, actual: data.actual, expected: data.expected, operator: data.check });
    this.name = new.target.name;
    // Node sets `diff: 'simple'`, which vitest would print as the diff; without it vitest diffs actual/expected.
    Reflect.deleteProperty(this, 'diff');
    this.entity = data.entity;
    this.check = data.check;
    if (options && 'cause' in options) this.cause = options.cause;
  }

  /** The entity has no version property (`ordinary` names a property called `version` that is not one). */
  static noVersionProperty(entity: string, ordinary?: string): OptimisticLockingAssertionError {
    const what = ordinary
      ? `${entity}.${ordinary} is an ordinary property, not a version property, so concurrent saves overwrite each other; ` +
        'declare it with `p.integer().version()` (defineEntity) or `@Property({ version: true })` (decorators)'
      : `${entity} has no version property, so concurrent saves overwrite each other; ${ADD_VERSION}`;
    return new OptimisticLockingAssertionError(what, { entity, check: 'version-property' });
  }

  /** A new entity does not start at the expected integer version. */
  static wrongInitialVersion(
    entity: string,
    property: string,
    actual: unknown,
    expected: number,
  ): OptimisticLockingAssertionError {
    return new OptimisticLockingAssertionError(
      `A new ${entity} starts at version ${String(actual)}, expected ${expected}; let MikroORM set ${entity}.${property} ` +
        `on insert (do not set it in create() nor give it a default), or pass initialVersion: ${String(actual)} if that is intended`,
      { entity, check: 'initial-version', actual, expected },
    );
  }

  /** A new entity with a Date version has no valid Date after its insert. */
  static noInitialDate(entity: string, property: string, actual: unknown): OptimisticLockingAssertionError {
    return new OptimisticLockingAssertionError(
      `A new ${entity} has ${entity}.${property} = ${String(actual)} after its insert, expected the insert time; ` +
        `let MikroORM set ${entity}.${property} on insert (do not set it in create())`,
      { entity, check: 'initial-version', actual },
    );
  }

  /** `mutate()` changed nothing that flush() saves, so the check cannot run. */
  static unchanged(entity: string): OptimisticLockingAssertionError {
    return new OptimisticLockingAssertionError(
      `mutate() left ${entity} unchanged, so flush() sent no UPDATE; change a persisted property, ` +
        "e.g. mutate: (entity) => { entity.title += '!' }",
      { entity, check: 'mutate' },
    );
  }

  /**
   * Saving a stale copy succeeded: the second of two concurrent saves overwrote the first. `property` is the
   * version property (null if there is none); `loaded` and `saved` are its values before and after the first save.
   */
  static staleSaveSucceeded(
    entity: string,
    property: { name: string; lazy?: boolean } | null,
    loaded: unknown,
    saved: unknown,
  ): OptimisticLockingAssertionError {
    const name = `${entity}.${property?.name}`;
    const same = loaded instanceof Date && saved instanceof Date ? +loaded === +saved : loaded === saved;
    const why = !property
      ? `${entity} has no version property: ${ADD_VERSION}`
      : property.lazy
        ? `${name} is lazy, so em.findOne() does not load it and flush() cannot compare it; remove lazy()`
        : loaded == null
          ? `${name} was loaded as ${String(loaded)}, so flush() cannot compare it; make it non-nullable`
          : same
            ? `${name} kept its value ${valueText(loaded)} when the first copy was saved; ` +
              'check that no hook, subscriber or custom type resets it (a Date version also needs the database clock to move)'
            : `check that no hook, subscriber or custom type changes ${name} before flush()`;
    return new OptimisticLockingAssertionError(
      `Saving a stale copy of ${entity} did not throw OptimisticLockError, so it overwrote a newer save; ${why}`,
      { entity, check: 'stale-save' },
    );
  }

  /** A save failed with another error than the OptimisticLockError expected of the stale copy. */
  static saveFailed(
    entity: string,
    copy: 'first' | 'stale',
    cause: unknown,
  ): OptimisticLockingAssertionError {
    const error = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    const what =
      copy === 'first'
        ? `Saving the first copy of ${entity} failed (${error}); mutate() must make a change that can be saved`
        : `Saving a stale copy of ${entity} threw ${error} instead of OptimisticLockError; ` +
          'mutate() must make a change that can be saved twice';
    const check = copy === 'first' ? 'mutate' : 'stale-save';
    return new OptimisticLockingAssertionError(what, { entity, check }, { cause });
  }
}

function valueText(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}
