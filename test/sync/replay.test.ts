import { SynchroConfigError, synchronize, synchroStatus, withSynchro } from '@mikro-synchro/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PAIRS } from '../support/databases.js';
import { Author, Book, Category, Department, Employee, Memo, MODEL, Note, Tag } from '../support/model.js';
import { openPair, type TestPair } from '../support/orm.js';
import { openSyncPair, PATH_PAIRS } from '../support/sync.js';

const authors = async (p: TestPair) =>
  (await p.remote.orm.em.fork().find(Author, {}, { orderBy: { email: 'asc' } })).map(
    (a) => `${a.email}:${a.name}`,
  );

describe.each(PATH_PAIRS)('replay $name, $path path', ({ path, ...kinds }) => {
  let p: TestPair;
  beforeEach(async () => {
    p = await openSyncPair(kinds, { writePath: path });
  });
  afterEach(() => p.close());

  it('applies current LOCAL values, then reports no-changes and writes nothing', async () => {
    const em = p.local.orm.em.fork();
    const a = em.create(Author, { email: 'a@x', name: 'A' });
    em.create(Book, { title: 'T', author: a, price: 9.5 });
    await em.flush();
    a.name = 'A2'; // logged twice; synced once with the current value
    await em.flush();
    const report = await synchronize(p.local.orm, p.remote.orm);
    expect(report).toMatchObject({ status: 'synced', created: 2, updated: 0, deleted: 0, errors: [] });
    expect(await authors(p)).toEqual(['a@x:A2']);
    p.remote.queries.reset();
    const again = await synchronize(p.local.orm, p.remote.orm);
    expect(again).toMatchObject({ status: 'no-changes', created: 0, updated: 0, deleted: 0 });
    expect(p.remote.queries.matching(/^(insert|update|delete)/i)).toEqual([]);
  });

  it('collapses chains: create+delete writes nothing, update+delete deletes, recreate leaves the final row', async () => {
    const em = p.local.orm.em.fork();
    const kept = em.create(Author, { email: 'kept@x', name: 'K' });
    await em.flush();
    await synchronize(p.local.orm, p.remote.orm);

    const ghost = em.create(Author, { email: 'ghost@x', name: 'G' });
    await em.flush();
    em.remove(ghost);
    kept.name = 'K2';
    await em.flush();
    em.remove(kept);
    await em.flush();
    const phoenix = em.create(Author, { email: 'phoenix@x', name: 'P1' });
    await em.flush();
    phoenix.name = 'P2';
    await em.flush();
    em.remove(phoenix);
    await em.flush();
    const phoenix2 = em.create(Author, { email: 'phoenix@x', name: 'P3' });
    await em.flush();
    phoenix2.name = 'P4';
    await em.flush();

    p.remote.queries.reset();
    const report = await synchronize(p.local.orm, p.remote.orm);
    expect(report, JSON.stringify(report)).toMatchObject({
      status: 'synced',
      created: 1,
      deleted: 1,
      updated: 0,
    });
    expect(await authors(p)).toEqual(['phoenix@x:P4']);
    expect(p.remote.queries.matching(/ghost/)).toEqual([]);
  });

  it('matches REMOTE rows by natural key and never overwrites a row that merely has the same id', async () => {
    const rem = p.remote.orm.em.fork();
    rem.create(Author, { email: 'server-only@x', name: 'S' }); // id 1 on REMOTE
    rem.create(Author, { email: 'shared@x', name: 'old' }); // id 2 on REMOTE
    await rem.flush();
    const em = p.local.orm.em.fork();
    em.create(Author, { email: 'shared@x', name: 'new' }); // id 1 on LOCAL
    em.create(Author, { email: 'local@x', name: 'L' }); // id 2 on LOCAL
    await em.flush();
    const report = await synchronize(p.local.orm, p.remote.orm);
    expect(report).toMatchObject({ created: 1, updated: 1 });
    expect(await authors(p)).toEqual(['local@x:L', 'server-only@x:S', 'shared@x:new']);
  });

  it('remaps foreign keys and creates a missing target once, even when its entity is not watched', async () => {
    await p.close();
    p = await openSyncPair(kinds, { entities: [Book], writePath: path });
    const rem = p.remote.orm.em.fork();
    rem.create(Author, { email: 'filler@x', name: 'F' });
    await rem.flush();
    const em = p.local.orm.em.fork();
    const a = em.create(Author, { email: 'a@x', name: 'A' });
    em.create(Book, { title: 'T1', author: a });
    em.create(Book, { title: 'T2', author: a });
    await em.flush();
    const report = await synchronize(p.local.orm, p.remote.orm);
    expect(report).toMatchObject({ status: 'synced', created: 3 });
    const books = await p.remote.orm.em
      .fork()
      .find(Book, {}, { populate: ['author'], orderBy: { title: 'asc' } });
    expect(books.map((b) => `${b.title}:${b.author.email}`)).toEqual(['T1:a@x', 'T2:a@x']);
    expect(books[0].author.id).not.toBe(a.id);
    expect(await p.remote.orm.em.fork().count(Author)).toBe(2);
  });

  it('orders writes for self-references (parents inserted before children)', async () => {
    const em = p.local.orm.em.fork();
    const root = em.create(Category, { name: 'root' });
    const mid = em.create(Category, { name: 'mid', parent: root });
    em.create(Category, { name: 'leaf', parent: mid });
    await em.flush();
    expect((await synchronize(p.local.orm, p.remote.orm)).status).toBe('synced');
    const rows = await p.remote.orm.em
      .fork()
      .find(Category, {}, { populate: ['parent'], orderBy: { name: 'asc' } });
    expect(rows.map((c) => `${c.name}<${c.parent?.name ?? '-'}`)).toEqual(['leaf<mid', 'mid<root', 'root<-']);
  });

  it('writes an FK cycle between two entities (new rows on both sides of it)', async () => {
    const em = p.local.orm.em.fork();
    const dept = em.create(Department, { name: 'R&D' });
    const head = em.create(Employee, { email: 'head@x', department: dept });
    em.create(Employee, { email: 'dev@x', department: dept });
    dept.head = head;
    await em.flush();
    expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', created: 3 });
    const remote = await p.remote.orm.em
      .fork()
      .findOneOrFail(Department, { name: 'R&D' }, { populate: ['head'] });
    expect(remote.head?.email).toBe('head@x');
    const staff = await p.remote.orm.em
      .fork()
      .find(Employee, { department: remote.id }, { orderBy: { email: 'asc' } });
    expect(staff.map((e) => e.email)).toEqual(['dev@x', 'head@x']);
  });

  it('deletes through the reference, then through the stored natural key, and leaves untracked rows alone', async () => {
    const em = p.local.orm.em.fork();
    const synced = em.create(Author, { email: 'synced@x', name: 'S' });
    const memo = em.create(Memo, { text: 'tracked' });
    await em.flush();
    await synchronize(p.local.orm, p.remote.orm);
    // rows REMOTE got elsewhere: same natural key (found) and a memo with no natural key (untracked)
    const rem = p.remote.orm.em.fork();
    rem.create(Author, { email: 'elsewhere@x', name: 'E' });
    rem.create(Memo, { text: 'untracked' });
    await rem.flush();
    const untracked = em.create(Memo, { text: 'untracked' });
    const elsewhere = em.create(Author, { email: 'elsewhere@x', name: 'E' });
    await em.flush();
    await synchronize(p.local.orm, p.remote.orm); // matched + referenced now
    // a LOCAL row REMOTE never saw through a sync, but has under the same natural key
    await em.getConnection().execute(`delete from synchro_change`);
    em.remove([synced, memo, elsewhere, untracked]);
    await em.flush();
    const report = await synchronize(p.local.orm, p.remote.orm);
    expect(report, JSON.stringify(report.errors)).toMatchObject({ status: 'synced', deleted: 4 });
    expect(await p.remote.orm.em.fork().count(Author)).toBe(0);
    expect(await p.remote.orm.em.fork().count(Memo)).toBe(1);
  });

  it('matches application-assigned primary keys (uuid) by primary key', async () => {
    const id = crypto.randomUUID();
    const rem = p.remote.orm.em.fork();
    rem.create(Note, { id, text: 'server' });
    await rem.flush();
    const em = p.local.orm.em.fork();
    em.create(Note, { id, text: 'office' });
    em.create(Note, { id: crypto.randomUUID(), text: 'new' });
    await em.flush();
    expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ created: 1, updated: 1 });
    expect((await p.remote.orm.em.fork().findOneOrFail(Note, id)).text).toBe('office');
  });

  it('dry run reports what it would write and writes nothing on either side', async () => {
    const em = p.local.orm.em.fork();
    const a = em.create(Author, { email: 'a@x', name: 'A' });
    em.create(Book, { title: 'T', author: a }).tags.add(em.create(Tag, { name: 't' }));
    await em.flush();
    p.local.queries.reset();
    p.remote.queries.reset();
    const report = await synchronize(p.local.orm, p.remote.orm, { dryRun: true });
    expect(report, JSON.stringify(report)).toMatchObject({ status: 'synced', created: 3, linked: 1 });
    const writes = /^(insert|update|delete|replace)/i;
    expect(p.local.queries.matching(writes)).toEqual([]);
    expect(p.remote.queries.matching(writes)).toEqual([]);
    expect(await p.remote.orm.em.fork().count(Author)).toBe(0);
    expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', created: 3 });
  });

  it('skipped fields: a new REMOTE row gets the default, an updated one keeps its value', async () => {
    await p.close();
    p = await openSyncPair(kinds, { skip: { Memo: ['views'] }, writePath: path });
    const em = p.local.orm.em.fork();
    const memo = em.create(Memo, { text: 'm', views: 7 });
    await em.flush();
    await synchronize(p.local.orm, p.remote.orm);
    const remote = await p.remote.orm.em.fork().findOneOrFail(Memo, { text: 'm' });
    expect(remote.views).toBe(0);
    await p.remote.orm.em.fork().nativeUpdate(Memo, { id: remote.id }, { views: 42 });
    memo.views = 8;
    memo.pinned = true;
    await em.flush();
    await synchronize(p.local.orm, p.remote.orm);
    const after = await p.remote.orm.em.fork().findOneOrFail(Memo, { text: 'm' });
    expect([after.views, after.pinned]).toEqual([42, true]);
  });
});

describe('configuration errors', () => {
  it('fails clearly when SynchroOptions.remote is null or undefined, or the REMOTE is missing', async () => {
    const p = await openPair(
      { local: 'sqlite', remote: 'sqlite' },
      withSynchro({ entities: MODEL }, { remote: null }),
      withSynchro({ entities: MODEL }, { remote: null }),
    );
    try {
      await expect(synchronize(p.local.orm, p.remote.orm)).rejects.toThrow(SynchroConfigError);
      await expect(synchronize(p.local.orm, p.remote.orm)).rejects.toThrow(
        "Cannot synchronize: SynchroOptions.remote is null (this database only logs). Set withSynchro(config, { remote: '<contextName>' }) on the LOCAL config: runs and stored conflicts are recorded under that name (synchro:run --remote sets it for one run).",
      );
    } finally {
      await p.close();
    }
    const q = await openPair(
      { local: 'sqlite', remote: 'sqlite' },
      withSynchro({ entities: MODEL }, { quiet: true }),
      { entities: MODEL },
    );
    try {
      await expect(synchronize(q.local.orm, q.remote.orm)).rejects.toThrow(
        'SynchroOptions.remote is not set',
      );
      await expect(synchronize(q.local.orm, undefined)).rejects.toThrow(SynchroConfigError);
    } finally {
      await q.close();
    }
    const r = await openPair(
      { local: 'sqlite', remote: 'sqlite' },
      withSynchro({ entities: MODEL }, { remote: 'server' }),
      withSynchro({ entities: MODEL }, { remote: null }),
    );
    try {
      await expect(synchronize(r.local.orm, null)).rejects.toThrow(
        "Cannot synchronize: no REMOTE ORM or EntityManager was passed. Pass the one of 'server' (the LOCAL config's remote) as the second argument: synchronize(localOrm, serverOrm).",
      );
    } finally {
      await r.close();
    }
  });

  it('requires withSynchro() on REMOTE for its checkpoints and references', async () => {
    const p = await openPair(
      { local: 'sqlite', remote: 'sqlite' },
      withSynchro({ entities: MODEL }, { remote: 'server' }),
      { entities: MODEL },
    );
    try {
      await expect(synchronize(p.local.orm, p.remote.orm)).rejects.toThrow(
        'The REMOTE ORM was not configured with withSynchro()',
      );
    } finally {
      await p.close();
    }
  });

  it('names the command that creates missing synchro tables', async () => {
    const p = await openSyncPair({ local: 'sqlite', remote: 'sqlite' });
    try {
      await p.remote.orm.em.getConnection().execute('drop table synchro_node');
      await expect(synchronize(p.local.orm, p.remote.orm)).rejects.toThrow(
        'The synchro tables are missing on REMOTE: create them with `npx mikro-orm-synchro schema:update --run`',
      );
    } finally {
      await p.close();
    }
  });
});

describe.each(PAIRS)('entities filter $name', (kinds) => {
  it('syncs only the listed entities; the others stay pending and a later run applies them all, whatever the batch size', async () => {
    const p = await openSyncPair(kinds);
    try {
      const em = p.local.orm.em.fork();
      const a = em.create(Author, { email: 'a@x', name: 'A' });
      for (const title of ['T1', 'T2', 'T3']) em.create(Book, { title, author: a });
      await em.flush();
      const first = await synchronize(p.local.orm, p.remote.orm, { entities: [Author] });
      expect(first).toMatchObject({ status: 'synced', created: 1 });
      expect((await synchroStatus(p.local.orm, p.remote.orm)).pending).toEqual({ Book: 3 });
      await expect(synchronize(p.local.orm, p.remote.orm, { entities: ['Nope'] })).rejects.toThrow(
        /^Unknown entity 'Nope' in SynchroOptions: known entities are /,
      );
      const rest = await synchronize(p.local.orm, p.remote.orm, { batchSize: 1 });
      expect(rest).toMatchObject({ status: 'synced', created: 3 });
      expect((await synchroStatus(p.local.orm, p.remote.orm)).pending).toEqual({});
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'no-changes' });
    } finally {
      await p.close();
    }
  });
});
