import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ChangeSetType,
  type EntityManager,
  type EventSubscriber,
  type FlushEventArgs,
  type InferEntity,
  type Options,
} from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import {
  logChanges,
  SynchroConfigError,
  SynchroSubscriber,
  synchronize,
  withoutSynchroLog,
  withSynchro,
} from '@mikro-synchro/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BalanceSubscriber,
  BILLING,
  billingOnly,
  bypasses,
  Customer,
  cascade,
  config,
  Invoice,
  InvoiceLine,
  Label,
  logLines,
  logged as logWithLogChanges,
  Maintenance,
  quiet,
  transactions,
  whatIsLogged,
} from '../../docs/examples/capture.js';
import { KINDS, PAIRS } from '../support/databases.js';
import { handWritten, unquoted } from '../support/docRegions.js';
import { openOrm, openPair, type TestOrm, type TestPair } from '../support/orm.js';

const sql = (em: EntityManager) => em as unknown as SqlEntityManager;

describe('docs/capture.md', () => {
  it('quotes every region of the example modules verbatim', () => {
    expect(unquoted('docs/capture.md', 'docs/examples/capture.ts')).toEqual([]);
    expect(unquoted('docs/capture.md', 'docs/examples/sync-config.ts', ['config'])).toEqual([]);
  });

  it('has no TypeScript block that is not an example region', () => {
    expect(
      handWritten('docs/capture.md', ['docs/examples/capture.ts', 'docs/examples/sync-config.ts']),
    ).toEqual([]);
  });
});

describe('withSynchro()', () => {
  afterEach(() => vi.restoreAllMocks());

  it('adds the synchro entities and one subscriber; wrapping again keeps one, with the last options', () => {
    const names = (config.entities as { meta: { className: string } }[]).map((e) => e.meta.className);
    expect(names).toEqual([
      'Customer',
      'Label',
      'Invoice',
      'InvoiceLine',
      'SynchroChange',
      'SynchroNode',
      'SynchroCheckpoint',
      'SynchroReference',
      'SynchroRun',
      'SynchroConflict',
    ]);
    const again = withSynchro(config, { remote: 'elsewhere' });
    const subscribers = ((again as Partial<Options>).subscribers as object[]).filter(
      (s) => s instanceof SynchroSubscriber,
    );
    expect(subscribers).toHaveLength(1);
    expect((subscribers[0] as SynchroSubscriber).runtime.options.remote).toBe('elsewhere');
    expect(again.entities).toHaveLength(names.length);
    const ts = withSynchro({ entities: BILLING, entitiesTs: BILLING }, { remote: null });
    expect(ts.entitiesTs).toHaveLength(names.length);
  });

  it('warns (SynchroWarning, SYNCHRO_NO_REMOTE) only when remote is undefined and quiet is not set', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    withSynchro({ entities: BILLING }, { remote: null });
    withSynchro({ entities: BILLING }, { quiet: true });
    expect(warn).not.toHaveBeenCalled();
    withSynchro({ entities: BILLING });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![1]).toEqual({ type: 'SynchroWarning', code: 'SYNCHRO_NO_REMOTE' });
  });

  it('rejects a batchSize that is not a positive integer at once', () => {
    for (const batchSize of [0, -1, 1.5]) {
      expect(() => withSynchro({ entities: BILLING }, { remote: null, batchSize })).toThrow(
        SynchroConfigError,
      );
    }
  });

  it('refuses synchronize() from a database whose remote is null, with the documented message', async () => {
    const p = await openPair(
      { local: 'sqlite', remote: 'sqlite' },
      withSynchro({ entities: BILLING }, { remote: null }),
      withSynchro({ entities: BILLING }, { remote: null }),
    );
    try {
      await expect(synchronize(p.local.orm, p.remote.orm)).rejects.toThrow(
        "Cannot synchronize: SynchroOptions.remote is null (this database only logs). Set withSynchro(config, { remote: '<contextName>' }) on the LOCAL config: runs and stored conflicts are recorded under that name (synchro:run --remote sets it for one run).",
      );
    } finally {
      await p.close();
    }
  });

  it('works on the config file as the MikroORM CLI loads it (an array with contextName)', () => {
    // Inside the repository, so the config file resolves the workspace packages (from source: `development`).
    const root = new URL('../../.tmp/', import.meta.url).pathname;
    mkdirSync(root, { recursive: true });
    const dir = mkdtempSync(join(root, 'docs-cli-'));
    try {
      const file = new URL('../../docs/examples/sync-config.ts', import.meta.url).pathname;
      const script = join(dir, 'check.mjs');
      writeFileSync(
        script,
        `import { CLIHelper } from '@mikro-orm/cli';
import { MikroORM } from '@mikro-orm/core';
const out = {};
for (const context of ['default', 'server']) {
  const config = await CLIHelper.getConfiguration(context, [${JSON.stringify(file)}]);
  out[context] = {
    contextName: config.get('contextName'),
    synchro: config.get('entities').map((e) => e.meta?.className ?? e.name).filter((n) => n.startsWith('Synchro')).length,
    subscribers: config.get('subscribers').map((s) => s.constructor.name),
  };
  if (context === 'default') {
    const orm = await MikroORM.init(config.getAll());
    await orm.schema.create();
    const em = orm.em.fork();
    em.create('Tag', { name: 'classic' });
    await em.flush();
    out.log = (await orm.em.fork().find('SynchroChange', {})).map((r) => r.action + ' ' + r.entity + ' ' + r.pk);
    await orm.close(true);
  }
}
console.log(JSON.stringify(out));
`,
      );
      const result = spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', script], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, SERVER_URL: 'postgresql://127.0.0.1:1/unused' },
      });
      expect(result.status, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toEqual({
        default: { contextName: 'default', synchro: 6, subscribers: ['SynchroSubscriber'] },
        server: { contextName: 'server', synchro: 6, subscribers: ['SynchroSubscriber'] },
        log: ['create Tag 1'],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(KINDS)('docs/examples/capture.ts on %s', (kind) => {
  let t: TestOrm;
  beforeEach(async () => {
    t = await openOrm(kind, config);
  });
  afterEach(() => t.close());

  const ids = async (entity: typeof Customer) =>
    new Map((await t.orm.em.fork().find(entity, {})).map((c) => [c.email, c.id]));

  it('logs what "What is logged" says', async () => {
    const log = await whatIsLogged(t.orm.em.fork());
    const customers = await ids(Customer);
    const [ann, bob] = [customers.get('ann@example.com'), customers.get('bob@example.com')];
    expect(await logLines(t.orm.em)).toEqual([
      'create Customer 1',
      'create Invoice 1',
      'create Label 1',
      'update Customer 1',
      'link Invoice 1 labels',
      'link Invoice 1 labels',
      'delete Invoice 1 ["INV-1"]',
      `update Customer ${ann}`,
      `update Customer ${bob}`,
    ]);
    expect(log.every((row) => row.origin === null && row.createdAt instanceof Date)).toBe(true);
    expect(log.map((row) => row.property ?? null)).toEqual([
      null,
      null,
      null,
      null,
      'labels',
      'labels',
      null,
      null,
      null,
    ]);
  });

  it('logs a change made from the inverse side as a link of the owning side', async () => {
    const em = t.orm.em.fork();
    const ann = em.create(Customer, { email: 'ann@example.com', name: 'Ann' });
    em.create(Invoice, { number: 'INV-1', customer: ann, total: 1 });
    em.create(Label, { name: 'urgent' });
    await em.flush();
    const before = (await logLines(t.orm.em)).length;
    const em2 = t.orm.em.fork();
    const label = await em2.findOneOrFail(Label, { name: 'urgent' }, { populate: ['invoices'] });
    label.invoices.add(em2.getReference(Invoice, 1));
    await em2.flush();
    expect((await logLines(t.orm.em)).slice(before)).toEqual(['link Invoice 1 labels']);
    const invoice = await em2.findOneOrFail(Invoice, 1);
    invoice.total = 2;
    await em2.flush();
    expect((await logLines(t.orm.em)).slice(before)).toEqual(['link Invoice 1 labels', 'update Invoice 1']);
    // a flush that changes nothing logs nothing
    await em2.flush();
    expect(await logLines(t.orm.em)).toHaveLength(before + 2);
  });

  it('keeps the log in the transaction of the data', async () => {
    await transactions(t.orm.em.fork());
    const customers = await ids(Customer);
    expect([...customers.keys()]).toEqual(['dan@example.com']);
    expect(await logLines(t.orm.em)).toEqual([
      `update Customer ${customers.get('dan@example.com')}`,
      'create Invoice 1',
    ]);

    // a flush that fails writes neither the data nor the log
    const em = t.orm.em.fork();
    em.create(Customer, { email: 'eve@example.com', name: 'Eve' });
    em.create(Customer, { email: 'dan@example.com', name: 'Dan again' });
    await expect(em.flush()).rejects.toThrow();
    expect(await logLines(t.orm.em)).toHaveLength(2);
    expect(await t.orm.em.fork().count(Customer)).toBe(1);

    // an upsert inside a transaction that fails rolls back with its log row
    await expect(
      t.orm.em.fork().transactional(async (tx) => {
        await tx.upsert(Customer, { email: 'fay@example.com', name: 'Fay' });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await logLines(t.orm.em)).toHaveLength(2);
    expect(await t.orm.em.fork().count(Customer)).toBe(1);
  });

  it('writes an upsert and its log row as two statements (no transaction of their own)', async () => {
    const em = t.orm.em.fork();
    t.queries.reset();
    await em.upsert(Customer, { email: 'ann@example.com', name: 'Ann' });
    const statements = t.queries.queries.map((q) => q.sql);
    // MariaDB reads the id back with a SELECT (and its auto_increment step): reads, not writes
    expect(statements.filter((s) => !/^(select|show) /.test(s))).toEqual([
      expect.stringMatching(/^insert into .customer./),
      expect.stringMatching(/^insert into .synchro_change./),
    ]);
  });

  it('logs nothing inside withoutSynchroLog() / disableSynchroLog(), and only there', async () => {
    await whatIsLogged(t.orm.em.fork());
    const before = await logLines(t.orm.em);
    const loud = async () => {
      const em = t.orm.em.fork();
      em.create(Label, { name: 'loud' });
      await em.flush();
    };
    await Promise.all([quiet(t.orm.em.fork()), loud()]);
    await new Maintenance(t.orm.em.fork()).recomputeBalances();
    const labels = await t.orm.em.fork().find(Label, {}, { orderBy: { name: 'asc' } });
    expect(labels.map((l) => l.name)).toEqual(['loud', 'recounted', 'urgent']);
    expect((await t.orm.em.fork().findOneOrFail(Customer, { email: 'ann@example.com' })).name).toBe(
      'Ann (local note)',
    );
    const loudId = labels.find((l) => l.name === 'loud')!.id;
    expect(await logLines(t.orm.em)).toEqual([...before, `create Label ${loudId}`]);
    // inside the switch, upserts and logChanges() log nothing either
    await withoutSynchroLog(async () => {
      const em = t.orm.em.fork();
      await em.upsert(Customer, { email: 'zed@example.com', name: 'Zed' });
      expect(await logChanges(em, Customer, {})).toBe(0);
    });
    expect(await logLines(t.orm.em)).toHaveLength(before.length + 1);
  });

  it('watches only the listed entities; an unknown name fails the first flush', async () => {
    const only = await openOrm(kind, billingOnly);
    try {
      const em = only.orm.em.fork();
      const ann = em.create(Customer, { email: 'ann@example.com', name: 'Ann' });
      const invoice = em.create(Invoice, { number: 'INV-1', customer: ann, total: 1 });
      invoice.labels.add(em.create(Label, { name: 'urgent' }));
      em.create(InvoiceLine, { invoice, position: 1, text: 'x' });
      await em.flush();
      // the invoice is new: its `create` stands for its labels as well
      expect(await logLines(only.orm.em)).toEqual(['create Customer 1', 'create Invoice 1']);
    } finally {
      await only.close();
    }
    const wrong = await openOrm(
      kind,
      withSynchro({ entities: BILLING }, { remote: null, entities: ['Nope'] }),
    );
    try {
      const em = wrong.orm.em.fork();
      em.create(Label, { name: 'x' });
      const error = await em.flush().catch((e) => e);
      expect(error).toBeInstanceOf(SynchroConfigError);
      expect(error.message).toBe(
        "Unknown entity 'Nope' in SynchroOptions: known entities are Label, InvoiceLine, Invoice, Customer.",
      );
    } finally {
      await wrong.close();
    }
  });

  it('capture: false keeps the tables and logs nothing', async () => {
    const off = await openOrm(kind, withSynchro({ entities: BILLING }, { remote: null, capture: false }));
    try {
      await whatIsLogged(off.orm.em.fork());
      expect(await logChanges(off.orm.em.fork(), Customer, {})).toBe(0);
      expect(await logLines(off.orm.em)).toEqual([]);
    } finally {
      await off.close();
    }
  });

  it('costs one INSERT per flush; an unloaded relation in a deleted key one SELECT; upsertMany one per row', async () => {
    const em = t.orm.em.fork();
    const ann = em.create(Customer, { email: 'ann@example.com', name: 'Ann' });
    for (let i = 0; i < 3; i++) {
      const invoice = em.create(Invoice, { number: `INV-${i}`, customer: ann, total: i });
      for (let n = 0; n < 100; n++) em.create(InvoiceLine, { invoice, position: n, text: 'x' });
    }
    const flush = await t.queries.capture(() => em.flush());
    expect(flush.filter((s) => /synchro_change/.test(s))).toHaveLength(1);
    expect(await logLines(t.orm.em)).toHaveLength(304);

    const unchanged = await t.queries.capture(() => em.flush());
    expect(unchanged).toEqual([]);

    const em2 = t.orm.em.fork();
    const lines = await em2.find(InvoiceLine, { position: { $lt: 3 } }); // invoices not loaded
    em2.remove(lines);
    const remove = await t.queries.capture(() => em2.flush());
    expect(remove.filter((s) => /^select/.test(s))).toHaveLength(1);
    expect(remove.filter((s) => /synchro_change/.test(s))).toHaveLength(1);
    expect((await logLines(t.orm.em)).at(-1)).toMatch(/^delete InvoiceLine \d+ \[\["INV-\d"\],\d\]$/);

    const upserts = await t.queries.capture(() =>
      t.orm.em.fork().upsertMany(Customer, [
        { email: 'ann@example.com', name: 'Ann' },
        { email: 'bob@example.com', name: 'Bob' },
        { email: 'cid@example.com', name: 'Cid' },
      ]),
    );
    expect(upserts.filter((s) => /synchro_change/.test(s))).toHaveLength(3);
  });

  it('logs nothing for the writes of "Writes that bypass the log"; logChanges() logs them', async () => {
    const em = t.orm.em.fork();
    const ann = em.create(Customer, { email: 'ann@example.com', name: 'Ann K.', balance: 5 });
    em.create(Invoice, { number: 'INV-1', customer: ann, total: 120 });
    await em.flush();
    const before = await logLines(t.orm.em);
    await bypasses(sql(t.orm.em.fork()));
    expect(await logLines(t.orm.em)).toEqual(before);
    const labels = await t.orm.em.fork().find(Label, {}, { orderBy: { name: 'asc' } });
    expect(labels.map((l) => l.name)).toEqual(['new', 'overdue']);
    const after = await t.orm.em.fork().findOneOrFail(Customer, { email: 'ann@example.com' });
    expect([after.name, after.balance]).toEqual(['Ann', 0]);
    expect((await t.orm.em.fork().findOneOrFail(Invoice, { number: 'INV-1' })).total).toBe(0);

    await t.orm.em.fork().nativeDelete(Label, {});
    const start = (await logLines(t.orm.em)).length;
    await logWithLogChanges(sql(t.orm.em.fork()));
    const byName = new Map((await t.orm.em.fork().find(Label, {})).map((l) => [l.name, l.id]));
    expect([...byName.keys()]).toEqual(['late']);
    const added = (await logLines(t.orm.em)).slice(start);
    expect(added.slice(0, 2).sort()).toEqual(
      [`create Label ${byName.get('late')}`, expect.stringMatching(/^create Label \d+$/)].sort(),
    );
    expect(added.slice(2)).toEqual([
      'update Invoice 1',
      expect.stringMatching(/^delete Label \d+ \["paid"\]$/),
    ]);
  });

  it('logChanges() after a delete finds nothing; unknown entities are a SynchroConfigError', async () => {
    const em = t.orm.em.fork();
    em.create(Label, { name: 'gone' });
    await em.flush();
    await em.nativeDelete(Label, { name: 'gone' });
    expect(await logChanges(em, Label, { name: 'gone' }, 'delete')).toBe(0);
    await expect(logChanges(em, 'Nope', {})).rejects.toThrow(SynchroConfigError);
    const plain = await openOrm(kind, { entities: BILLING });
    try {
      await expect(logChanges(plain.orm.em.fork(), Label, {})).rejects.toThrow(
        'The LOCAL ORM was not configured with withSynchro()',
      );
    } finally {
      await plain.close();
    }
  });

  it('does not log rows deleted by ON DELETE CASCADE, unless logChanges() logs them first', async () => {
    const seed = async () => {
      const em = t.orm.em.fork();
      const invoice = em.create(Invoice, {
        number: 'INV-1',
        customer: em.create(Customer, { email: `c${Math.random()}@example.com`, name: 'C' }),
        total: 1,
      });
      for (const position of [1, 2]) em.create(InvoiceLine, { invoice, position, text: 'x' });
      await em.flush();
      return (await logLines(t.orm.em)).length;
    };
    let start = await seed();
    const em = t.orm.em.fork();
    em.remove(await em.findOneOrFail(Invoice, { number: 'INV-1' }));
    await em.flush();
    expect(await t.orm.em.fork().count(InvoiceLine)).toBe(0);
    expect((await logLines(t.orm.em)).slice(start)).toEqual(['delete Invoice 1 ["INV-1"]']);

    start = await seed();
    const uow = t.orm.em.fork();
    const loaded = await uow.findOneOrFail(Invoice, { number: 'INV-1' }, { populate: ['lines'] });
    uow.remove([...loaded.lines, loaded]);
    await uow.flush();
    expect((await logLines(t.orm.em)).slice(start)).toEqual([
      'delete InvoiceLine 3 [["INV-1"],1]',
      'delete InvoiceLine 4 [["INV-1"],2]',
      'delete Invoice 2 ["INV-1"]',
    ]);

    start = await seed();
    await cascade(t.orm.em.fork());
    expect(await t.orm.em.fork().count(InvoiceLine)).toBe(0);
    expect((await logLines(t.orm.em)).slice(start)).toEqual([
      'delete InvoiceLine 5 [["INV-1"],1]',
      'delete InvoiceLine 6 [["INV-1"],2]',
      'delete Invoice 3 ["INV-1"]',
    ]);
  });
});

/** The unit-of-work version the pitfall warns about: the subscriber changes the customer in the same flush. */
class BalanceInSameFlush implements EventSubscriber {
  onFlush({ uow }: FlushEventArgs): void {
    for (const cs of uow.getChangeSets()) {
      if (cs.type !== ChangeSetType.CREATE || cs.meta.className !== 'Invoice') continue;
      const invoice = cs.entity as InferEntity<typeof Invoice>;
      const customer = invoice.customer as unknown as InferEntity<typeof Customer>;
      customer.balance += invoice.total;
      if (uow.getChangeSets().some((c) => c.entity === customer)) uow.recomputeSingleChangeSet(customer);
      else uow.computeChangeSet(customer);
    }
  }
}

describe.each(PAIRS)('the subscriber pitfall $name', (kinds) => {
  let p: TestPair;
  const open = async (subscriber: () => EventSubscriber) => {
    p = await openPair(
      kinds,
      withSynchro({ entities: BILLING, subscribers: [subscriber()] }, { remote: 'server' }),
      withSynchro({ entities: BILLING, subscribers: [subscriber()] }, { remote: null }),
    );
    const em = p.local.orm.em.fork();
    em.create(Customer, { email: 'ann@example.com', name: 'Ann' });
    await em.flush();
    await synchronize(p.local.orm, p.remote.orm);
    await p.remote.orm.em.fork().nativeUpdate(Customer, { email: 'ann@example.com' }, { name: 'Ann Lee' });
    const office = p.local.orm.em.fork();
    const ann = await office.findOneOrFail(Customer, { email: 'ann@example.com' });
    office.create(Invoice, { number: 'INV-7', customer: ann, total: 120 });
    await office.flush();
  };
  const remoteAnn = async () => p.remote.orm.em.fork().findOneOrFail(Customer, { email: 'ann@example.com' });
  afterEach(() => p.close());

  it('a side effect through the unit of work is logged and applied twice', async () => {
    await open(() => new BalanceInSameFlush());
    expect((await logLines(p.local.orm.em)).slice(1)).toEqual(['create Invoice 1', 'update Customer 1']);
    await synchronize(p.local.orm, p.remote.orm);
    const ann = await remoteAnn();
    expect([ann.name, ann.balance]).toEqual(['Ann', 240]);
  });

  it('the documented subscriber is not logged, and the server computes its own balance once', async () => {
    await open(() => new BalanceSubscriber());
    expect((await logLines(p.local.orm.em)).slice(1)).toEqual(['create Invoice 1']);
    expect((await p.local.orm.em.fork().findOneOrFail(Customer, { email: 'ann@example.com' })).balance).toBe(
      120,
    );
    const report = await synchronize(p.local.orm, p.remote.orm);
    expect(report.paths.Invoice).toBe('unit-of-work');
    const ann = await remoteAnn();
    expect([ann.name, ann.balance]).toEqual(['Ann Lee', 120]);
  });
});

describe.each(PAIRS)('database cascades $name', (kinds) => {
  it("REMOTE's own ON DELETE CASCADE removes the lines the log does not mention", async () => {
    const p = await openPair(kinds, config, withSynchro(config, { remote: null }));
    try {
      const em = p.local.orm.em.fork();
      const invoice = em.create(Invoice, {
        number: 'INV-1',
        customer: em.create(Customer, { email: 'ann@example.com', name: 'Ann' }),
        total: 1,
      });
      for (const position of [1, 2]) em.create(InvoiceLine, { invoice, position, text: 'x' });
      await em.flush();
      await synchronize(p.local.orm, p.remote.orm);
      expect(await p.remote.orm.em.fork().count(InvoiceLine)).toBe(2);
      em.remove(invoice);
      await em.flush();
      expect(await synchronize(p.local.orm, p.remote.orm)).toMatchObject({ status: 'synced', deleted: 1 });
      expect(await p.remote.orm.em.fork().count(InvoiceLine)).toBe(0);
    } finally {
      await p.close();
    }
  });
});
