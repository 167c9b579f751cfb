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
