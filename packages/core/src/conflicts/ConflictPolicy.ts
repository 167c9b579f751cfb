/** A conflict met while syncing one row: REMOTE changed since the last time a sync wrote or confirmed it. */
export interface SyncConflict {
  entity: string;
  /** Natural key (or primary key) of the row. */
  key: unknown;
  /** LOCAL values being synced. */
  local: Record<string, unknown>;
  /** REMOTE current values. */
  remote: Record<string, unknown>;
  resolution: 'local' | 'remote' | 'merged' | 'pending';
}

/** How a conflict is settled. Default: 'newer-wins' when REMOTE logs its own changes, else 'local-wins'. */
export type ConflictPolicy =
  | 'newer-wins'
  | 'local-wins'
  | 'remote-wins'
  | 'manual'
  | ((
      c: SyncConflict,
    ) =>
      | 'local'
      | 'remote'
      | Record<string, unknown>
      | Promise<'local' | 'remote' | Record<string, unknown>>);
