import type { EventSubscriber } from '@mikro-orm/core';
import { SynchroChange, SynchroError, synchronize, synchroStatus, withSynchro } from '@mikro-synchro/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PAIRS } from '../support/databases.js';
import { Author, Book, MODEL, Note } from '../support/model.js';
import { openPair, type TestPair } from '../support/orm.js';

type Step = 'onFlush' | 'afterFlush' | 'beforeTransactionCommit';

/** A REMOTE subscriber that throws once at the armed step of the n-th flush/commit it sees. */
class Crash implements EventSubscriber {
  step: Step | null = null;
  skip = 0;
  private hit(step: Step) {
    if (this.step !== step) return;
    if (this.skip-- > 0) return;
    this.step = null;
    throw new Error(`injected crash at ${step}`);
  }
  onFlush() {
    this.hit('onFlush');
  }
  afterFlush() {
    this.hit('afterFlush');
  }
  beforeTransactionCommit() {
    this.hit('beforeTransactionCommit');
  }
}

describe.each(PAIRS)('reliability $name', (kinds) => {
  let p: TestPair;
  let crash: Crash;
  beforeEach(async () => {
    crash = new Crash();
    p = await openPair(
      kinds,
      withSynchro({ entities: MODEL }, { remote: 'server' }),
      withSynchro({ entities: MODEL, subscribers: [crash] }, { remote: null }),
    );
  });
  afterEach(() => p.close());

  const seed = async (n: number) => {
    const em = p.local.orm.em.fork();
    for (let i = 0; i < n; i++) {
      const a = em.create(Author, { email: `a${i}@x`, name: `A${i}` });
      em.create(Book, { title: `B${i}`, author: a });
    }
    await em.flush();
  };
  const remoteCounts = async () => [
    await p.remote.orm.em.fork().count(Author),
    await p.remote.orm.em.fork().count(Book),
  ];

  it.each(['onFlush', 'afterFlush', 'beforeTransactionCommit'] as const)(
    'a crash at %s leaves REMOTE and the checkpoint unchanged; the rerun applies everything once',
    async (step) => {
      await seed(5);
      crash.step = step;
      const failed = await synchronize(p.local.orm, p.remote.orm);
      expect(failed.status, JSON.stringify(failed.errors)).toBe('failed');
      expect(failed.errors[0].message).toContain(`injected crash at ${step}`);
      expect(await remoteCounts()).toEqual([0, 0]);
      expect((await synchroStatus(p.local.orm, p.remote.orm)).pending).toEqual({ Author: 5, Book: 5 });
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', created: 10 });
      expect(await remoteCounts()).toEqual([5, 5]);
    },
  );

  it('a crash after the REMOTE commit (LOCAL bookkeeping) neither loses nor repeats rows', async () => {
    await seed(3);
    await p.local.orm.em.getConnection().execute('drop table synchro_run');
    await expect(synchronize(p.local.orm, p.remote.orm)).rejects.toThrow();
    expect(await remoteCounts()).toEqual([3, 3]);
    await p.local.orm.schema.update();
    expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'no-changes', created: 0 });
    expect(await remoteCounts()).toEqual([3, 3]);
  });

  it('a crash in a later batch keeps the earlier batches; the rerun applies only the rest', async () => {
    await seed(20); // 40 log entries
    crash.step = 'beforeTransactionCommit';
    crash.skip = 1; // the first batch commits, the second crashes
    const failed = await synchronize(p.local.orm, p.remote.orm, { batchSize: 10 });
    expect(failed).toMatchObject({ status: 'failed', created: 10 }); // the committed batch only
    const [authors, books] = await remoteCounts();
    expect(authors + books).toBe(10);
    const rerun = await synchronize(p.local.orm, p.remote.orm, { batchSize: 10 });
    expect(rerun).toMatchObject({ status: 'synced' });
    expect(await remoteCounts()).toEqual([20, 20]);
  });

  it('a second concurrent run of the same pair fails fast', async () => {
    await seed(30);
    let second: Promise<unknown> | undefined;
    const first = await synchronize(p.local.orm, p.remote.orm, {
      batchSize: 10,
      onProgress: () => {
        second ??= synchronize(p.local.orm, p.remote.orm).catch((e) => e);
      },
    });
    expect(first.status, JSON.stringify(first.errors)).toBe('synced');
    const error = await second;
    expect(error).toBeInstanceOf(SynchroError);
    expect((error as Error).message).toMatch(
      /^Another synchronize\(\) of source [0-9a-f-]{36} into this REMOTE is running; runs of one pair never interleave\./,
    );
    expect(await remoteCounts()).toEqual([30, 30]);
  });

  it('a failing row aborts its batch: nothing partial on REMOTE, the checkpoint stays, the error names entity and key', async () => {
    await p.close();
    p = await openPair(
      kinds,
      withSynchro({ entities: MODEL }, { remote: 'server', naturalKeys: { Note: ['text'] } }),
      withSynchro({ entities: MODEL }, { remote: null }),
    );
    const rem = p.remote.orm.em.fork();
    rem.create(Note, { id: crypto.randomUUID(), text: 'dup' });
    rem.create(Note, { id: crypto.randomUUID(), text: 'dup' });
    await rem.flush();
    const em = p.local.orm.em.fork();
    em.create(Author, { email: 'fine@x', name: 'F' });
    em.create(Note, { id: crypto.randomUUID(), text: 'dup' });
    await em.flush();
    const report = await synchronize(p.local.orm, p.remote.orm);
    expect(report.status).toBe('failed');
    expect(report.errors).toEqual([
      {
        entity: 'Note',
        key: ['dup'],
        message:
          'Natural key for Note (text) = ("dup") matched 2 rows on REMOTE; declare allowMany or choose a unique key',
      },
    ]);
    expect(await p.remote.orm.em.fork().count(Author)).toBe(0);
    expect((await synchroStatus(p.local.orm, p.remote.orm)).pending).toEqual({ Author: 1, Note: 1 });
  });
});

describe.each(PAIRS)('database errors $name', (kinds) => {
  it('a row REMOTE rejects fails the run with the entity named, and nothing of the batch is kept', async () => {
    const p = await openPair(
      kinds,
      withSynchro({ entities: MODEL }, { remote: 'server' }),
      withSynchro({ entities: MODEL }, { remote: null }),
    );
    try {
      const em = p.local.orm.em.fork();
      const a = em.create(Author, { email: 'a@x', name: 'A' });
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      const rem = p.remote.orm.em.fork();
      rem.create(Author, { email: 'b@x', name: 'server only' });
      await rem.flush();
      a.email = 'b@x'; // LOCAL renames its author to an email REMOTE already uses for another row
      em.create(Author, { email: 'c@x', name: 'C' });
      await em.flush();
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.status).toBe('failed');
      expect(report.errors).toHaveLength(1);
      expect(report.errors[0].entity).toBe('Author');
      expect(report.errors[0].message).toMatch(/^REMOTE rejected the batch: /);
      expect(await p.remote.orm.em.fork().count(Author, { email: 'c@x' })).toBe(0);
    } finally {
      await p.close();
    }
  });
});

describe.each(PAIRS)('echoes $name', (kinds) => {
  it('changes applied by a sync are logged with their origin and never sent back', async () => {
    const p = await openPair(
      kinds,
      withSynchro({ entities: MODEL }, { remote: 'server' }),
      withSynchro({ entities: MODEL }, { remote: 'office' }),
    );
    try {
      const em = p.local.orm.em.fork();
      em.create(Author, { email: 'a@x', name: 'A' });
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      const remoteLog = await p.remote.orm.em.fork().find(SynchroChange, {});
      expect(remoteLog).toHaveLength(1);
      expect(remoteLog[0].origin).toMatch(/^[0-9a-f-]{36}$/);
      expect(await synchronize(p.remote.orm, p.local.orm)).toMatchObject({ status: 'no-changes' });
      expect(await p.local.orm.em.fork().count(Author)).toBe(1);
    } finally {
      await p.close();
    }
  });
});
