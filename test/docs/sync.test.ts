import { defineEntity, type MikroORM, p } from '@mikro-orm/core';
import {
  SynchroChange,
  SynchroCheckpoint,
  SynchroConfigError,
  SynchroError,
  SynchroRun,
  synchronize,
  synchroStatus,
  withoutSynchroLog,
  withSynchro,
} from '@mikro-synchro/core';
import { afterEach, describe, expect, it } from 'vitest';
import * as examples from '../../docs/examples/sync.js';
import syncConfig from '../../docs/examples/sync-config.js';
import { Author, BOOKSHOP, Book, Loan, Member, Note, Review, Tag } from '../../docs/examples/sync-model.js';
import { type DbKind, KINDS, PAIRS } from '../support/databases.js';
import { handWritten, unquoted } from '../support/docRegions.js';
import { openOrm, openPair, type TestPair } from '../support/orm.js';

const [office, server] = syncConfig;
const WRITES = /^(insert|update|delete|replace)/i;

describe('docs/sync.md', () => {
  it('quotes every region of the example modules verbatim', () => {
    expect(unquoted('docs/sync.md', 'docs/examples/sync.ts')).toEqual([]);
    expect(unquoted('docs/sync.md', 'docs/examples/sync-model.ts')).toEqual([]);
    expect(unquoted('docs/sync.md', 'docs/examples/sync-config.ts')).toEqual([]);
  });

  it('has no TypeScript block that is not an example region', () => {
    expect(
      handWritten('docs/sync.md', [
        'docs/examples/sync.ts',
        'docs/examples/sync-model.ts',
        'docs/examples/sync-config.ts',
      ]),
    ).toEqual([]);
  });
});

describe.each(PAIRS)('docs/examples/sync.ts $name', (kinds) => {
  let p: TestPair;
  const open = async (local = office, remote = server) => {
    p = await openPair(kinds, local, remote);
    return [p.local.orm, p.remote.orm] as const;
  };
  afterEach(() => p?.close());

  const titles = async (orm: MikroORM) =>
    (await orm.em.fork().find(Book, {}, { populate: ['author', 'tags'], orderBy: { title: 'asc' } })).map(
      (b) =>
        `${b.title} by ${b.author.email} ${b.price} [${b.tags
          .getItems()
          .map((t) => t.name)
          .sort()
          .join(',')}]`,
    );

  it('tells the story: nightly copy, reset, outage, one sync when the server is back', async () => {
    const [o, s] = await open();
    await examples.lastNight(o, s);
    expect((await synchroStatus(o, s)).pending).toEqual({});
    await examples.outage(o);
    const report = await examples.backOnline(o, s);
    expect(report).toMatchObject({
      status: 'synced',
      created: 2,
      updated: 1,
      deleted: 1,
      linked: 1,
      skipped: 0,
      errors: [],
    });
    expect(await titles(s)).toEqual([
      'Dune by frank@example.com 12.49 [classic,sci-fi]',
      'Kindred by octavia@example.com 12 [classic]',
      'The Left Hand of Darkness by ursula@example.com 9.5 [sci-fi]',
    ]);
    expect(await titles(s)).toEqual(await titles(o));

    // nothing pending: no-changes, and no write on either side
    p.local.queries.reset();
    p.remote.queries.reset();
    expect(await synchronize(o, s)).toMatchObject({
      status: 'no-changes',
      created: 0,
      updated: 0,
      deleted: 0,
    });
    expect(p.local.queries.matching(WRITES)).toEqual([]);
    expect(p.remote.queries.matching(WRITES)).toEqual([]);
  });

  it("runs the server's subscribers for rows the sync writes", async () => {
    const newsletter = new examples.Newsletter();
    const [o, s] = await open(office, {
      ...server,
      subscribers: [...(server.subscribers ?? []), newsletter],
    });
    await examples.lastNight(o, s);
    newsletter.announced.length = 0; // the seed ran on the server itself
    await examples.outage(o);
    const report = await examples.backOnline(o, s);
    expect(newsletter.announced).toEqual(['Kindred']);
    expect(report.paths.Book).toBe('unit-of-work');
  });

  it('chooses the write path per entity; a forced bulk path runs no REMOTE subscriber', async () => {
    const [o, s] = await open();
    expect((await examples.writePaths(o, s)).paths).toEqual({ Author: 'bulk', Book: 'unit-of-work' });
    await p.close();
    const newsletter = new examples.Newsletter();
    const [o2, s2] = await open(office, {
      ...server,
      subscribers: [...(server.subscribers ?? []), newsletter],
    });
    const em = o2.em.fork();
    em.create(Book, {
      author: em.create(Author, { email: 'a@example.com', name: 'A' }),
      title: 'T',
      price: 1,
    });
    await em.flush();
    const report = await synchronize(o2, s2, { writePath: 'bulk' });
    expect(report).toMatchObject({ status: 'synced', created: 2, paths: { Author: 'bulk', Book: 'bulk' } });
    expect(newsletter.announced).toEqual([]);
  });

  it('writes current values, once', async () => {
    const [o, s] = await open();
    const { report, name } = await examples.currentValues(o, s);
    expect(report).toMatchObject({ status: 'synced', created: 1, updated: 0 });
    expect(name).toBe('Ann K. Lee');
  });

  it('collapses chains', async () => {
    const [o, s] = await open();
    p.remote.queries.reset();
    const report = await examples.chains(o, s);
    expect(report).toMatchObject({ status: 'synced', created: 0, updated: 0, deleted: 1, skipped: 1 });
    expect(p.remote.queries.matching(/draft/)).toEqual([]);
    expect((await s.em.fork().find(Author, {})).map((a) => a.email)).toEqual(['kept@example.com']);
  });

  it('finds REMOTE rows by natural key, never by a database-generated id', async () => {
    const [o, s] = await open();
    const { report, authors } = await examples.identity(o, s);
    expect(report).toMatchObject({ status: 'synced', created: 0, updated: 1 });
    expect(authors).toEqual(['1 frank@example.com Frank Herbert', '2 jane@example.com Jane Austen']);
  });

  it('matches application-assigned keys by primary key', async () => {
    const [o, s] = await open();
    const { report, text } = await examples.assignedKeys(o, s);
    expect(report).toMatchObject({ status: 'synced', created: 0, updated: 1 });
    expect(text).toBe('A classic');
  });

  it('cannot recognise a copied row that has neither a natural key nor an assigned key', async () => {
    const [o, s] = await open();
    const { report, notes } = await examples.noKey(o, s);
    expect(report).toMatchObject({ status: 'synced', created: 1, updated: 0 });
    expect(notes).toEqual(['Order more Dune', 'Order more Dune (done)']);
  });

  it('remaps foreign keys and creates a missing target once', async () => {
    const [o, s] = await open();
    const { report, books } = await examples.foreignKeys(o, s);
    expect(report).toMatchObject({ status: 'synced', created: 3 });
    expect(books).toEqual(['Dawn 2 octavia@example.com', 'Kindred 2 octavia@example.com']);
  });

  it('syncs many-to-many collections, pivot entities and self-references', async () => {
    const [o, s] = await open();
    const { report, books, loans } = await examples.manyToMany(o, s);
    expect(report).toMatchObject({ status: 'synced', linked: 2 });
    expect(books).toEqual([
      'Dune: tags classic; related Dune Messiah',
      'Dune Messiah: tags classic; related ',
    ]);
    expect(loans).toEqual(['M-1 Dune 2026-07-01']);
  });

  it('removes REMOTE pivot-entity rows that LOCAL no longer has', async () => {
    const [o, s] = await open();
    const em = o.em.fork();
    const book = em.create(Book, {
      author: em.create(Author, { email: 'frank@example.com', name: 'Frank Herbert' }),
      title: 'Dune',
      price: 10.99,
    });
    const member = em.create(Member, { card: 'M-1' });
    member.borrowed.add(book); // through the collection: a Loan row with no due date
    await em.flush();
    await synchronize(o, s);
    expect(await s.em.fork().count(Loan)).toBe(1);
    member.borrowed.remove(book);
    await em.flush();
    expect(await synchronize(o, s)).toMatchObject({ status: 'synced', linked: 1 });
    expect(await s.em.fork().count(Loan)).toBe(0);
  });

  it('deletes a row with an application-assigned key by primary key', async () => {
    const [o, s] = await open();
    await examples.assignedKeys(o, s);
    const em = o.em.fork();
    const other = crypto.randomUUID();
    const remote = s.em.fork();
    remote.create(Review, {
      id: other,
      book: await remote.findOneOrFail(Book, { title: 'Dune' }),
      text: 'x',
    });
    await remote.flush();
    em.create(Review, { id: other, book: await em.findOneOrFail(Book, { title: 'Dune' }), text: 'x' });
    await withoutSynchroLog(() => em.flush()); // both databases have it; no sync wrote it, no reference
    em.remove(await em.findOneOrFail(Review, other));
    await em.flush();
    expect(await synchronize(o, s)).toMatchObject({ status: 'synced', deleted: 1, skipped: 0 });
    expect(await s.em.fork().count(Review, other)).toBe(0);
  });

  it('deletes through the reference and the stored natural key, and leaves untracked rows alone', async () => {
    const [o, s] = await open();
    const { report, books, notes } = await examples.deletes(o, s);
    expect(report).toMatchObject({ status: 'synced', deleted: 2, skipped: 1 });
    expect(books).toEqual(['Dune', 'The Left Hand of Darkness']);
    expect(notes).toBe(1);
  });

  it('skips the listed properties: default on create, kept on update', async () => {
    const [o, s] = await open(withSynchro(office, examples.officeOptions));
    const em = o.em.fork();
    em.create(Book, {
      author: em.create(Author, { email: 'x@example.com', name: 'X' }),
      title: 'X',
      price: 1,
      stock: 5,
    });
    await em.flush();
    await synchronize(o, s);
    expect((await s.em.fork().findOneOrFail(Book, { title: 'X' })).stock).toBe(0);
    expect(await examples.skipped(o, s)).toEqual({ price: 11.99, stock: 7 });
  });

  it('carries values as JS values', async () => {
    const [o, s] = await open();
    const { price, releasedAt } = await examples.values(o, s);
    expect(price).toBe(10.99);
    expect(releasedAt?.toISOString()).toBe('1965-08-01T09:30:15.123Z');
  });

  it('dry run: reports, writes nothing, leaves the changes pending', async () => {
    const [o, s] = await open();
    p.remote.queries.reset();
    const { preview, authors } = await examples.dryRun(o, s);
    expect(preview).toMatchObject({ status: 'synced', created: 1, paths: { Author: 'bulk' } });
    expect(authors).toBe(0);
    expect(p.remote.queries.matching(WRITES)).toEqual([]);
    expect(await o.em.fork().count(SynchroRun)).toBe(0);
    expect((await synchroStatus(o, s)).pending).toEqual({ Author: 1 });
  });

  it('reports status before and after a run', async () => {
    const [o, s] = await open();
    const { before, after } = await examples.status(o, s);
    expect(before).toMatchObject({
      remote: 'server',
      pending: { Author: 2 },
      checkpoint: { lastId: 0, holes: [] },
      conflicts: 0,
    });
    expect(before).not.toHaveProperty('lastRun');
    expect(after).toMatchObject({
      remote: 'server',
      pending: {},
      checkpoint: { lastId: 2, holes: [] },
      lastRun: { at: expect.any(Date), status: 'synced', created: 2, updated: 0, deleted: 0 },
      conflicts: 0,
    });
  });

  it('reports progress per batch', async () => {
    const [o, s] = await open();
    expect(await examples.progress(o, s)).toEqual(['10/25 Author', '20/25 Author', '25/25 Author']);
  });

  it('fails a whole batch when REMOTE refuses one row; the rerun after the fix applies it', async () => {
    const [o, s] = await open();
    const { report, bob, status } = await examples.failure(o, s);
    expect(report.status).toBe('failed');
    expect(report.errors).toHaveLength(1);
    if (kinds.remote !== 'mariadb') expect(report.errors[0]!.entity).toBe('Author'); // see known-issues.test.ts
    expect(report.errors[0]!.message).toMatch(/^REMOTE rejected the batch: /);
    expect(report.errors[0]!.message).toContain('ann.lee@example.com');
    expect(bob).toBe(0);
    expect(status.pending).toEqual({ Author: 2 });
    await s.em.fork().nativeDelete(Author, { name: 'Another Ann' });
    expect(await synchronize(o, s)).toMatchObject({ status: 'synced', created: 1, updated: 1 });
  });

  it('updates the entities a REMOTE EntityManager manages in place', async () => {
    const [o, s] = await open();
    const { shown, again } = await examples.inPlace(o, s);
    expect(shown.name).toBe('Ann Lee');
    expect(again).toBe(shown);
  });

  it('syncs only the listed entities; the others stay pending', async () => {
    const [o, s] = await open();
    const { first, pending, rest } = await examples.someEntities(o, s);
    expect(first).toMatchObject({ status: 'synced', created: 1 });
    expect(pending).toEqual({ Note: 1 });
    expect(rest).toMatchObject({ status: 'synced', created: 1 });
    expect(await s.em.fork().count(Tag)).toBe(1);
    expect(await s.em.fork().count(Note)).toBe(1);
  });

  it('capture: false on REMOTE: syncs work, REMOTE logs nothing', async () => {
    const [o, s] = await open(office, withSynchro(server, examples.serverOptions));
    const em = o.em.fork();
    em.create(Tag, { name: 'classic' });
    await em.flush();
    expect(await synchronize(o, s)).toMatchObject({ status: 'synced', created: 1 });
    const rem = s.em.fork();
    rem.create(Tag, { name: 'own' });
    await rem.flush();
    expect(await s.em.fork().count(SynchroChange)).toBe(0);
  });

  it('refuses a REMOTE without withSynchro(), and fails a run whose entity REMOTE lacks', async () => {
    const [o, s] = await open(office, { ...server, entities: BOOKSHOP, subscribers: [] });
    const em = o.em.fork();
    em.create(Tag, { name: 'classic' });
    await em.flush();
    await expect(synchronize(o, s)).rejects.toThrow(
      'The REMOTE ORM was not configured with withSynchro(): wrap its config as withSynchro(config, options) so the synchro entities and the change-log subscriber are registered.',
    );
    await p.close();
    const [o2, s2] = await open(
      office,
      withSynchro({ ...server, entities: [Author, Book, Tag] }, { remote: null }),
    );
    const em2 = o2.em.fork();
    em2.create(Note, { text: 'n' });
    await em2.flush();
    const report = await synchronize(o2, s2);
    expect(report.status).toBe('failed');
    expect(report.errors[0]!.message).toContain(
      "Entity 'Note' has logged changes but is not in the REMOTE config",
    );
  });

  it('refuses a second run while the lease is held, and takes an expired lease', async () => {
    const [o, s] = await open();
    const em = o.em.fork();
    em.create(Tag, { name: 'classic' });
    await em.flush();
    await synchronize(o, s);
    em.create(Tag, { name: 'sci-fi' });
    await em.flush();
    const until = new Date(Date.now() + 60_000);
    await s.em.fork().nativeUpdate(SynchroCheckpoint, {}, { lockedBy: 'another run', lockedUntil: until });
    const error = await synchronize(o, s).catch((e) => e);
    expect(error).toBeInstanceOf(SynchroError);
    expect(error.message).toMatch(
      /^Another synchronize\(\) of source [0-9a-f-]{36} into this REMOTE is running; runs of one pair never interleave\. Wait for it to finish; if it crashed, its lease expires at \S+\.$/,
    );
    await s.em.fork().nativeUpdate(SynchroCheckpoint, {}, { lockedUntil: new Date(Date.now() - 1000) });
    expect(await synchronize(o, s)).toMatchObject({ status: 'synced', created: 1 });
  });
});

/** A self-referencing many-to-one, for the bulk path's insertion order and its cycle error. */
const Node = defineEntity({
  name: 'Node',
  properties: {
    id: p.integer().primary(),
    name: p.string().unique(),
    next: () => p.manyToOne(Node).nullable(),
  },
});

describe.each(PAIRS)('bulk write path $name', (kinds) => {
  it('inserts parents first; new rows in a cycle fail the batch, and the unit of work writes them', async () => {
    const pair = await openPair(
      kinds,
      withSynchro({ entities: [Node] }, { remote: 'server' }),
      withSynchro({ entities: [Node] }, { remote: null }),
    );
    try {
      const em = pair.local.orm.em.fork();
      const root = em.create(Node, { name: 'root' });
      em.create(Node, { name: 'leaf', next: em.create(Node, { name: 'mid', next: root }) });
      await em.flush();
      expect(await synchronize(pair.local.orm, pair.remote.orm)).toMatchObject({
        status: 'synced',
        created: 3,
        paths: { Node: 'bulk' },
      });
      const a = em.create(Node, { name: 'a' });
      em.create(Node, { name: 'b', next: a });
      await em.flush();
      a.next = em.getReference(Node, a.id + 1);
      await em.flush();
      const failed = await synchronize(pair.local.orm, pair.remote.orm);
      expect(failed.status).toBe('failed');
      expect(failed.errors[0]!.message).toContain(
        "Node: new rows 4, 5 reference each other in a cycle, which the bulk write path cannot insert. Set SynchroOptions.writePath to { Node: 'unit-of-work' } (nullable FKs are then inserted and updated).",
      );
      const fixed = await synchronize(pair.local.orm, pair.remote.orm, {
        writePath: { Node: 'unit-of-work' },
      });
      expect(fixed).toMatchObject({ status: 'synced', created: 2, paths: { Node: 'unit-of-work' } });
      const rows = await pair.remote.orm.em
        .fork()
        .find(Node, {}, { populate: ['next'], orderBy: { name: 'asc' } });
      expect(rows.map((n) => `${n.name}>${n.next?.name ?? '-'}`)).toEqual([
        'a>b',
        'b>a',
        'leaf>mid',
        'mid>root',
        'root>-',
      ]);
    } finally {
      await pair.close();
    }
  });
});

describe('value limits', () => {
  const Big = defineEntity({
    name: 'Big',
    properties: { id: p.integer().primary(), big: p.bigint(), amount: p.decimal() },
  });

  it('SQLite reads integers above 2^53 and long decimals as floating-point numbers', async () => {
    const t = await openOrm('sqlite', { entities: [Big] });
    try {
      const em = t.orm.em.fork();
      em.create(Big, { big: 2n ** 60n + 1n, amount: '1234567890123456.78' });
      await em.flush();
      const row = await t.orm.em.fork().findOneOrFail(Big, 1);
      expect(row.big).toBe(1152921504606847000n);
      expect(row.amount).toBe('1234567890123456.8');
    } finally {
      await t.close();
    }
  });

  const mariadb = KINDS.includes('mariadb') ? it : it.skip;

  mariadb('MariaDB: datetime without a length drops milliseconds', async () => {
    const When = defineEntity({
      name: 'When',
      properties: { id: p.integer().primary(), at: p.datetime(), precise: p.datetime(3) },
    });
    const t = await openOrm('mariadb' as DbKind, { entities: [When] });
    try {
      const em = t.orm.em.fork();
      const at = new Date('2026-03-04T05:06:07.891Z');
      em.create(When, { at, precise: at });
      await em.flush();
      const row = await t.orm.em.fork().findOneOrFail(When, 1);
      expect(row.at.toISOString()).toBe('2026-03-04T05:06:07.000Z');
      expect(row.precise.toISOString()).toBe('2026-03-04T05:06:07.891Z');
    } finally {
      await t.close();
    }
  });

  mariadb('MariaDB REMOTE: a natural key that differs only in case is the same row', async () => {
    const pair = await openPair({ local: 'sqlite', remote: 'mariadb' }, office, server);
    try {
      const rem = pair.remote.orm.em.fork();
      rem.create(Author, { email: 'Ann@Example.com', name: 'Ann' });
      await rem.flush();
      const em = pair.local.orm.em.fork();
      em.create(Author, { email: 'ann@example.com', name: 'Ann Lee' });
      await em.flush();
      expect(await synchronize(pair.local.orm, pair.remote.orm)).toMatchObject({ created: 0, updated: 1 });
      const authors = await pair.remote.orm.em.fork().find(Author, {});
      expect(authors.map((a) => `${a.email} ${a.name}`)).toEqual(['ann@example.com Ann Lee']);
    } finally {
      await pair.close();
    }
  });
});

describe('configuration errors', () => {
  it('SynchroConfigError is what a missing remote throws', async () => {
    const pair = await openPair({ local: 'sqlite', remote: 'sqlite' }, server, server);
    try {
      await expect(synchronize(pair.local.orm, pair.remote.orm)).rejects.toBeInstanceOf(SynchroConfigError);
    } finally {
      await pair.close();
    }
  });
});
