import type { SyncConflict } from '../conflicts/ConflictPolicy.js';
import type { WritePath } from './apply/writePath.js';

/**
 * What one sync run did. Counts are rows written on REMOTE (a dry run reports what it would write).
 * `linked` counts many-to-many collections rewritten; `skipped` counts changes not applied (REMOTE newer
 * by policy, already applied, or nothing left to write).
 */
export interface SyncReport {
  status: 'synced' | 'no-changes' | 'conflicts' | 'failed';
  created: number;
  updated: number;
  deleted: number;
  linked: number;
  skipped: number;
  conflicts: SyncConflict[];
  errors: { entity: string; key: unknown; message: string }[];
  durationMs: number;
  /** Which write path each entity took on REMOTE (a dry run says what a real run would choose). */
  paths: Record<string, WritePath>;
}

/** Progress of a run, passed to `onProgress` after every batch. */
export interface SyncProgress {
  /** Log entries processed so far. */
  done: number;
  /** Log entries pending when the run started (more may arrive while it runs). */
  total: number;
  /** The entity of the last row in the batch. */
  entity?: string;
}

/** @internal An empty report. */
export function emptyReport(): SyncReport {
  return {
    status: 'no-changes',
    created: 0,
    updated: 0,
    deleted: 0,
    linked: 0,
    skipped: 0,
    conflicts: [],
    errors: [],
    durationMs: 0,
    paths: {},
  };
}
