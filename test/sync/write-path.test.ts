import type { EventArgs, EventSubscriber, MikroORM } from '@mikro-orm/core';
import { SynchroChange, synchronize, withSynchro } from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import { PAIRS } from '../support/databases.js';
import { Author, Book, MODEL, Tag } from '../support/model.js';
import { openPair } from '../support/orm.js';
import { openSyncPair } from '../support/sync.js';

/** REMOTE's log as `action entity [property]`, in log order. */
async function remoteLog(orm: MikroORM): Promise<string[]> {
  const rows = await orm.em.fork().find(SynchroChange, {}, { orderBy: { id: 'asc' } });
  return rows.map((r) => [r.action, r.entity, r.property ?? ''].join(' ').trim());
}

/** A REMOTE subscriber that observes Author only. */
class AuthorAudit implements EventSubscriber {
  readonly seen: string[] = [];
  getSubscribedEntities() {
    return [Author];
  }
  afterCreate(args: EventArgs<{ email: string }>) {
    this.seen.push(args.entity.email);
  }
}

describe.each(PAIRS)('write paths $name', (kinds) => {
  it('auto: the unit of work for observed entities, bulk for the rest, reported per entity', async () => {
    const audit = new AuthorAudit();
    const p = await openPair(
      kinds,
      withSynchro({ entities: MODEL }, { remote: 'server' }),
      withSynchro({ entities: MODEL, subscribers: [audit] }, { remote: null }),
    );
    try {
      const em = p.local.orm.em.fork();
      const existing = em.create(Author, { email: 'old@x', name: 'O' });
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      expect(audit.seen).toEqual(['old@x']);

      em.create(Tag, { name: 't1' });
      em.create(Book, { title: 'B', author: existing }); // points at an existing REMOTE row: stays bulk
      await em.flush();
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report.paths).toEqual({ Tag: 'bulk', Book: 'bulk' });

      const fresh = em.create(Author, { email: 'new@x', name: 'N' });
      em.create(Book, { title: 'C', author: fresh }); // points at a new unit-of-work row: falls back
      await em.flush();
      const mixed = await synchronize(p.local.orm, p.remote.orm);
      expect(mixed.paths).toEqual({ Author: 'unit-of-work', Book: 'unit-of-work' });
      expect(audit.seen).toEqual(['old@x', 'new@x']);
      const books = await p.remote.orm.em
        .fork()
        .find(Book, {}, { populate: ['author'], orderBy: { title: 'asc' } });
      expect(books.map((b) => `${b.title}:${b.author.email}`)).toEqual(['B:old@x', 'C:new@x']);
    } finally {
      await p.close();
    }
  });

  it('bulk path: multi-row statements, no statement per row, and REMOTE logs what it wrote', async () => {
    const p = await openSyncPair(kinds, { writePath: 'bulk' });
    try {
      const em = p.local.orm.em.fork();
      for (let i = 0; i < 500; i++) em.create(Author, { email: `a${i}@x`, name: `A${i}` });
      await em.flush();
      p.remote.queries.reset();
      const report = await synchronize(p.local.orm, p.remote.orm);
      expect(report).toMatchObject({ status: 'synced', created: 500, paths: { Author: 'bulk' } });
      const inserts = p.remote.queries.matching(/^insert into .author/i);
      expect(inserts.length).toBeLessThanOrEqual(2); // MikroORM's batchSize (300) rows per statement
      const logged = await p.remote.orm.em.fork().count('SynchroChange' as never);
      expect(logged).toBe(500);

      const all = await em.find(Author, {});
      for (const a of all) a.name += '!';
      await em.flush();
      p.remote.queries.reset();
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ updated: 500 });
      expect(p.remote.queries.matching(/^update .author/i).length).toBeLessThanOrEqual(2);
    } finally {
      await p.close();
    }
  });

  it('REMOTE logs the same rows on both paths: a created row without `link` rows, a changed collection as a `link`', async () => {
    const lines: Record<string, string[][]> = {};
    for (const writePath of ['unit-of-work', 'bulk'] as const) {
      const p = await openSyncPair(kinds, { writePath });
      try {
        const em = p.local.orm.em.fork();
        const [red, blue] = [em.create(Tag, { name: 'red' }), em.create(Tag, { name: 'blue' })];
        const author = em.create(Author, { email: 'a@x', name: 'A' });
        const books = [0, 1, 2].map((i) => em.create(Book, { title: `B${i}`, author, tags: [red] }));
        await em.flush();
        const runs: string[][] = [];
        await synchronize(p.local.orm, p.remote.orm);
        const first = await remoteLog(p.remote.orm);
        runs.push(first.slice().sort());
        books[0]!.tags.add(blue); // a collection change of an existing row
        books[1]!.price = 5; // a scalar change
        em.create(Book, { title: 'B3', author, tags: [blue] });
        await em.flush();
        await synchronize(p.local.orm, p.remote.orm);
        runs.push((await remoteLog(p.remote.orm)).slice(first.length).sort());
        lines[writePath] = runs;
      } finally {
        await p.close();
      }
    }
    expect(lines.bulk![0]).toEqual([
      'create Author',
      'create Book',
      'create Book',
      'create Book',
      'create Tag',
      'create Tag',
    ]);
    expect(lines.bulk![1]).toEqual(['create Book', 'link Book tags', 'update Book']);
    expect(lines.bulk).toEqual(lines['unit-of-work']);
  });

  it('a caller EntityManager gets the unit of work, so the entities it manages are updated in place', async () => {
    const p = await openSyncPair(kinds, { writePath: 'bulk' });
    try {
      const em = p.local.orm.em.fork();
      em.create(Author, { email: 'a@x', name: 'A' });
      await em.flush();
      const report = await synchronize(p.local.orm, p.remote.orm.em.fork());
      expect(report.paths).toEqual({ Author: 'unit-of-work' });
      expect(await p.remote.orm.em.fork().count(Author)).toBe(1);
    } finally {
      await p.close();
    }
  });
});
