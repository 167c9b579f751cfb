import { MikroORM, type Options } from '@mikro-orm/core';
import { synchronize, synchroStatus, withSynchro } from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import { createDatabase, KINDS } from '../support/databases.js';
import { Author, MODEL } from '../support/model.js';
import { openPair } from '../support/orm.js';

/** LOCAL databases whose transactions can commit out of log-id order (several connections). */
const SERVERS = KINDS.filter((k) => k === 'postgresql' || k === 'mariadb');

/** A write transaction left open on another database of the same server; `close()` ends it and drops that database. */
async function openBystander(kind: (typeof SERVERS)[number]) {
  const db = await createDatabase(kind);
  const orm = await MikroORM.init({
    ...db.config,
    entities: [],
    discovery: { warnWhenNoEntities: false },
  } as Options);
  await orm.em.getConnection().execute('create table bystander (x int)');
  const em = orm.em.fork();
  await em.begin();
  await em.getConnection().execute('insert into bystander values (1)', [], 'run', em.getTransactionContext());
  return {
    close: async () => {
      await em.rollback();
      await orm.close(true);
      await db.drop();
    },
  };
}

describe.each(SERVERS)('gap-free checkpoint with LOCAL on %s', (kind) => {
  it('never skips a change whose transaction commits after a sync read later ids', async () => {
    const p = await openPair(
      { local: kind, remote: 'sqlite' },
      withSynchro({ entities: MODEL }, { remote: 'server' }),
      withSynchro({ entities: MODEL }, { remote: null }),
    );
    try {
      const emails = async () =>
        (await p.remote.orm.em.fork().find(Author, {}, { orderBy: { email: 'asc' } })).map((a) => a.email);
      // A long transaction logs change 1 and stays open...
      const slow = p.local.orm.em.fork();
      await slow.begin();
      slow.create(Author, { email: 'slow@x', name: 'S' });
      await slow.flush();
      // ...while change 2 commits.
      const fast = p.local.orm.em.fork();
      fast.create(Author, { email: 'fast@x', name: 'F' });
      await fast.flush();

      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', created: 1 });
      expect(await emails()).toEqual(['fast@x']);
      const open = (await synchroStatus(p.local.orm, p.remote.orm)).checkpoint as { holes: { id: number }[] };
      expect(open.holes.map((h) => h.id)).toEqual([1]);
      // still open: the hole stays
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'no-changes' });

      await slow.commit();
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', created: 1 });
      expect(await emails()).toEqual(['fast@x', 'slow@x']);

      // a rolled back transaction leaves a hole that closes once nothing can fill it, even while a
      // transaction on another database of the same server stays open (as in a parallel test run)
      const bystander = await openBystander(kind);
      const doomed = p.local.orm.em.fork();
      await doomed.begin();
      doomed.create(Author, { email: 'doomed@x', name: 'D' });
      await doomed.flush();
      const later = p.local.orm.em.fork();
      later.create(Author, { email: 'later@x', name: 'L' });
      await later.flush();
      await synchronize(p.local.orm, p.remote.orm);
      await doomed.rollback();
      later.create(Author, { email: 'last@x', name: 'L2' });
      await later.flush();
      await synchronize(p.local.orm, p.remote.orm);
      const closed = (await synchroStatus(p.local.orm, p.remote.orm)).checkpoint as { holes: unknown[] };
      expect(closed.holes).toEqual([]);
      expect(await emails()).toEqual(['fast@x', 'last@x', 'later@x', 'slow@x']);
      await bystander.close();
    } finally {
      await p.close();
    }
  });
});

describe('gap-free checkpoint on single-writer databases', () => {
  it.each(['sqlite', 'pglite'] as const)('%s: a transaction is synced after it commits', async (kind) => {
    // SQLite and PGlite run one writer at a time, so ids commit in order: no hole can appear.
    const p = await openPair(
      { local: kind, remote: 'sqlite' },
      withSynchro({ entities: MODEL }, { remote: 'server' }),
      withSynchro({ entities: MODEL }, { remote: null }),
    );
    try {
      const tx = p.local.orm.em.fork();
      await tx.begin();
      tx.create(Author, { email: 'a@x', name: 'A' });
      await tx.flush();
      await tx.commit();
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ created: 1 });
      expect(
        ((await synchroStatus(p.local.orm, p.remote.orm)).checkpoint as { holes: unknown[] }).holes,
      ).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
