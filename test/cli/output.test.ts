import { PassThrough } from 'node:stream';
import { confirm, createProgress, exitCodeOf, formatReport, formatStatus, toJson } from '@mikro-synchro/cli';
import type { SyncReport } from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';

const REPORT: SyncReport = {
  status: 'synced',
  created: 3,
  updated: 2,
  deleted: 1,
  linked: 2,
  skipped: 0,
  conflicts: [],
  errors: [],
  durationMs: 1234,
  paths: {},
};
const PAIR = { local: 'office', remote: 'server' };

describe('formatReport', () => {
  it('sums up a sync in one line', () => {
    expect(formatReport(REPORT, PAIR)).toBe(
      "Synchronized 'office' → 'server' in 1.2 s: 3 created, 2 updated, 1 deleted, 2 linked, 0 skipped.",
    );
  });

  it('says what a dry run would write', () => {
    expect(formatReport({ ...REPORT, durationMs: 45 }, { ...PAIR, dryRun: true })).toBe(
      "Dry run 'office' → 'server', nothing written (45 ms): would create 3, update 2, delete 1, link 2; 0 skipped.",
    );
  });

  it('says when there was nothing to do', () => {
    const report = {
      ...REPORT,
      status: 'no-changes' as const,
      created: 0,
      updated: 0,
      deleted: 0,
      linked: 0,
    };
    expect(formatReport(report, PAIR)).toBe("No changes to synchronize from 'office' to 'server' (1.2 s).");
  });

  it('lists pending conflicts with their keys', () => {
    const conflict = { entity: 'Book', key: ['ann@example.com', 'Dune'], local: {}, remote: {} };
    const report: SyncReport = {
      ...REPORT,
      status: 'conflicts',
      conflicts: [
        { ...conflict, resolution: 'pending' },
        { ...conflict, key: ['bob@example.com', 'Emma'], resolution: 'local' },
      ],
    };
    expect(formatReport(report, PAIR).split('\n')).toEqual([
      "Synchronized 'office' → 'server' in 1.2 s: 3 created, 2 updated, 1 deleted, 2 linked, 0 skipped.",
      '1 conflict(s) left pending:',
      '  - Book ["ann@example.com","Dune"]',
      'Settle them with resolveConflict() (ids in synchro:status) or a conflict policy (SynchroOptions.conflicts), ' +
        'then run synchro:run again.',
    ]);
  });

  it('lists the errors of a failed run', () => {
    const report: SyncReport = {
      ...REPORT,
      status: 'failed',
      errors: [
        { entity: 'Author', key: { email: 'x' }, message: 'REMOTE rejected the batch: check violation' },
      ],
    };
    expect(formatReport(report, PAIR).split('\n')).toEqual([
      "Synchronization 'office' → 'server' failed after 1.2 s: 3 created, 2 updated, 1 deleted, 2 linked, 0 skipped.",
      '1 error(s):',
      '  - Author {"email":"x"}: REMOTE rejected the batch: check violation',
    ]);
  });
});

describe('exitCodeOf', () => {
  it('maps the status to 0, 1 or 3', () => {
    const codes = (['synced', 'no-changes', 'failed', 'conflicts'] as const).map((status) =>
      exitCodeOf({ status }),
    );
    expect(codes).toEqual([0, 0, 1, 3]);
  });
});

describe('formatStatus', () => {
  it('shows pending changes per entity, checkpoint, last run and conflicts', () => {
    const text = formatStatus(
      {
        remote: 'server',
        pending: { Author: 2, Book: 12, Tag: 0 },
        checkpoint: { lastId: 40, holes: [] },
        lastRun: {
          at: new Date('2025-03-01T10:00:00.000Z'),
          status: 'synced',
          created: 1,
          updated: 2,
          deleted: 3,
        },
        conflicts: 1,
        pendingConflicts: [
          {
            id: 7,
            entity: 'Book',
            key: ['ann@example.com', 'Dune'],
            local: {},
            remote: {},
            createdAt: new Date('2025-03-01T10:00:00.000Z'),
          },
        ],
      },
      'office',
    );
    expect(text.split('\n')).toEqual([
      "Synchro status of 'office' → 'server'",
      'Pending changes: 14',
      '  Author  2',
      '  Book    12',
      'Checkpoint:      {"lastId":40,"holes":[]}',
      'Last run:        2025-03-01T10:00:00.000Z synced (1 created, 2 updated, 3 deleted)',
      'Conflicts:       1',
      '  #7 Book ["ann@example.com","Dune"]',
    ]);
  });

  it('says when the database has no REMOTE', () => {
    const text = formatStatus(
      { remote: null, pending: {}, checkpoint: null, conflicts: 0, pendingConflicts: [] },
      'server',
    );
    expect(text.split('\n').slice(0, 2)).toEqual([
      "Synchro status of 'server' (no REMOTE configured: this database only logs)",
      'Pending changes: 0',
    ]);
    expect(text).toContain('Last run:        never');
  });
});

describe('toJson', () => {
  it('writes dates as ISO strings and bigints as strings', () => {
    expect(JSON.parse(toJson({ at: new Date('2025-03-01T10:00:00.000Z'), id: 12n }))).toEqual({
      at: '2025-03-01T10:00:00.000Z',
      id: '12',
    });
  });
});

/** A writable stream that records what is written, posing as a terminal or not. */
function stream(isTTY: boolean) {
  const out = Object.assign(new PassThrough(), { isTTY, columns: 100 });
  let text = '';
  out.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { out, text: () => text };
}

describe('createProgress', () => {
  it('draws a bar with the entity on a terminal', () => {
    const { out, text } = stream(true);
    const progress = createProgress(out);
    progress.onProgress({ done: 1, total: 4, entity: 'Author' });
    progress.onProgress({ done: 4, total: 4, entity: 'Book' });
    progress.stop();
    expect(text()).toContain('25% | 1/4 changes | Author');
    expect(text()).toContain('100% | 4/4 changes | Book');
  });

  it('draws nothing when the stream is not a terminal, or when disabled', () => {
    for (const [isTTY, enabled] of [
      [false, true],
      [true, false],
    ]) {
      const { out, text } = stream(isTTY);
      const progress = createProgress(out, enabled);
      progress.onProgress({ done: 1, total: 1, entity: 'Author' });
      progress.stop();
      expect(text()).toBe('');
    }
  });
});

describe('confirm', () => {
  async function answer(input: string | null): Promise<boolean> {
    const stdin = new PassThrough();
    const { out, text } = stream(true);
    const pending = confirm('Reset?', { input: stdin, output: out });
    if (input === null) stdin.end();
    else stdin.end(input);
    const result = await pending;
    expect(text()).toBe('Reset? [y/N] ');
    return result;
  }

  it('confirms only on y or yes', async () => {
    expect(await answer('y\n')).toBe(true);
    expect(await answer('YES\n')).toBe(true);
    expect(await answer('n\n')).toBe(false);
    expect(await answer('\n')).toBe(false);
    expect(await answer(null)).toBe(false);
  });
});
