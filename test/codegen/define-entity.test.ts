import { pathToFileURL } from 'node:url';
import type { EntityManager, EntityName } from '@mikro-orm/core';
import { generateNaturalKeys, planNaturalKeys } from '@mikro-synchro/codegen';
import { NaturalKeyError } from '@mikro-synchro/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrm, type TestOrm } from '../support/orm.js';
import { copyFixture, type FixtureCopy, typecheck } from './support/project.js';

/** em.create() for an entity imported at run time (untyped here). */
function create(em: EntityManager, entity: unknown, data: Record<string, unknown>): void {
  em.create(entity as EntityName<Record<string, unknown>>, data as never);
}

describe('codegen on defineEntity() entities', { timeout: 180_000 }, () => {
  let fixture: FixtureCopy;
  let before: Record<string, string>;

  beforeAll(async () => {
    fixture = copyFixture('define-entity');
    before = fixture.sources();
  });
  afterAll(() => fixture.remove());

  it('adds natural keys and repositories, and reports what it did', async () => {
    const changes = await generateNaturalKeys({
      cwd: fixture.dir,
      keys: { Person: ['lastName', 'city'] },
      allowMany: ['Person'],
    });
    expect(changes).toEqual([
      {
        file: 'src/entities/Author.ts',
        entity: 'Author',
        changes: [
          'interface IAuthor extends InferEntity<typeof Author>',
          "class AuthorRepository = naturalKeyRepository(['email'])",
          'repository: () => AuthorRepository',
        ],
      },
      {
        file: 'src/entities/Book.ts',
        entity: 'Book',
        changes: [
          "static naturalKey = ['code', 'edition']",
          "class BookRepository = naturalKeyRepository(['code', 'edition'])",
          'repository: () => BookRepository',
        ],
      },
      {
        file: 'src/entities/Person.ts',
        entity: 'Person',
        changes: [
          'interface IPerson extends InferEntity<typeof Person>',
          "class PersonRepository = naturalKeyRepository(['lastName', 'city'])",
          'repository: () => PersonRepository',
        ],
      },
      {
        file: 'src/entities/Publisher.ts',
        entity: 'Publisher',
        changes: [
          "class PublisherNaturalKeyRepository = naturalKeyRepository(['name'], base PublisherRepository) in src/repositories/PublisherRepository.ts",
          'repository: () => PublisherRepository → PublisherNaturalKeyRepository',
        ],
      },
      {
        file: 'src/entities/Tag.ts',
        entity: 'Tag',
        changes: [
          'extends NaturalKeyEntity',
          "static naturalKey = ['slug']",
          '[EntityRepositoryType]: TagRepository',
          "class TagRepository = naturalKeyRepository(['slug'])",
          'repository: () => TagRepository',
        ],
      },
    ]);
  });

  it('writes the expected code and leaves untouched files alone', async () => {
    const after = fixture.sources();
    expect(after['src/entities/Note.ts']).toBe(before['src/entities/Note.ts']);
    for (const [path, text] of Object.entries(after)) {
      await expect(text).toMatchFileSnapshot(`./__snapshots__/define-entity/${path}.snap`);
    }
  });

  it('produces code that type-checks, em.getRepository() typing included', async () => {
    const { copyFileSync } = await import('node:fs');
    copyFileSync(
      new URL('./fixtures/define-entity-usage.ts', import.meta.url),
      `${fixture.dir}/src/usage.ts`,
    );
    const result = await typecheck(fixture.dir);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('changes nothing on a second run, even without the --key it needed the first time', async () => {
    const sources = fixture.sources();
    const plan = await planNaturalKeys({ cwd: fixture.dir });
    expect(plan.files).toEqual([]);
    expect(plan.entities).toEqual([]);
    expect(plan.unchanged.map((u) => u.entity)).toEqual(['Author', 'Book', 'Person', 'Publisher', 'Tag']);
    expect(await generateNaturalKeys({ cwd: fixture.dir })).toEqual([]);
    expect(fixture.sources()).toEqual(sources);
  });

  describe('the generated repositories on SQLite', () => {
    let db: TestOrm;
    let entities: Record<string, any>;

    beforeAll(async () => {
      const load = (path: string) => import(pathToFileURL(`${fixture.dir}/src/entities/${path}`).href);
      entities = Object.assign(
        {},
        ...(await Promise.all(
          ['Author.ts', 'Book.ts', 'Tag.ts', 'Publisher.ts', 'Person.ts', 'Note.ts'].map(load),
        )),
      );
      const { Author, BookSchema, TagSchema, Publisher, Person, Note } = entities;
      db = await openOrm('sqlite', { entities: [Author, BookSchema, TagSchema, Publisher, Person, Note] });
      const em = db.orm.em.fork();
      create(em, Author, { email: 'ann@example.com', name: 'Ann' });
      create(em, Author, { email: 'bob@example.com', name: 'Bob' });
      create(em, entities.Book, { code: 'DUNE', edition: 1, title: 'Dune' });
      create(em, entities.Book, { code: 'DUNE', edition: 2, title: 'Dune (revised)' });
      create(em, entities.Tag, { slug: 'sf' });
      create(em, Publisher, { name: 'Ace', country: 'US' });
      create(em, Person, { email: 'jan@example.com', firstName: 'Jan', lastName: 'Novak', city: 'Brno' });
      create(em, Person, { email: 'eva@example.com', firstName: 'Eva', lastName: 'Novak', city: 'Brno' });
      await em.flush();
      db.queries.reset();
    });
    afterAll(() => db?.close());

    const fork = (): EntityManager => db.orm.em.fork();

    it('finds a row by a single-property key (schema without class)', async () => {
      const repo = fork().getRepository(entities.Author) as any;
      expect((await repo.findByNaturalKey('bob@example.com'))?.name).toBe('Bob');
      expect(await repo.findByNaturalKey('nobody@example.com')).toBeNull();
    });

    it('finds a row by a composite key (setClass)', async () => {
      const book = await (fork().getRepository(entities.Book) as any).getByNaturalKey('DUNE', 2);
      expect(book).toBeInstanceOf(entities.Book);
      expect(book.label).toBe('DUNE (2)');
    });

    it('gives a class entity NaturalKeyEntity.naturalKey()', async () => {
      const tag = await (fork().getRepository(entities.Tag) as any).getByNaturalKey('sf');
      expect(tag.naturalKey()).toEqual(['sf']);
    });

    it('keeps the methods of the existing repository', async () => {
      const repo = fork().getRepository(entities.Publisher) as any;
      expect(repo.constructor.name).toBe('PublisherNaturalKeyRepository');
      expect((await repo.getByNaturalKey('Ace')).country).toBe('US');
      expect((await repo.findByCountry('US')).map((p: any) => p.name)).toEqual(['Ace']);
    });

    it('takes the first row with allowMany', async () => {
      const person = await (fork().getRepository(entities.Person) as any).getByNaturalKey('Novak', 'Brno');
      expect(person.email).toBe('jan@example.com');
    });

    it('finds many keys in one query', async () => {
      const repo = fork().getRepository(entities.Author) as any;
      const count = await db.queries.count(async () => {
        const found = await repo.findByNaturalKeys([
          ['ann@example.com'],
          ['bob@example.com'],
          ['x@example.com'],
        ]);
        expect(found.map((a: any) => a.name)).toEqual(['Ann', 'Bob']);
      });
      expect(count).toBe(1);
    });

    it('throws NaturalKeyError when getByNaturalKey finds nothing', async () => {
      await expect(
        (fork().getRepository(entities.Author) as any).getByNaturalKey('x@example.com'),
      ).rejects.toThrow(NaturalKeyError);
    });
  });
});
