import {
  type ConflictPolicy,
  resolveConflict,
  SynchroChange,
  synchronize,
  synchroStatus,
  type WithSynchroOptions,
} from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import { PAIRS } from '../support/databases.js';
import { Doc, Memo, Note } from '../support/model.js';
import type { TestPair } from '../support/orm.js';
import { openSyncPair } from '../support/sync.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

/** Syncs a memo, then edits it on REMOTE and on LOCAL (in the given order). */
async function conflictOnMemo(p: TestPair, first: 'remote' | 'local') {
  const em = p.local.orm.em.fork();
  const memo = em.create(Memo, { text: 'v1' });
  await em.flush();
  await synchronize(p.local.orm, p.remote.orm);
  const editRemote = async () => {
    const rem = p.remote.orm.em.fork();
    const row = await rem.findOneOrFail(Memo, { text: 'v1' });
    row.text = 'server';
    await rem.flush();
  };
  const editLocal = async () => {
    memo.text = 'office';
    await em.flush();
  };
  if (first === 'remote') {
    await editRemote();
    await tick();
    await editLocal();
  } else {
    await editLocal();
    await tick();
    await editRemote();
  }
  return { em, memo };
}

const remoteText = async (p: TestPair) => (await p.remote.orm.em.fork().find(Memo, {})).map((m) => m.text);

describe.each(PAIRS)('conflict policies $name', (kinds) => {
  const open = (local: WithSynchroOptions = {}, remote: WithSynchroOptions = {}) =>
    openSyncPair(kinds, local, remote);

  it('newer-wins (default when REMOTE logs): the later edit wins, a tie or an older LOCAL edit keeps REMOTE', async () => {
    const p = await open();
    try {
      await conflictOnMemo(p, 'remote');
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts).toEqual([
        expect.objectContaining({
          entity: 'Memo',
          resolution: 'local',
          local: expect.objectContaining({ text: 'office' }),
          remote: expect.objectContaining({ text: 'server' }),
        }),
      ]);
      expect(await remoteText(p)).toEqual(['office']);
    } finally {
      await p.close();
    }
    const q = await open();
    try {
      await conflictOnMemo(q, 'local');
      const report = await synchronize(q.local.orm, q.remote.orm);
      expect(report).toMatchObject({ status: 'synced', skipped: 1, updated: 0 });
      expect(report.conflicts.map((c) => c.resolution)).toEqual(['remote']);
      expect(await remoteText(q)).toEqual(['server']);
    } finally {
      await q.close();
    }
  });

  it.each([
    ['local-wins', 'office', 'local'],
    ['remote-wins', 'server', 'remote'],
  ] as const)('%s', async (policy, expected, resolution) => {
    const p = await open({ conflicts: policy });
    try {
      await conflictOnMemo(p, 'local');
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts.map((c) => c.resolution)).toEqual([resolution]);
      expect(await remoteText(p)).toEqual([expected]);
      // the REMOTE state is now the confirmed baseline: a later LOCAL edit is no conflict
      const em = p.local.orm.em.fork();
      const memo = await em.findOneOrFail(Memo, { text: 'office' });
      memo.text = 'again';
      await em.flush();
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', conflicts: [] });
      expect(await remoteText(p)).toEqual(['again']);
    } finally {
      await p.close();
    }
  });

  it('a function may merge both sides, per entity', async () => {
    const merge: ConflictPolicy = (c) => ({ ...c.remote, text: `${c.remote.text}+${c.local.text}` });
    const p = await open({ conflicts: { Memo: merge } });
    try {
      await conflictOnMemo(p, 'remote');
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts.map((c) => c.resolution)).toEqual(['merged']);
      expect(await remoteText(p)).toEqual(['server+office']);
    } finally {
      await p.close();
    }
  });

  it('manual: nothing is written, the conflict is stored and the change stays pending until resolved', async () => {
    const p = await open({ conflicts: 'manual' });
    try {
      await conflictOnMemo(p, 'remote');
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.status).toBe('conflicts');
      expect(report.conflicts).toEqual([
        expect.objectContaining({ resolution: 'pending', key: expect.anything() }),
      ]);
      expect(await remoteText(p)).toEqual(['server']);
      const status = await synchroStatus(p.local.orm, p.remote.orm);
      expect(status.conflicts).toBe(1);
      expect(status.pending).toEqual({ Memo: 1 });
      expect(status.pendingConflicts[0]).toMatchObject({
        entity: 'Memo',
        local: { text: 'office' },
        remote: { text: 'server' },
      });

      // still pending on the next run, stored once
      expect((await synchronize(p.local.orm, p.remote.orm)).status).toBe('conflicts');
      expect((await synchroStatus(p.local.orm, p.remote.orm)).conflicts).toBe(1);

      await resolveConflict(p.local.orm, status.pendingConflicts[0].id, 'local');
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', updated: 1 });
      expect(await remoteText(p)).toEqual(['office']);
      const after = await synchroStatus(p.local.orm, p.remote.orm);
      expect([after.conflicts, after.pending]).toEqual([0, {}]);
      await expect(resolveConflict(p.local.orm, status.pendingConflicts[0].id, 'remote')).rejects.toThrow(
        `No pending conflict with id ${status.pendingConflicts[0].id}`,
      );
    } finally {
      await p.close();
    }
  });

  it.each([
    ['remote-wins', 'unit-of-work'],
    ['remote-wins', 'bulk'],
    ['manual', 'unit-of-work'],
    ['manual', 'bulk'],
  ] as const)(
    '%s on the %s path keeps REMOTE while other rows of the entity are written in the same batch',
    async (policy, writePath) => {
      const p = await open({ conflicts: policy, writePath });
      try {
        const { em } = await conflictOnMemo(p, 'remote');
        const other = em.create(Memo, { text: 'other' }); // written in the same batch as the conflicting row
        await em.flush();
        const report = await synchronize(p.local.orm, p.remote.orm);
        expect(report.conflicts.map((c) => c.resolution)).toEqual([
          policy === 'manual' ? 'pending' : 'remote',
        ]);
        expect(report.paths.Memo).toBe(writePath);
        expect((await remoteText(p)).sort()).toEqual(['other', 'server']);
        // REMOTE logged only the row it wrote
        const logged = await p.remote.orm.em.fork().find(SynchroChange, { origin: { $ne: null } } as never);
        expect(logged.map((r) => [r.action, r.pk])).toEqual([
          ['create', 1], // the first sync
          ['create', other.id],
        ]);
      } finally {
        await p.close();
      }
    },
  );

  it('without a REMOTE log a row hash detects the change, and local-wins is the default', async () => {
    const p = await open({}, { capture: false });
    try {
      await conflictOnMemo(p, 'local');
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts.map((c) => c.resolution)).toEqual(['local']);
      expect(await remoteText(p)).toEqual(['office']);
      // an unchanged REMOTE row is no conflict
      const em = p.local.orm.em.fork();
      const memo = await em.findOneOrFail(Memo, { text: 'office' });
      memo.pinned = true;
      await em.flush();
      expect((await synchronize(p.local.orm, p.remote.orm)).conflicts).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it('version fields: REMOTE keeps and increments its own version, a REMOTE edit is detected by it', async () => {
    const p = await open({ conflicts: 'local-wins' }, { capture: false });
    try {
      const em = p.local.orm.em.fork();
      const doc = em.create(Doc, { code: 'd', body: 'v1' });
      await em.flush();
      doc.body = 'v2';
      await em.flush();
      expect(doc.version).toBe(2);
      await synchronize(p.local.orm, p.remote.orm);
      const rem = p.remote.orm.em.fork();
      const remote = await rem.findOneOrFail(Doc, { code: 'd' });
      expect(remote.version).toBe(1); // created once on REMOTE: its own version, not LOCAL's 2
      remote.body = 'server';
      await rem.flush();
      doc.body = 'office';
      await em.flush();
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts.map((c) => c.resolution)).toEqual(['local']);
      const after = await p.remote.orm.em.fork().findOneOrFail(Doc, { code: 'd' });
      expect([after.body, after.version]).toEqual(['office', 3]);
    } finally {
      await p.close();
    }
  });
});

describe.each(PAIRS)('optimistic locking while applying $name', (kinds) => {
  it('an OptimisticLockError during the REMOTE flush restarts the batch instead of failing the run', async () => {
    let injected = 0;
    const racer = {
      async onFlush({ em }: { em: import('@mikro-orm/core').EntityManager }) {
        if (injected > 0 || !em.isInTransaction()) return;
        injected += 1;
        // Someone else bumps the version between the sync's read and its write.
        await em
          .getConnection()
          .execute(
            "update doc set version = version + 1 where code = 'd'",
            [],
            'run',
            em.getTransactionContext(),
          );
      },
    };
    const p = await openSyncPair(kinds, { conflicts: 'local-wins' }, { capture: false });
    try {
      const em = p.local.orm.em.fork();
      const doc = em.create(Doc, { code: 'd', body: 'v1' });
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      p.remote.orm.em.getEventManager().registerSubscriber(racer);
      doc.body = 'v2';
      await em.flush();
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(injected).toBe(1);
      expect(report).toMatchObject({ status: 'synced', updated: 1, errors: [] });
      expect((await p.remote.orm.em.fork().findOneOrFail(Doc, { code: 'd' })).body).toBe('v2');
    } finally {
      await p.close();
    }
  });
});

describe.each(PAIRS)('delete conflicts $name', (kinds) => {
  const setup = async (p: TestPair, first: 'remote' | 'local') => {
    const em = p.local.orm.em.fork();
    const memo = em.create(Memo, { text: 'v1' });
    await em.flush();
    await synchronize(p.local.orm, p.remote.orm);
    const editRemote = async () => {
      const rem = p.remote.orm.em.fork();
      (await rem.findOneOrFail(Memo, { text: 'v1' })).text = 'server';
      await rem.flush();
    };
    const deleteLocal = async () => {
      em.remove(memo);
      await em.flush();
    };
    if (first === 'remote') {
      await editRemote();
      await tick();
      await deleteLocal();
    } else {
      await deleteLocal();
      await tick();
      await editRemote();
    }
  };

  it('a LOCAL delete of a row REMOTE edited since is a conflict: newer-wins decides', async () => {
    const p = await openSyncPair(kinds);
    try {
      await setup(p, 'local');
      const kept = await synchronize(p.local.orm, p.remote.orm);
      expect(kept.conflicts).toEqual([
        expect.objectContaining({ entity: 'Memo', local: {}, resolution: 'remote' }),
      ]);
      expect(await remoteText(p)).toEqual(['server']);
    } finally {
      await p.close();
    }
    const q = await openSyncPair(kinds);
    try {
      await setup(q, 'remote');
      const deleted = await synchronize(q.local.orm, q.remote.orm);
      expect(deleted).toMatchObject({ deleted: 1 });
      expect(deleted.conflicts.map((c) => c.resolution)).toEqual(['local']);
      expect(await remoteText(q)).toEqual([]);
    } finally {
      await q.close();
    }
  });

  it('manual: the delete waits, then resolveConflict(local) applies it', async () => {
    const p = await openSyncPair(kinds, { conflicts: 'manual' });
    try {
      await setup(p, 'remote');
      expect((await synchronize(p.local.orm, p.remote.orm)).status).toBe('conflicts');
      expect(await remoteText(p)).toEqual(['server']);
      const [conflict] = (await synchroStatus(p.local.orm, p.remote.orm)).pendingConflicts;
      await resolveConflict(p.local.orm, conflict.id, 'local');
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', deleted: 1 });
      expect(await remoteText(p)).toEqual([]);
    } finally {
      await p.close();
    }
  });
});

describe('conflicts on a SQLite REMOTE', () => {
  // REMOTE's log is read for the batch's keys through one JSON parameter there (json_each / json_quote)
  it('detects REMOTE edits through its log, for integer and string keys', async () => {
    const p = await openSyncPair({ local: 'pglite', remote: 'sqlite' });
    try {
      await conflictOnMemo(p, 'remote');
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts.map((c) => [c.entity, c.resolution])).toEqual([['Memo', 'local']]);
      expect(await remoteText(p)).toEqual(['office']);

      const em = p.local.orm.em.fork();
      const note = em.create(Note, { id: crypto.randomUUID(), text: 'v1' });
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      const rem = p.remote.orm.em.fork();
      (await rem.findOneOrFail(Note, { id: note.id })).text = 'server';
      await rem.flush();
      await tick();
      note.text = 'office';
      await em.flush();
      const again = await synchronize(p.local.orm, p.remote.orm);
      expect(again.conflicts.map((c) => [c.entity, c.resolution])).toEqual([['Note', 'local']]);
    } finally {
      await p.close();
    }
  });
});
