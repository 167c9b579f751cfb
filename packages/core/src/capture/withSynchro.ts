import type { EntityMetadata, Options } from '@mikro-orm/core';
import { SynchroConfigError } from '../errors/SynchroConfigError.js';
import { platformDialect } from '../log/dialect.js';
import { SYNCHRO_ENTITIES } from '../log/entities.js';
import type { SynchroOptions } from '../options/SynchroOptions.js';
import { SynchroRuntime } from './SynchroRuntime.js';
import { SynchroSubscriber } from './SynchroSubscriber.js';

/** Options of {@link withSynchro} beyond the public {@link SynchroOptions}. */
export interface WithSynchroOptions extends SynchroOptions {
  /**
   * Log this database's own changes. `false` keeps the synchro tables (a sync target needs them for its
   * checkpoints and references) without logging, so conflicts default to 'local-wins'. @default true
   */
  capture?: boolean;
  /** Suppress the warning printed when `remote` is left undefined. @default false */
  quiet?: boolean;
  /**
   * Add an index on `synchro_change (origin, id)`. Conflict detection on a database that receives syncs reads
   * its log for changes not applied from the syncing source since the rows' baselines; without the index that
   * is a scan of the whole log since the oldest baseline (~0.1 s per million rows on PostgreSQL, per batch).
   * The index costs every logged write one more index entry (a few percent of a flush), so it is off by
   * default: turn it on for a central database, or any database whose log grows large and receives syncs.
   * See docs/conflicts.md. @default false
   */
  originIndex?: boolean;
  /**
   * Add an index on `synchro_reference (source, entity, remote_pk)` (SQLite and PostgreSQL). In two-way sync, a
   * sync from this database finds the rows it received from its peer by their keys there; without the index each
   * batch reads every reference of the entity (~0.15 s per million references, per batch). Each reference
   * written here costs one more index entry (2–7 ms per 1,000), so it is on only for a database that syncs to
   * a peer (`remote` set; a config whose peer is named only by `synchro:run --remote` needs it set to true).
   * MySQL and MariaDB cannot index the JSON column and read every reference. See docs/sync.md.
   * @default true when `remote` is a string, else false
   */
  receivedIndex?: boolean;
}

/** Name of the index {@link WithSynchroOptions.originIndex} adds to `synchro_change`. */
export const ORIGIN_INDEX = 'synchro_change_origin_id_index';

/** Name of the index {@link WithSynchroOptions.receivedIndex} adds to `synchro_reference`. */
export const RECEIVED_INDEX = 'synchro_reference_received_index';

/** Marks our `discovery.onMetadata` hook, keeping the one it wraps, so wrapping twice does not stack hooks. */
const WRAPPED = Symbol('mikro-synchro.onMetadata');
type Discovery = Partial<Options>['discovery'];
type MetadataHook = NonNullable<NonNullable<Discovery>['onMetadata']> & { [WRAPPED]?: unknown };

function discoveryWith(discovery: Discovery, indexes: { origin: boolean; received: boolean }): Discovery {
  const previous = discovery?.onMetadata as MetadataHook | undefined;
  // our own hook (from an earlier withSynchro() call) stands for the one it wrapped, possibly none
  const own = (previous && WRAPPED in previous ? previous[WRAPPED] : previous) as MetadataHook | undefined;
  const add = (meta: EntityMetadata, name: string, properties: string[]) => {
    if (!meta.indexes.some((i) => i.name === name)) meta.indexes.push({ name, properties });
  };
  const hook: MetadataHook = (meta, platform) => {
    const dialect = platformDialect(platform);
    if (meta.className === 'SynchroChange') {
      if (indexes.origin) add(meta, ORIGIN_INDEX, ['origin', 'id']);
      // SQLite keeps an autoincrement key as INTEGER (64-bit): declared so, a schema diff finds nothing to change
      if (dialect === 'sqlite') meta.properties.id!.columnTypes = ['integer'];
    }
    // MySQL and MariaDB cannot index a JSON column whole (MariaDB: a prefix, which schema diffs then re-create)
    const indexable = dialect === 'sqlite' || dialect === 'postgres';
    if (meta.className === 'SynchroReference' && indexes.received && indexable) {
      add(meta, RECEIVED_INDEX, ['source', 'entity', 'remotePk']);
    }
    return own?.(meta, platform);
  };
  hook[WRAPPED] = own;
  return { ...discovery, onMetadata: hook };
}

/**
 * Enables change logging (and sync) on a MikroORM config: adds the synchro entities and the flush subscriber.
 * Works for configs loaded by the MikroORM CLI too (wrap each config of an exported array).
 *
 * @example
 * export default withSynchro(defineConfig({ entities: [Author, Book], dbName: 'office.sqlite' }), {
 *   remote: 'server',
 * });
 */
export function withSynchro<T extends Partial<Options>>(config: T, options: WithSynchroOptions = {}): T {
  if (options.batchSize !== undefined && !(Number.isInteger(options.batchSize) && options.batchSize > 0)) {
    throw SynchroConfigError.invalidOption('batchSize', options.batchSize, 'a positive integer');
  }
  if (options.remote === undefined && !options.quiet) {
    process.emitWarning(
      'withSynchro(): SynchroOptions.remote is not set, so this database only logs changes and synchronize() ' +
        'from it will fail. Set remote to the contextName of the peer, or to null on a database that only logs.',
      { type: 'SynchroWarning', code: 'SYNCHRO_NO_REMOTE' },
    );
  }
  const subscriber = new SynchroSubscriber(new SynchroRuntime(options));
  const subscribers = [...(config.subscribers ?? [])].filter((s) => !(s instanceof SynchroSubscriber));
  const withEntities = <E>(list: readonly E[] | undefined) => {
    const own = new Set<unknown>(SYNCHRO_ENTITIES);
    return [...(list ?? []).filter((e) => !own.has(e)), ...SYNCHRO_ENTITIES];
  };
  const discovery = discoveryWith(config.discovery, {
    origin: options.originIndex ?? false,
    received: options.receivedIndex ?? typeof options.remote === 'string',
  });
  return {
    ...config,
    ...(discovery ? { discovery } : {}),
    entities: withEntities(config.entities as unknown[]),
    ...(config.entitiesTs ? { entitiesTs: withEntities(config.entitiesTs as unknown[]) } : {}),
    subscribers: [...subscribers, subscriber],
  } as T;
}
