import type { EntityManager, EntityName } from '@mikro-orm/core';
import { generateNaturalKeys, planNaturalKeys } from '@mikro-synchro/codegen';
import { NaturalKeyError, resolveNaturalKey } from '@mikro-synchro/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrm, type TestOrm } from '../support/orm.js';
import { copyFixture, type FixtureCopy, importExports, typecheck } from './support/project.js';

// The fixtures use the real @mikro-orm/decorators: `decorators-legacy` with `experimentalDecorators`,
// `decorators-es` with TC39 decorators. Their properties carry an explicit `type` (no reflect-metadata: esbuild,
// which compiles them for vitest, does not emit decorator metadata). Each one is edited, compared with its
// snapshot, type-checked with tsc, and its generated repositories are then run on SQLite.

/** em.create() for an entity imported at run time (untyped here). */
function create(em: EntityManager, entity: unknown, data: Record<string, unknown>): any {
  return em.create(entity as EntityName<Record<string, unknown>>, data as never);
}

/**
 * Copies the fixture `name` and registers the steps every fixture goes through: type-check, codegen (with
 * `keys`) against the file snapshots, type-check of the result, idempotency. Returns the copy once it exists.
 */
function codegenSteps(name: string, keys: Record<string, string[]>): () => FixtureCopy {
  let fixture: FixtureCopy;

  beforeAll(() => {
    fixture = copyFixture(name);
  });
  afterAll(() => fixture.remove());

  it('type-checks before codegen', async () => {
    expect((await typecheck(fixture.dir)).stdout).toBe('');
  });

  it('adds the natural-key declarations and repositories', async () => {
    const changes = await generateNaturalKeys({ cwd: fixture.dir, keys });
    expect(changes.length).toBeGreaterThan(0);
    for (const [path, text] of Object.entries(fixture.sources())) {
      await expect(text).toMatchFileSnapshot(`./__snapshots__/${name}/${path}.snap`);
    }
  });

  it('produces code that type-checks', async () => {
    const result = await typecheck(fixture.dir);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('changes nothing on a second run', async () => {
    const plan = await planNaturalKeys({ cwd: fixture.dir });
    expect(plan.files).toEqual([]);
    expect(plan.skipped).toEqual([]);
  });

  return () => fixture;
}

/** Opens the entities exported by `paths` (after codegen) on a fresh SQLite database and seeds it. */
function onSqlite(
  fixture: () => FixtureCopy,
  paths: string[],
  seed: (em: EntityManager, entities: Record<string, any>) => void,
): { db: () => TestOrm; entities: () => Record<string, any> } {
  let db: TestOrm;
  let entities: Record<string, any>;

  beforeAll(async () => {
    const exports = await importExports(fixture(), paths);
    entities = Object.fromEntries(
      Object.entries(exports).filter(([name]) => !name.endsWith('Repository')),
    ) as Record<string, any>;
    db = await openOrm('sqlite', { entities: Object.values(entities) });
    const em = db.orm.em.fork();
    seed(em, entities);
    await em.flush();
    db.queries.reset();
  });
  afterAll(() => db?.close());

  return { db: () => db, entities: () => entities };
}

describe('codegen on decorators-legacy entities', { timeout: 180_000 }, () => {
  const fixture = codegenSteps('decorators-legacy', { Account: ['tenant', 'login'] });

  describe('the generated repositories on SQLite', () => {
    const { db, entities } = onSqlite(
      fixture,
      ['BaseEntity', 'User', 'Account', 'Article', 'Customer'].map((e) => `src/entities/${e}.ts`),
      (em, { User, Account, Article, Customer }) => {
        const ann = create(em, User, { email: 'ann@example.com', name: 'Ann' });
        const bob = create(em, User, { email: 'bob@example.com', name: 'Bob' });
        create(em, Account, { tenant: 'acme', login: 'ann', email: 'ann@acme.test' });
        create(em, Account, { tenant: 'globex', login: 'ann', email: 'ann@globex.test' });
        create(em, Article, { slug: 'intro', locale: 'en', author: ann });
        create(em, Article, { slug: 'intro', locale: 'cs', author: bob });
        create(em, Customer, { code: 'C1', vip: true });
        create(em, Customer, { code: 'C2' });
      },
    );
    const fork = (): EntityManager => db().orm.em.fork();
    const repo = (entity: string): any => fork().getRepository(entities()[entity]);

    it('gives core the declared keys, the ambiguous Account included', () => {
      const keyOf = (entity: string) => resolveNaturalKey(db().orm.getMetadata().get(entities()[entity]));
      expect(keyOf('User')).toMatchObject({ properties: ['email'], source: 'entity' });
      expect(keyOf('Account')).toMatchObject({ properties: ['tenant', 'login'], source: 'entity' });
      expect(keyOf('Article')).toMatchObject({ properties: ['slug', 'locale'], source: 'entity' });
      expect(keyOf('Customer')).toMatchObject({ properties: ['code'], source: 'entity' });
    });

    it('finds a row by a single-property key, and the entity gets NaturalKeyEntity.naturalKey()', async () => {
      const users = repo('User');
      const bob = await users.findByNaturalKey('bob@example.com');
      expect(bob).toBeInstanceOf(entities().User);
      expect(bob.name).toBe('Bob');
      expect(bob.naturalKey()).toEqual(['bob@example.com']);
      expect(await users.findByNaturalKey('nobody@example.com')).toBeNull();
    });

    it('finds a row by a composite key chosen with --key', async () => {
      expect((await repo('Account').getByNaturalKey('globex', 'ann')).email).toBe('ann@globex.test');
    });

    it('finds many keys in one query on an entity with a base class', async () => {
      const articles = repo('Article');
      const count = await db().queries.count(async () => {
        const found = await articles.findByNaturalKeys([
          ['intro', 'cs'],
          ['intro', 'en'],
          ['intro', 'de'],
        ]);
        expect(found.map((a: any) => `${a.slug}/${a.locale}`).sort()).toEqual(['intro/cs', 'intro/en']);
        // Columns of the base class are there too.
        for (const article of found) expect(article.createdAt).toBeInstanceOf(Date);
      });
      expect(count).toBe(1);
    });

    it('keeps the methods of the existing repository', async () => {
      const customers = repo('Customer');
      expect(customers.constructor.name).toBe('CustomerNaturalKeyRepository');
      expect((await customers.getByNaturalKey('C1')).vip).toBe(true);
      expect((await customers.findVips()).map((c: any) => c.code)).toEqual(['C1']);
    });

    it('throws NaturalKeyError when getByNaturalKey finds nothing', async () => {
      await expect(repo('Account').getByNaturalKey('acme', 'bob')).rejects.toThrow(NaturalKeyError);
    });
  });
});

describe('codegen on decorators-es entities', { timeout: 180_000 }, () => {
  const fixture = codegenSteps('decorators-es', {});

  describe('the generated repositories on SQLite', () => {
    const { db, entities } = onSqlite(fixture, ['src/Product.ts'], (em, { Product }) => {
      create(em, Product, { sku: 'SKU-1', price: 10 });
      create(em, Product, { sku: 'SKU-2', price: 20 });
    });
    const products = (): any => db().orm.em.fork().getRepository(entities().Product);

    it('gives core the declared key', () => {
      const meta = db().orm.getMetadata().get(entities().Product);
      expect(resolveNaturalKey(meta)).toMatchObject({ properties: ['sku'], source: 'entity' });
    });

    it('finds a row by its natural key', async () => {
      const product = await products().getByNaturalKey('SKU-2');
      expect(product).toBeInstanceOf(entities().Product);
      expect(product.price).toBe(20);
      expect(product.naturalKey()).toEqual(['SKU-2']);
      expect(await products().findByNaturalKey('SKU-3')).toBeNull();
    });

    it('finds many keys in one query', async () => {
      const repo = products();
      const count = await db().queries.count(async () => {
        const found = await repo.findByNaturalKeys([['SKU-1'], ['SKU-3'], ['SKU-2']]);
        expect(found.map((p: any) => p.sku).sort()).toEqual(['SKU-1', 'SKU-2']);
      });
      expect(count).toBe(1);
    });

    it('throws NaturalKeyError when getByNaturalKey finds nothing', async () => {
      await expect(products().getByNaturalKey('SKU-3')).rejects.toThrow(NaturalKeyError);
    });
  });
});

describe('codegen on decorated entities', () => {
  let fixture: FixtureCopy;

  beforeAll(() => {
    fixture = copyFixture('decorators-legacy');
  });
  afterAll(() => fixture.remove());

  it('skips an entity with several unique constraints and says how to choose', async () => {
    const plan = await planNaturalKeys({ cwd: fixture.dir });
    expect(plan.skipped).toEqual([
      {
        file: 'src/entities/Account.ts',
        line: 3,
        entity: 'Account',
        reason: 'ambiguous',
        message:
          'Account has 2 unique constraints that could be its natural key: (email), (tenant, login); ' +
          'choose one with --key Account=email or --key Account=tenant,login.',
        candidates: [['email'], ['tenant', 'login']],
      },
    ]);
    expect(plan.files.map((f) => f.file)).not.toContain('src/entities/Account.ts');
  });

  it('keeps an existing custom repository as the base and re-types em.getRepository()', async () => {
    const plan = await planNaturalKeys({ cwd: fixture.dir, entities: ['src/entities/Customer.ts'] });
    expect(plan.entities).toEqual([
      {
        file: 'src/entities/Customer.ts',
        entity: 'Customer',
        changes: [
          'extends NaturalKeyEntity',
          "static naturalKey = ['code']",
          '[EntityRepositoryType]: CustomerRepository → CustomerNaturalKeyRepository',
          "class CustomerNaturalKeyRepository = naturalKeyRepository(['code'], base CustomerRepository)",
          'repository: () => CustomerRepository → CustomerNaturalKeyRepository',
        ],
      },
    ]);
    const after = plan.files[0]!.after;
    // The new class extends the base at load time, so it must come after the base's declaration.
    expect(after.indexOf('class CustomerNaturalKeyRepository')).toBeGreaterThan(
      after.indexOf('class CustomerRepository'),
    );
    expect(after).toContain('  findVips() {');
  });

  it('gives a class with another base class a static naturalKey instead of NaturalKeyEntity', async () => {
    const plan = await planNaturalKeys({ cwd: fixture.dir, entities: ['src/entities/Article.ts'] });
    const after = plan.files[0]!.after;
    expect(after).toContain('export class Article extends BaseEntity {\n  static naturalKey = [');
    expect(after).not.toContain('NaturalKeyEntity');
  });
});
