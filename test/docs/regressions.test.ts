/**
 * Regressions: behaviour found while writing docs/capture.md and docs/sync.md that contradicted what they (and
 * the API contract) say, fixed since. Each test asserts the documented behaviour.
 */
import { defineEntity, type EventSubscriber, type FlushEventArgs, p } from '@mikro-orm/core';
import { synchronize, synchroStatus, withSynchro } from '@mikro-synchro/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import syncConfig from '../../docs/examples/sync-config.js';
import { Author, Book, Tag } from '../../docs/examples/sync-model.js';
import { KINDS } from '../support/databases.js';
import { logLines } from '../support/log.js';
import { openPair, type TestPair } from '../support/orm.js';

const [office, server] = syncConfig;

describe('regressions (sqlite→pglite)', () => {
  let p: TestPair;
  beforeEach(async () => {
    p = await openPair({ local: 'sqlite', remote: 'pglite' }, office, server);
  });
  afterEach(() => p.close());

  // MikroORM adds messiah.tags to the flush only after onFlush (because of `related`): the sync must still
  // carry it, through the create that stands for the new rows' collections.
  it('syncs the collections of rows created in the same flush (their create stands for their links)', async () => {
    const em = p.local.orm.em.fork();
    const frank = em.create(Author, { email: 'frank@example.com', name: 'Frank Herbert' });
    const dune = em.create(Book, { author: frank, title: 'Dune', price: 10.99 });
    const messiah = em.create(Book, { author: frank, title: 'Dune Messiah', price: 9.99 });
    const classic = em.create(Tag, { name: 'classic' });
    dune.tags.add(classic);
    dune.related.add(messiah);
    classic.books.add(messiah);
    await em.flush();
    expect((await logLines(p.local.orm)).filter((l) => l.startsWith('link'))).toEqual([]);
    expect((await synchronize(p.local.orm, p.remote.orm)).status).toBe('synced');
    const remote = await p.remote.orm.em
      .fork()
      .find(Book, {}, { populate: ['tags', 'related'], orderBy: { title: 'asc' } });
    expect(remote.map((b) => [b.title, b.tags.map((t) => t.name), b.related.map((r) => r.title)])).toEqual([
      ['Dune', ['classic'], ['Dune Messiah']],
      ['Dune Messiah', ['classic'], []],
    ]);
  });

  it('keeps a row deleted and re-created with the same natural key between two runs', async () => {
    const em = p.local.orm.em.fork();
    const tag = em.create(Tag, { name: 'classic' });
    await em.flush();
    await synchronize(p.local.orm, p.remote.orm);
    em.remove(tag);
    await em.flush();
    em.create(Tag, { name: 'classic' });
    await em.flush();
    await synchronize(p.local.orm, p.remote.orm);
    // the REMOTE row is found twice (reference of the old id, natural key of the new one), assigned, then removed
    expect(await p.remote.orm.em.fork().count(Tag)).toBe(1);
  });

  it('synchroStatus(local) without REMOTE counts only what the last run left pending', async () => {
    const em = p.local.orm.em.fork();
    em.create(Tag, { name: 'classic' });
    await em.flush();
    await synchronize(p.local.orm, p.remote.orm);
    // the run record holds no position, so the status falls back to the start of the log
    expect((await synchroStatus(p.local.orm)).pending).toEqual({});
  });
});

/** A versioned entity: the bulk path leaves it to the unit of work. */
const Doc = defineEntity({
  name: 'Doc',
  properties: { id: p.integer().primary(), code: p.string().unique(), version: p.integer().version() },
});
const Other = defineEntity({ name: 'Other', properties: { id: p.integer().primary() } });

/** Sees which entities a REMOTE flush writes; limited to Other, so it does not make Doc "observed". */
class FlushSpy implements EventSubscriber {
  readonly flushed: string[] = [];
  getSubscribedEntities() {
    return [Other];
  }
  onFlush({ uow }: FlushEventArgs): void {
    this.flushed.push(...uow.getChangeSets().map((cs) => cs.meta.className));
  }
}

describe('regressions: report.paths (sqlite→pglite)', () => {
  it('reports the unit of work for a versioned entity written through it', async () => {
    const spy = new FlushSpy();
    const p = await openPair(
      { local: 'sqlite', remote: 'pglite' },
      withSynchro({ entities: [Doc, Other] }, { remote: 'server' }),
      withSynchro({ entities: [Doc, Other], subscribers: [spy] }, { remote: null }),
    );
    try {
      const em = p.local.orm.em.fork();
      em.create(Doc, { code: 'd' });
      await em.flush();
      const report = await synchronize(p.local.orm, p.remote.orm, { writePath: 'bulk' });
      expect(spy.flushed).toContain('Doc'); // written by REMOTE's unit of work...
      expect(report.paths.Doc).toBe('unit-of-work'); // ...but reported as 'bulk'
    } finally {
      await p.close();
    }
  });
});

describe.skipIf(!KINDS.includes('mariadb'))('regressions: errors (sqlite→mariadb)', () => {
  it('names the entity of a row MariaDB refuses', async () => {
    const p = await openPair({ local: 'sqlite', remote: 'mariadb' }, office, server);
    try {
      const em = p.local.orm.em.fork();
      const ann = em.create(Author, { email: 'ann@example.com', name: 'Ann' });
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      const rem = p.remote.orm.em.fork();
      rem.create(Author, { email: 'taken@example.com', name: 'Other' });
      await rem.flush();
      ann.email = 'taken@example.com';
      await em.flush();
      const report = await synchronize(p.local.orm, p.remote.orm);
      // "Duplicate entry 'taken@example.com' for key 'author_email_unique'": no SQL, no table name
      expect(report.errors[0]!.entity).toBe('Author');
    } finally {
      await p.close();
    }
  });
});
