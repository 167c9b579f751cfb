import { resetSynchro, SynchroChange, synchronize, synchroStatus } from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import { PAIRS } from '../support/databases.js';
import { Author } from '../support/model.js';
import { openSyncPair } from '../support/sync.js';

describe.each(PAIRS)('status and reset $name', (kinds) => {
  it('synchroStatus reports pending changes per entity, the checkpoint and the last run', async () => {
    const p = await openSyncPair(kinds);
    try {
      const before = await synchroStatus(p.local.orm, p.remote.orm);
      expect(before).toMatchObject({ remote: 'server', pending: {}, conflicts: 0, pendingConflicts: [] });
      expect(before.lastRun).toBeUndefined();
      const em = p.local.orm.em.fork();
      em.create(Author, { email: 'a@x', name: 'A' });
      em.create(Author, { email: 'b@x', name: 'B' });
      await em.flush();
      expect((await synchroStatus(p.local.orm, p.remote.orm)).pending).toEqual({ Author: 2 });
      await synchronize(p.local.orm, p.remote.orm);
      const after = await synchroStatus(p.local.orm, p.remote.orm);
      expect(after).toMatchObject({ pending: {}, checkpoint: { lastId: 2, holes: [] } });
      expect(after.lastRun).toMatchObject({ status: 'synced', created: 2, updated: 0, deleted: 0 });
      expect(after.lastRun?.at).toBeInstanceOf(Date);
      expect(JSON.parse(JSON.stringify(after.checkpoint))).toEqual(after.checkpoint);
    } finally {
      await p.close();
    }
  });

  it('resetSynchro drops pending logs and moves checkpoints to now', async () => {
    const p = await openSyncPair(kinds);
    try {
      const em = p.local.orm.em.fork();
      em.create(Author, { email: 'before@x', name: 'B' });
      await em.flush();
      await resetSynchro(p.local.orm);
      expect(await p.local.orm.em.fork().count(SynchroChange)).toBe(0);
      expect((await synchroStatus(p.local.orm, p.remote.orm)).pending).toEqual({});
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'no-changes' });
      em.create(Author, { email: 'after@x', name: 'A' });
      await em.flush();
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', created: 1 });
      const remote = await p.remote.orm.em.fork().find(Author, {});
      expect(remote.map((a) => a.email)).toEqual(['after@x']);
      // no holes for the dropped ids
      expect((await synchroStatus(p.local.orm, p.remote.orm)).checkpoint).toMatchObject({ holes: [] });
    } finally {
      await p.close();
    }
  });
});
