import { logChanges, withSynchro } from '@mikro-synchro/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KINDS } from '../support/databases.js';
import { logLines } from '../support/log.js';
import { Author, Book, MODEL } from '../support/model.js';
import { openOrm, type TestOrm } from '../support/orm.js';

describe.each(KINDS)('logChanges() on %s', (kind) => {
  let t: TestOrm;
  beforeEach(async () => {
    t = await openOrm(kind, withSynchro({ entities: MODEL }, { remote: 'server' }));
  });
  afterEach(() => t.close());

  it('logs rows written by insertMany, nativeUpdate and nativeDelete, in the caller transaction', async () => {
    const em = t.orm.em.fork();
    await em.insertMany(Author, [
      { email: 'a@x', name: 'A' },
      { email: 'b@x', name: 'B' },
      { email: 'c@x', name: 'C' },
    ]);
    expect(await logLines(t.orm)).toEqual([]); // bypasses the unit of work: nothing logged by itself
    expect(await logChanges(em, Author, { email: { $in: ['a@x', 'b@x', 'c@x'] } }, 'create')).toBe(3);

    await em.transactional(async (tx) => {
      await tx.nativeUpdate(Author, { email: 'a@x' }, { name: 'A2' });
      expect(await logChanges(tx, Author, { email: 'a@x' })).toBe(1);
    });
    await em.transactional(async (tx) => {
      expect(await logChanges(tx, 'Author', { email: 'b@x' }, 'delete')).toBe(1);
      await tx.nativeDelete(Author, { email: 'b@x' });
    });
    const rows = await t.orm.em.fork().find(Author, {}, { orderBy: { email: 'asc' } });
    expect(rows.map((a) => a.name)).toEqual(['A2', 'C']);
    const lines = await logLines(t.orm);
    expect(lines.slice(3)).toEqual([
      `update Author ${rows[0].id}`,
      expect.stringMatching(/^delete Author \d+ {2}\["b@x"\]$/),
    ]);
  });

  it('rolls back with the caller transaction', async () => {
    const em = t.orm.em.fork();
    em.create(Author, { email: 'a@x', name: 'A' });
    await em.flush();
    await expect(
      em.transactional(async (tx) => {
        await tx.nativeUpdate(Author, { email: 'a@x' }, { name: 'A2' });
        await logChanges(tx, Author, { email: 'a@x' });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await logLines(t.orm)).toEqual(['create Author 1']);
  });

  it('logs nothing for an unwatched entity', async () => {
    const t2 = await openOrm(
      kind,
      withSynchro({ entities: MODEL }, { remote: 'server', entities: [Author] }),
    );
    try {
      expect(await logChanges(t2.orm.em.fork(), Book, { id: { $gt: 0 } })).toBe(0);
    } finally {
      await t2.close();
    }
  });
});
