import type { SyncReport } from '@mikro-synchro/core';
import { keyText } from './json.js';

/** Which pair a report is about, for its headline. */
export interface ReportHeading {
  local: string;
  remote: string;
  dryRun?: boolean;
}

/** @internal `1.2 s` / `45 ms`. */
function duration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** @internal `3 created, 2 updated, 1 deleted, 2 linked, 0 skipped` (or `would create 3, ...` for a dry run). */
function counts(report: SyncReport, dryRun: boolean): string {
  if (dryRun) {
    return (
      `would create ${report.created}, update ${report.updated}, delete ${report.deleted}, ` +
      `link ${report.linked}; ${report.skipped} skipped`
    );
  }
  return (
    `${report.created} created, ${report.updated} updated, ${report.deleted} deleted, ` +
    `${report.linked} linked, ${report.skipped} skipped`
  );
}

/** The human summary `synchro:run` prints: a headline with the counts, then pending conflicts and errors. */
export function formatReport(report: SyncReport, heading: ReportHeading): string {
  const pair = `'${heading.local}' → '${heading.remote}'`;
  const dryRun = !!heading.dryRun;
  const took = duration(report.durationMs);
  const lines: string[] = [];
  if (report.status === 'no-changes') {
    lines.push(`No changes to synchronize from '${heading.local}' to '${heading.remote}' (${took}).`);
  } else if (dryRun) {
    lines.push(`Dry run ${pair}, nothing written (${took}): ${counts(report, true)}.`);
  } else if (report.status === 'failed') {
    lines.push(`Synchronization ${pair} failed after ${took}: ${counts(report, false)}.`);
  } else {
    lines.push(`Synchronized ${pair} in ${took}: ${counts(report, false)}.`);
  }
  const pending = report.conflicts.filter((c) => c.resolution === 'pending');
  if (pending.length) {
    lines.push(`${pending.length} conflict(s) left pending:`);
    for (const conflict of pending) lines.push(`  - ${conflict.entity} ${keyText(conflict.key)}`);
    lines.push(
      'Settle them with resolveConflict() (ids in synchro:status) or a conflict policy (SynchroOptions.conflicts), ' +
        'then run synchro:run again.',
    );
  }
  if (report.errors.length) {
    lines.push(`${report.errors.length} error(s):`);
    for (const error of report.errors)
      lines.push(`  - ${error.entity} ${keyText(error.key)}: ${error.message}`);
  }
  return lines.join('\n');
}
