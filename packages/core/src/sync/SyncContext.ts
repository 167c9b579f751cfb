import type { EntityManager, EntityMetadata } from '@mikro-orm/core';
import { ReferenceKind } from '@mikro-orm/core';
import type { SynchroRuntime } from '../capture/SynchroRuntime.js';
import { SynchroConfigError } from '../errors/SynchroConfigError.js';
import type { SyncReport } from './SyncReport.js';

/** @internal Rows one batch wrote (or would write). */
export interface BatchCounts {
  created: number;
  updated: number;
  deleted: number;
  /** Log entries in the batch. */
  changes: number;
}

/** @internal What every batch of one run shares: both sides' metadata and options, and the report. */
export class SyncContext {
  readonly #local = new Map<string, EntityMetadata>();
  readonly #remote = new Map<string, EntityMetadata>();
  #order?: Map<string, number>;

  constructor(
    readonly localEm: EntityManager,
    readonly remoteEm: EntityManager,
    readonly localRuntime: SynchroRuntime,
    readonly source: string,
    readonly report: SyncReport,
    readonly dryRun: boolean,
  ) {
    for (const meta of localEm.getMetadata().getAll().values()) this.#local.set(meta.className, meta);
    for (const meta of remoteEm.getMetadata().getAll().values()) this.#remote.set(meta.className, meta);
  }

  localMeta(entity: string): EntityMetadata | undefined {
    return this.#local.get(entity);
  }

  /** REMOTE metadata of an entity; both sides run the same application, so the names match. */
  remoteMeta(entity: string): EntityMetadata {
    const meta = this.#remote.get(entity);
    if (!meta) throw SynchroConfigError.missingOnRemote(entity);
    return meta;
  }

  /** Properties of `entity` never synchronized. */
  skipped(entity: string): string[] {
    return this.localRuntime.options.skip?.[entity] ?? [];
  }

  /** Entity names sorted so FK targets come before the entities pointing at them (cycles: any order). */
  entityOrder(names: string[]): string[] {
    this.#order ??= this.computeOrder();
    return [...names].sort((a, b) => (this.#order!.get(a) ?? 0) - (this.#order!.get(b) ?? 0));
  }

  private computeOrder(): Map<string, number> {
    const order = new Map<string, number>();
    const visiting = new Set<string>();
    const visit = (meta: EntityMetadata) => {
      if (order.has(meta.className) || visiting.has(meta.className)) return;
      visiting.add(meta.className);
      for (const prop of meta.relations) {
        const owns =
          prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner);
        if (owns && prop.targetMeta) visit(prop.targetMeta);
      }
      visiting.delete(meta.className);
      order.set(meta.className, order.size);
    };
    for (const meta of this.#local.values()) visit(meta);
    return order;
  }
}
