import type { SyncReport } from '@mikro-synchro/core';

/** Exit codes of `synchro:run`: 0 synced or no changes, 1 failed (or a usage error), 3 conflicts left pending. */
export const EXIT_CODES = { ok: 0, failed: 1, conflicts: 3 } as const;

/** The exit code for a finished run. */
export function exitCodeOf(report: Pick<SyncReport, 'status'>): number {
  switch (report.status) {
    case 'failed':
      return EXIT_CODES.failed;
    case 'conflicts':
      return EXIT_CODES.conflicts;
    default:
      return EXIT_CODES.ok;
  }
}
