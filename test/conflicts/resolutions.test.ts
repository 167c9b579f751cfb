import type { EntityManager } from '@mikro-orm/core';
import {
  resolveConflict,
  type SyncConflict,
  SynchroConflict,
  synchronize,
  synchroStatus,
  withSynchro,
} from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import { PAIRS } from '../support/databases.js';
import { Author, Book, Doc, Memo, MODEL } from '../support/model.js';
import { openPair, type TestPair } from '../support/orm.js';
import { openSyncPair, syncedBook } from '../support/sync.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

/** The row under test: a Memo (no version: REMOTE's log or a row hash) or a Doc (version property). */
const subject = (versioned: boolean) =>
  versioned
    ? { entity: Doc, field: 'body', create: { code: 'd', body: 'v1' } }
    : { entity: Memo, field: 'text', create: { text: 'v1' } };

async function remoteText(p: TestPair, versioned = false): Promise<string[]> {
  const { entity, field } = subject(versioned);
  const rows = await p.remote.orm.em.fork().find(entity as typeof Memo, {});
  return rows.map((r) => (r as unknown as Record<string, string>)[field]!);
}

async function editRemote(p: TestPair, from: string, to: string, versioned = false) {
  const { entity, field } = subject(versioned);
  const rem = p.remote.orm.em.fork();
  const row = await rem.findOneOrFail(entity as typeof Memo, { [field]: from } as never);
  (row as unknown as Record<string, string>)[field] = to;
  await rem.flush();
}

/** A row synced, then edited on REMOTE ('server') and on LOCAL ('office'); a manual sync stores the conflict. */
async function pendingConflict(p: TestPair, versioned = false) {
  const { entity, field, create } = subject(versioned);
  const em = p.local.orm.em.fork();
  const row = em.create(entity as typeof Memo, create as never) as unknown as Record<string, string>;
  await em.flush();
  await synchronize(p.local.orm, p.remote.orm);
  await editRemote(p, 'v1', 'server', versioned);
  await tick();
  row[field] = 'office';
  await em.flush();
  expect((await synchronize(p.local.orm, p.remote.orm)).status).toBe('conflicts');
  const [conflict] = (await synchroStatus(p.local.orm, p.remote.orm)).pendingConflicts;
  const edit = async (text: string) => {
    row[field] = text;
    await em.flush();
  };
  return { edit, id: conflict!.id };
}

// A person decides on the values synchroStatus() showed them. A change on either side after that is one they
// never saw: the decision is not applied to it, the conflict is raised again with the new values.
describe.each(PAIRS)('stored resolutions $name', (kinds) => {
  it.each(['version', 'log', 'hash'] as const)(
    "'local' is not applied over a REMOTE edit made after the decision (detection: %s)",
    async (method) => {
      const p = await openSyncPair(
        kinds,
        { conflicts: 'manual' },
        method === 'hash' ? { capture: false } : {},
      );
      const versioned = method === 'version';
      const { field } = subject(versioned);
      try {
        const { id } = await pendingConflict(p, versioned);
        await resolveConflict(p.local.orm, id, 'local');
        const decided = await p.local.orm.em.fork().findOneOrFail(SynchroConflict, { id });
        expect(decided.resolvedAt).toBeInstanceOf(Date);
        await tick();
        await editRemote(p, 'server', 'server again', versioned);
        const report = await synchronize(p.local.orm, p.remote.orm);
        expect(await remoteText(p, versioned)).toEqual(['server again']);
        expect(report.status).toBe('conflicts');
        expect(report.conflicts).toEqual([
          expect.objectContaining({
            resolution: 'pending',
            local: expect.objectContaining({ [field]: 'office' }),
            remote: expect.objectContaining({ [field]: 'server again' }),
          }),
        ]);
        const [again] = (await synchroStatus(p.local.orm, p.remote.orm)).pendingConflicts;
        expect(again).toMatchObject({ remote: { [field]: 'server again' } });
        // a new conflict: dated now, its earlier resolution gone
        const stored = await p.local.orm.em.fork().findOneOrFail(SynchroConflict, { id });
        expect([stored.status, stored.resolvedAt]).toEqual(['pending', null]);
        expect(stored.createdAt.getTime()).toBeGreaterThan(decided.createdAt.getTime());

        // deciding again on what is shown now applies
        await resolveConflict(p.local.orm, again!.id, 'local');
        expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', updated: 1 });
        expect(await remoteText(p, versioned)).toEqual(['office']);
        expect((await synchroStatus(p.local.orm, p.remote.orm)).conflicts).toBe(0);
      } finally {
        await p.close();
      }
    },
  );

  it("'remote' does not drop a LOCAL edit made after the decision", async () => {
    const p = await openSyncPair(kinds, { conflicts: 'manual' });
    try {
      const { edit, id } = await pendingConflict(p);
      await resolveConflict(p.local.orm, id, 'remote');
      await edit('office again');
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts).toEqual([
        expect.objectContaining({
          resolution: 'pending',
          local: expect.objectContaining({ text: 'office again' }),
          remote: expect.objectContaining({ text: 'server' }),
        }),
      ]);
      expect(await remoteText(p)).toEqual(['server']);
      const status = await synchroStatus(p.local.orm, p.remote.orm);
      expect(status.pending).toEqual({ Memo: 2 }); // both logged edits wait
      expect(status.pendingConflicts).toHaveLength(1);
      await resolveConflict(p.local.orm, status.pendingConflicts[0]!.id, 'local');
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', updated: 1 });
      expect(await remoteText(p)).toEqual(['office again']);
    } finally {
      await p.close();
    }
  });

  it("'remote' with nothing changed since: REMOTE is kept and the LOCAL change is settled", async () => {
    const p = await openSyncPair(kinds, { conflicts: 'manual' });
    try {
      const { id } = await pendingConflict(p);
      await resolveConflict(p.local.orm, id, 'remote');
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', skipped: 1 });
      expect(await remoteText(p)).toEqual(['server']);
      const status = await synchroStatus(p.local.orm, p.remote.orm);
      expect([status.conflicts, status.pending]).toEqual([0, {}]);
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'no-changes' });
    } finally {
      await p.close();
    }
  });

  it('a change of a skipped (never synced) property leaves the decision standing', async () => {
    const p = await openSyncPair(kinds, { conflicts: 'manual', skip: { Memo: ['views'] } });
    try {
      const em = p.local.orm.em.fork();
      const memo = em.create(Memo, { text: 'v1' });
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      const rem = p.remote.orm.em.fork();
      const r = await rem.findOneOrFail(Memo, { text: 'v1' });
      r.text = 'server';
      await rem.flush();
      await tick();
      memo.text = 'office';
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      const [c] = (await synchroStatus(p.local.orm, p.remote.orm)).pendingConflicts;
      await resolveConflict(p.local.orm, c!.id, 'local');
      r.views += 1; // REMOTE's own counter, never synced
      await rem.flush();
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts.map((x) => x.resolution)).toEqual(['local']);
      expect((await p.remote.orm.em.fork().find(Memo, {})).map((m) => m.text)).toEqual(['office']);
    } finally {
      await p.close();
    }
  });

  it('a row met in two batches is reported once, also when the second batch is run again', async () => {
    let armed = false;
    let injected = 0;
    const racer = {
      async onFlush({ em }: { em: EntityManager }) {
        if (!armed || !em.isInTransaction()) return;
        armed = false;
        injected += 1;
        await em
          .getConnection()
          .execute(
            "update doc set version = version + 1 where code = 'y'",
            [],
            'run',
            em.getTransactionContext(),
          );
      },
    };
    const p = await openSyncPair(kinds, { conflicts: 'manual' });
    try {
      const em = p.local.orm.em.fork();
      const x = em.create(Doc, { code: 'x', body: 'v1' });
      const y = em.create(Doc, { code: 'y', body: 'v1' });
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      const rem = p.remote.orm.em.fork();
      (await rem.findOneOrFail(Doc, { code: 'x' })).body = 'server';
      await rem.flush();
      await tick();
      for (const body of ['o1', 'o2']) {
        x.body = body;
        await em.flush();
      }
      y.body = 'o';
      await em.flush();
      x.body = 'o3';
      await em.flush();
      p.remote.orm.em.getEventManager().registerSubscriber(racer);
      const report = await synchronize(p.local.orm, p.remote.orm, {
        batchSize: 2,
        onProgress: () => {
          armed = true; // batch 2 (y written, x pending again) hits a concurrent REMOTE change once
        },
      });
      expect(injected).toBe(1); // batch 2 was rolled back and run again
      expect(report.conflicts.map((c) => [c.local.code, c.resolution])).toEqual([['x', 'pending']]);
      expect(report.updated).toBe(1); // y
    } finally {
      await p.close();
    }
  });

  it('a decision made while a run is under way is kept for the next run, not reset to pending', async () => {
    let resolving: Promise<void> | undefined;
    const p = await openSyncPair(kinds, { conflicts: 'manual' });
    try {
      const em = p.local.orm.em.fork();
      const a = em.create(Memo, { text: 'a1' });
      const x = em.create(Memo, { text: 'x1' });
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      const rem = p.remote.orm.em.fork();
      (await rem.findOneOrFail(Memo, { text: 'a1' })).text = 'a-server';
      (await rem.findOneOrFail(Memo, { text: 'x1' })).text = 'x-server';
      await rem.flush();
      await tick();
      a.text = 'a-office';
      await em.flush();
      x.text = 'x-office';
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      const status = await synchroStatus(p.local.orm, p.remote.orm);
      const xc = status.pendingConflicts.find((c) => c.local.text === 'x-office')!;
      p.remote.orm.em.getEventManager().registerSubscriber({
        async afterTransactionStart() {
          if (resolving) await resolving;
        },
      });
      let first = true;
      await synchronize(p.local.orm, p.remote.orm, {
        batchSize: 1,
        onProgress: () => {
          if (first) resolving = resolveConflict(p.local.orm, xc.id, 'local');
          first = false;
        },
      });
      expect(resolving).toBeDefined();
      const row = await p.local.orm.em.fork().findOne(SynchroConflict, { id: xc.id });
      const texts = (await p.remote.orm.em.fork().find(Memo, {}, { orderBy: { id: 'asc' } })).map(
        (m) => m.text,
      );
      expect(row?.status).toBe('local');
      expect(texts).toEqual(['a-server', 'x-server']);
      // the next run applies it
      expect((await synchronize(p.local.orm, p.remote.orm)).conflicts.map((c) => c.resolution)).toEqual([
        'pending',
        'local',
      ]);
      const after = await p.remote.orm.em.fork().find(Memo, {}, { orderBy: { id: 'asc' } });
      expect(after.map((m) => m.text)).toEqual(['a-server', 'x-office']);
    } finally {
      await p.close();
    }
  });

  it('merged values are applied when nothing changed since the decision', async () => {
    const p = await openSyncPair(kinds, { conflicts: 'manual' });
    try {
      const { id } = await pendingConflict(p);
      await resolveConflict(p.local.orm, id, { text: 'merged' });
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', updated: 1 });
      expect(await remoteText(p)).toEqual(['merged']);
      expect((await synchroStatus(p.local.orm, p.remote.orm)).conflicts).toBe(0);
    } finally {
      await p.close();
    }
  });

  it('only batches holding a decided row look decisions up', async () => {
    const p = await openSyncPair(kinds, { conflicts: 'manual' });
    try {
      const { id } = await pendingConflict(p);
      await resolveConflict(p.local.orm, id, 'local');
      const em = p.local.orm.em.fork();
      for (let i = 0; i < 30; i++) em.create(Memo, { text: `m${i}` });
      await em.flush();
      p.local.queries.reset();
      let batches = 0;
      const report = await synchronize(p.local.orm, p.remote.orm, {
        batchSize: 5,
        onProgress: () => batches++,
      });
      expect(report).toMatchObject({ status: 'synced', created: 30, updated: 1 });
      expect(batches).toBeGreaterThanOrEqual(7);
      // the run reads which rows have a decision once; then only the decided row's batch looks its decision up
      const lookups = p.local.queries.matching(/synchro_conflict.*local_pk.? in /i);
      expect(lookups).toHaveLength(1);
      expect(await remoteText(p)).toContain('office');
    } finally {
      await p.close();
    }
  });

  it('above 10,000 decided rows every batch looks its rows up, and decisions still apply', async () => {
    const p = await openSyncPair(kinds, { conflicts: 'manual' });
    try {
      const { id } = await pendingConflict(p);
      await resolveConflict(p.local.orm, id, 'local');
      const decided = await p.local.orm.em.fork().findOneOrFail(SynchroConflict, { id });
      const now = new Date();
      const others = Array.from({ length: 10_000 }, (_, i) => ({
        remote: decided.remote,
        entity: 'Memo',
        localPk: `other-${i}`,
        key: [`other-${i}`],
        local: {},
        remoteValues: {},
        status: 'remote' as const,
        createdAt: now,
        resolvedAt: now,
      }));
      await p.local.orm.em.fork().insertMany(SynchroConflict, others);
      const em = p.local.orm.em.fork();
      for (let i = 0; i < 30; i++) em.create(Memo, { text: `m${i}` });
      await em.flush();
      p.local.queries.reset();
      const report = await synchronize(p.local.orm, p.remote.orm, { batchSize: 5 });
      expect(report).toMatchObject({ status: 'synced', created: 30, updated: 1 });
      expect(p.local.queries.matching(/synchro_conflict.*local_pk.? in /i).length).toBeGreaterThanOrEqual(7);
      expect(await remoteText(p)).toContain('office');
    } finally {
      await p.close();
    }
  });

  it('a resolution left unused does not decide a later conflict on the same row', async () => {
    // hash detection: REMOTE back at the values last synced is no conflict, so the resolution is not used then
    const p = await openSyncPair(kinds, { conflicts: 'manual' }, { capture: false });
    try {
      const { edit, id } = await pendingConflict(p);
      await resolveConflict(p.local.orm, id, 'local');
      await editRemote(p, 'server', 'v1');
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', updated: 1 });
      expect(await remoteText(p)).toEqual(['office']);
      // the row synced without a conflict: its stored decision is used up
      expect(await p.local.orm.em.fork().count(SynchroConflict, {})).toBe(0);

      await editRemote(p, 'office', 'server later');
      await edit('office later');
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts.map((c) => c.resolution)).toEqual(['pending']);
      expect(await remoteText(p)).toEqual(['server later']);
    } finally {
      await p.close();
    }
  });
});

describe.each(PAIRS)('merged resolutions with relations $name', (kinds) => {
  it('relations are LOCAL keys in `local` and REMOTE keys in `remote`: a merge built on `local` keeps them', async () => {
    const p = await openSyncPair(kinds, { conflicts: 'manual' });
    try {
      const rem = p.remote.orm.em.fork();
      rem.create(Author, { email: 'only-on-remote@x', name: 'R' }); // REMOTE ids run ahead of LOCAL's
      await rem.flush();
      const em = p.local.orm.em.fork();
      const author = em.create(Author, { email: 'a@x', name: 'A' });
      const book = em.create(Book, { title: 'B', author, price: 1 });
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      const remoteAuthor = await rem.findOneOrFail(Author, { email: 'a@x' });
      expect(remoteAuthor.id).not.toBe(author.id);
      const remoteBook = await rem.findOneOrFail(Book, { title: 'B' });
      remoteBook.price = 2;
      await rem.flush();
      await tick();
      book.price = 3;
      book.meta = { edition: 2 };
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);

      const [conflict] = (await synchroStatus(p.local.orm, p.remote.orm)).pendingConflicts;
      expect(conflict).toMatchObject({ local: { author: author.id }, remote: { author: remoteAuthor.id } });
      await resolveConflict(p.local.orm, conflict!.id, { ...conflict!.local, price: conflict!.remote.price });
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', updated: 1 });
      const after = await p.remote.orm.em
        .fork()
        .findOneOrFail(Book, { title: 'B' }, { populate: ['author'] });
      expect([after.author.email, after.price, after.meta]).toEqual(['a@x', 2, { edition: 2 }]);
    } finally {
      await p.close();
    }
  });
});

describe.each(PAIRS)('a policy function returning relations $name', (kinds) => {
  it('values replace LOCAL values; relations in them are ignored and follow LOCAL', async () => {
    const policy = (c: SyncConflict) => ({ ...c.remote, price: c.local.price, author: -1 });
    const p = await openSyncPair(kinds, { conflicts: { Book: policy } });
    try {
      const { em, book } = await syncedBook(p);
      const rem = p.remote.orm.em.fork();
      (await rem.findOneOrFail(Book, { title: 'B' })).meta = { from: 'server' };
      await rem.flush();
      await tick();
      book.price = 3;
      await em.flush();
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.conflicts.map((c) => c.resolution)).toEqual(['merged']);
      const after = await p.remote.orm.em
        .fork()
        .findOneOrFail(Book, { title: 'B' }, { populate: ['author'] });
      expect([after.author.email, after.price, after.meta]).toEqual(['a@x', 3, { from: 'server' }]);
    } finally {
      await p.close();
    }
  });
});

describe.each(PAIRS)('a delete decided for REMOTE, two-way $name', (kinds) => {
  it('the row REMOTE kept comes back to LOCAL on the way back, once', async () => {
    const p = await openPair(
      kinds,
      withSynchro({ entities: MODEL }, { remote: 'server', conflicts: 'remote-wins' }),
      withSynchro({ entities: MODEL }, { remote: 'office' }),
    );
    try {
      const em = p.local.orm.em.fork();
      const memo = em.create(Memo, { text: 'v1' });
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      await synchronize(p.remote.orm, p.local.orm);
      await editRemote(p, 'v1', 'server');
      em.remove(memo);
      await em.flush();
      const there = await synchronize(p.local.orm, p.remote.orm);
      expect(there.conflicts.map((c) => c.resolution)).toEqual(['remote']);
      expect(await remoteText(p)).toEqual(['server']);

      await synchronize(p.remote.orm, p.local.orm);
      const local = async () => (await p.local.orm.em.fork().find(Memo, {})).map((m) => m.text);
      expect(await local()).toEqual(['server']);
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'no-changes' });
      expect(await synchronize(p.remote.orm, p.local.orm)).toMatchObject({ status: 'no-changes' });

      // and it is still the same row on both sides: an edit on LOCAL reaches it
      const back = await p.local.orm.em.fork().findOneOrFail(Memo, { text: 'server' });
      back.text = 'edited on LOCAL';
      await p.local.orm.em.fork().persist(back).flush();
      await synchronize(p.local.orm, p.remote.orm);
      expect(await remoteText(p)).toEqual(['edited on LOCAL']);
    } finally {
      await p.close();
    }
  });
});
