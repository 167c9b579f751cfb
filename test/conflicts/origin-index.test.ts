import type { EntityMetadata, Options } from '@mikro-orm/core';
import { ORIGIN_INDEX, synchronize, withSynchro } from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import { PG_URL } from '../support/databases.js';
import { Author, MODEL } from '../support/model.js';
import { openOrm, openPair } from '../support/orm.js';

/** What our discovery.onMetadata hook wraps (the hook it stands in for). */
const wrappedBy = (config: Partial<Options>) => {
  const hook = config.discovery!.onMetadata!;
  return Object.getOwnPropertySymbols(hook).map((k) => (hook as never)[k]);
};

const createSql = async (config: ReturnType<typeof withSynchro>) => {
  const t = await openOrm('sqlite', config);
  try {
    return await t.orm.schema.getCreateSchemaSQL();
  } finally {
    await t.close();
  }
};

describe('withSynchro({ originIndex })', () => {
  it('adds an index on synchro_change (origin, id) only when asked', async () => {
    expect(await createSql(withSynchro({ entities: MODEL }, { remote: null }))).not.toContain(ORIGIN_INDEX);
    expect(await createSql(withSynchro({ entities: MODEL }, { remote: null, originIndex: true }))).toContain(
      `create index \`${ORIGIN_INDEX}\` on \`synchro_change\` (\`origin\`, \`id\`);`,
    );
  });

  it("keeps the user's discovery.onMetadata, and a second withSynchro() call decides", async () => {
    const seen: string[] = [];
    const user = {
      entities: MODEL,
      discovery: { onMetadata: (meta: EntityMetadata) => void seen.push(meta.className) },
    };
    const twice = withSynchro(withSynchro(user, { remote: null, originIndex: true }), {
      remote: null,
      originIndex: true,
    });
    expect(await createSql(twice)).toContain(ORIGIN_INDEX);
    expect(seen.filter((n) => n === 'SynchroChange')).toEqual(['SynchroChange']);

    seen.length = 0;
    const undone = withSynchro(withSynchro(user, { remote: null, originIndex: true }), { remote: null });
    expect(await createSql(undone)).not.toContain(ORIGIN_INDEX);
    // our hook (it also declares the synchro tables per database) wraps the user's, not the first call's hook
    expect(wrappedBy(undone)).toEqual([user.discovery.onMetadata]);
    expect(seen).toContain('Author');

    // the same without a hook of the user's: nothing is left behind, and nothing stacks
    const plain: Partial<Options> = { entities: MODEL };
    const off = withSynchro(withSynchro(plain, { remote: null, originIndex: true }), { remote: null });
    expect(wrappedBy(off)).toEqual([undefined]);
    expect(await createSql(off)).not.toContain(ORIGIN_INDEX);
    const on = withSynchro(withSynchro(plain, { remote: null, originIndex: true }), {
      remote: null,
      originIndex: true,
    });
    const single = withSynchro(plain, { remote: null, originIndex: true });
    expect(
      Object.getOwnPropertySymbols(on.discovery!.onMetadata!).map(
        (k) => (on.discovery!.onMetadata as never)[k],
      ),
    ).toEqual(
      Object.getOwnPropertySymbols(single.discovery!.onMetadata!).map(
        (k) => (single.discovery!.onMetadata as never)[k],
      ),
    );
  });
});

describe.skipIf(!PG_URL)('the conflict check on a PostgreSQL REMOTE with originIndex', () => {
  it("reads REMOTE's log through index ranges, not by filtering every row since the baseline", async () => {
    const p = await openPair(
      { local: 'sqlite', remote: 'postgresql' },
      withSynchro({ entities: MODEL }, { remote: 'server' }),
      withSynchro({ entities: MODEL }, { remote: null, originIndex: true }),
    );
    try {
      const em = p.local.orm.em.fork();
      const author = em.create(Author, { email: 'a@x', name: 'A' });
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      author.name = 'B';
      await em.flush();
      p.remote.queries.reset();
      await synchronize(p.local.orm, p.remote.orm);
      const [check] = p.remote.queries.matching(/from "synchro_change" .*"origin" is null/);
      expect(check).toBeDefined();

      // REMOTE's log as after a long run from this source: the check should not read those rows
      const conn = p.remote.orm.em.getConnection();
      await conn.execute(
        'insert into synchro_change (entity, action, pk, origin, created_at) ' +
          "select 'Author', 'update', to_jsonb(g), 'site', now() from generate_series(1, 20000) g",
      );
      await conn.execute('analyze synchro_change');
      // the statement as logged has placeholders: entity, oldest baseline, the source twice, the batch's keys
      expect(check).toMatch(/"pk" in \(\?\)/);
      const values = ["'Author'", '1', "'site'", "'site'", "'1'"];
      const sql = check.replace(/\?/g, () => values.shift() ?? '?');
      const [row] = await conn.execute<{ 'QUERY PLAN': unknown }[]>(`explain (format json) ${sql}`);
      const plan = JSON.stringify(row['QUERY PLAN']);
      const conds = [...plan.matchAll(/"Index Cond":"([^"]*)"/g)].map((m) => m[1]);
      // one range per origin branch: null, below and above the syncing source
      expect(conds).toHaveLength(3);
      expect(conds.every((c) => c.includes('origin') && c.includes('id >'))).toBe(true);
      expect(plan).toContain(ORIGIN_INDEX);
    } finally {
      await p.close();
    }
  });
});
