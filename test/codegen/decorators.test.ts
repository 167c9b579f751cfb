import { generateNaturalKeys, planNaturalKeys } from '@mikro-synchro/codegen';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, type FixtureCopy, typecheck } from './support/project.js';

// @mikro-orm/decorators is not installed here: the fixtures declare its types in types/*.d.ts, so they are
// parsed, edited and type-checked, but not run (the defineEntity suite runs its repositories on SQLite).
describe.each(['decorators-legacy', 'decorators-es'])(
  'codegen on %s entities',
  { timeout: 180_000 },
  (name) => {
    let fixture: FixtureCopy;

    beforeAll(() => {
      fixture = copyFixture(name);
    });
    afterAll(() => fixture.remove());

    it('type-checks before codegen', async () => {
      expect((await typecheck(fixture.dir)).stdout).toBe('');
    });

    it('adds the natural-key declarations and repositories', async () => {
      const keys: Record<string, string[]> =
        name === 'decorators-legacy' ? { Account: ['tenant', 'login'] } : {};
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
  },
);

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
