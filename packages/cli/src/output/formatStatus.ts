import type { SynchroStatus } from '@mikro-synchro/core';
import { keyText } from './json.js';

/** @internal Pads entity names into one column. */
function table(rows: [string, string][], indent: string): string[] {
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${indent}${name.padEnd(width)}  ${value}`);
}

/**
 * The human form of `synchro:status`: pending changes per entity, checkpoint, last run, and the stored conflicts
 * with the ids `resolveConflict()` takes.
 */
export function formatStatus(status: SynchroStatus, local: string): string {
  const lines = [
    status.remote === null
      ? `Synchro status of '${local}' (no REMOTE configured: this database only logs)`
      : `Synchro status of '${local}' → '${status.remote}'`,
  ];
  const pending = Object.entries(status.pending).filter(([, count]) => count > 0);
  const total = pending.reduce((sum, [, count]) => sum + count, 0);
  lines.push(`Pending changes: ${total}`);
  lines.push(
    ...table(
      pending.map(([entity, count]) => [entity, String(count)]),
      '  ',
    ),
  );
  lines.push(`Checkpoint:      ${keyText(status.checkpoint)}`);
  const run = status.lastRun;
  lines.push(
    run
      ? `Last run:        ${new Date(run.at).toISOString()} ${run.status} ` +
          `(${run.created} created, ${run.updated} updated, ${run.deleted} deleted)`
      : 'Last run:        never',
  );
  lines.push(`Conflicts:       ${status.conflicts}`);
  for (const conflict of status.pendingConflicts ?? []) {
    lines.push(`  #${conflict.id} ${conflict.entity} ${keyText(conflict.key)}`);
  }
  return lines.join('\n');
}
