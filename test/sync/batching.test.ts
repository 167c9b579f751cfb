import { synchronize } from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import { PAIRS } from '../support/databases.js';
import { Author, Book, Tag } from '../support/model.js';
import type { TestPair } from '../support/orm.js';
import { openSyncPair } from '../support/sync.js';

/** Writes `changes` log entries over Author, Book and Tag (creates whose books carry tags). */
async function makeChanges(p: TestPair, changes: number): Promise<void> {
  const em = p.local.orm.em.fork();
  const perAuthor = 3; // 1 author + 2 books: 3 log entries (a create stands for its collections too)
  const tags = Array.from({ length: 10 }, (_, i) => em.create(Tag, { name: `tag${i}` }));
  for (let i = 0; i < Math.floor((changes - 10) / perAuthor); i++) {
    const author = em.create(Author, { email: `a${i}@x`, name: `A${i}` });
    for (const n of [1, 2]) {
      const book = em.create(Book, { title: `B${i}.${n}`, author, price: i + n / 10 });
      book.tags.add(tags[(i + n) % tags.length]);
    }
  }
  await em.flush();
}

describe.each(PAIRS)('batching $name', (kinds) => {
  it('issues a bounded number of statements per batch, for 200 and for 2,000 changes (no N+1)', async () => {
    const perBatch: number[] = [];
    for (const size of [200, 2000]) {
      const p = await openSyncPair(kinds);
      try {
        await makeChanges(p, size);
        p.local.queries.reset();
        p.remote.queries.reset();
        let batches = 0;
        const report = await synchronize(p.local.orm, p.remote.orm, {
          batchSize: 200,
          onProgress: () => batches++,
        });
        expect(report.status).toBe('synced');
        expect(batches).toBe(Math.ceil(size / 200));
        expect(await p.remote.orm.em.fork().count(Book)).toBe(2 * Math.floor((size - 10) / 3));
        const remote = p.remote.queries.queries.length;
        const local = p.local.queries.queries.length;
        perBatch.push((remote + local) / batches);
        // Every lookup is a bulk query: a fixed set of statements per batch (lookups per entity type, one
        // insert/update per entity type, references, checkpoint), plus a fixed cost per run (on LOCAL, one of
        // them asks whether LOCAL ever received rows from REMOTE: see docs/sync.md, "Finding rows on REMOTE";
        // another whether LOCAL holds conflict decisions: see docs/conflicts.md, "Resolving stored conflicts").
        expect(remote).toBeLessThanOrEqual(10 + 25 * batches);
        expect(local).toBeLessThanOrEqual(10 + 6 * batches);
      } finally {
        await p.close();
      }
    }
    expect(perBatch[1]).toBeLessThanOrEqual(perBatch[0] * 1.5);
  });

  it("reads each batch's changed LOCAL rows before opening its REMOTE transaction", async () => {
    const p = await openSyncPair(kinds);
    try {
      await makeChanges(p, 200);
      // one sequence of both sides' statements, in the order they were sent
      const sequence: { side: 'local' | 'remote'; sql: string }[] = [];
      for (const side of ['local', 'remote'] as const) {
        const counter = p[side].queries;
        const record = counter.record.bind(counter);
        counter.record = (sql, connection) => {
          sequence.push({ side, sql });
          record(sql, connection);
        };
      }
      const report = await synchronize(p.local.orm, p.remote.orm, { batchSize: 50 });
      expect(report.status).toBe('synced');
      let open = false;
      let batches = 0;
      const inside: string[] = [];
      let bookReads = 0;
      for (const { side, sql } of sequence) {
        if (side === 'remote' && /^(begin|start transaction)/i.test(sql)) {
          open = true;
          batches++;
        } else if (side === 'remote' && /^(commit|rollback)/i.test(sql)) open = false;
        // books and their tag links are only ever read as the batch's own changed rows (nothing points at them)
        else if (side === 'local' && /from [`"](book|book_tags)[`"]/i.test(sql)) {
          bookReads++;
          if (open) inside.push(sql);
        }
      }
      expect(batches).toBeGreaterThanOrEqual(4);
      expect(bookReads).toBeGreaterThanOrEqual(4);
      expect(inside).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it('reports progress per batch and reads the log in pages', async () => {
    const p = await openSyncPair(kinds);
    try {
      const em = p.local.orm.em.fork();
      for (let i = 0; i < 35; i++) em.create(Author, { email: `a${i}@x`, name: `A${i}` });
      await em.flush();
      p.local.queries.reset();
      const progress: unknown[] = [];
      await synchronize(p.local.orm, p.remote.orm, { batchSize: 10, onProgress: (x) => progress.push(x) });
      expect(progress).toEqual([10, 20, 30, 35].map((done) => ({ done, total: 35, entity: 'Author' })));
      const logReads = p.local.queries.matching(/from .synchro_change. .*limit/i);
      expect(logReads).toHaveLength(5); // 4 pages + the empty one that ends the run
    } finally {
      await p.close();
    }
  });

  it('updates entities a caller-provided REMOTE EntityManager manages in place, without a second copy', async () => {
    const p = await openSyncPair(kinds);
    try {
      const em = p.local.orm.em.fork();
      const a = em.create(Author, { email: 'a@x', name: 'A' });
      const b = em.create(Book, { title: 'T', author: a });
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);

      const caller = p.remote.orm.em.fork();
      const managed = await caller.findOneOrFail(Author, { email: 'a@x' });
      const managedBook = await caller.findOneOrFail(Book, { title: 'T' });
      a.name = 'A2';
      b.title = 'T2';
      em.create(Author, { email: 'new@x', name: 'N' });
      await em.flush();
      const report = await synchronize(p.local.orm, caller);
      expect(report).toMatchObject({ status: 'synced', created: 1, updated: 2 });
      expect(managed.name).toBe('A2');
      expect(managedBook.title).toBe('T2');
      expect(managedBook.author).toBe(managed);
      const again = await caller.findOneOrFail(Author, { email: 'a@x' });
      expect(again).toBe(managed);
      const copies = [...caller.getUnitOfWork().getIdentityMap()].filter(
        (e) => e instanceof Object && (e as { email?: string }).email === 'a@x',
      );
      expect(copies).toHaveLength(1);
      // and it is what the database holds
      expect((await p.remote.orm.em.fork().findOneOrFail(Author, { email: 'a@x' })).name).toBe('A2');
    } finally {
      await p.close();
    }
  });
});
