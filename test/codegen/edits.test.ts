import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { planNaturalKeys } from '@mikro-synchro/codegen';
import { afterEach, describe, expect, it } from 'vitest';

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** Plans codegen on a throw-away project made of `files` (no tsconfig: `--entities src/**`). */
async function plan(
  files: Record<string, string>,
  options: { keys?: Record<string, string[]>; allowMany?: string[] } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'synchro-codegen-edits-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const result = await planNaturalKeys({ cwd: dir, entities: ['src/**/*.ts'], ...options });
  const after = Object.fromEntries(result.files.map((f) => [f.file, f.after]));
  return { ...result, after };
}

describe('codegen edits', () => {
  it('follows inline type imports, extensionless specifiers and a class declared in another file', async () => {
    const { after } = await plan({
      'src/Tag.ts': 'export class Tag {\n  id!: number;\n  slug!: string;\n}\n',
      'src/schemas.ts': [
        "import { defineEntity, type EntityName, p } from '@mikro-orm/core';",
        "import { Tag } from './Tag';",
        '',
        'export const TagSchema = defineEntity({',
        '  class: Tag,',
        '  properties: { id: p.integer().primary(), slug: p.string().unique() },',
        '});',
        'export const names: EntityName<Tag>[] = [];',
        '',
      ].join('\n'),
    });
    expect(after['src/Tag.ts']).toBe(
      [
        "import { EntityRepositoryType } from '@mikro-orm/core';",
        "import { NaturalKeyEntity } from '@mikro-synchro/core';",
        "import { type TagRepository } from './schemas';",
        '',
        'export class Tag extends NaturalKeyEntity {',
        "  static override naturalKey = ['slug'] as const;",
        '  declare [EntityRepositoryType]?: TagRepository;',
        '',
        '  id!: number;',
        '  slug!: string;',
        '}',
        '',
      ].join('\n'),
    );
    expect(after['src/schemas.ts']).toContain(
      "import { naturalKeyRepository } from '@mikro-synchro/core';\nimport { Tag } from './Tag';",
    );
    expect(after['src/schemas.ts']).toContain(
      '  repository: () => TagRepository,\n});\n\n/** Repository of Tag, with lookups by its natural key (added by synchro-codegen). */\n' +
        "export class TagRepository extends naturalKeyRepository<Tag>(['slug']) {}\nexport const names",
    );
  });

  it('turns a type alias of InferEntity into an interface, which the repository can use without a cycle', async () => {
    const { after } = await plan({
      'src/User.ts': [
        "import { defineEntity, type InferEntity, p } from '@mikro-orm/core';",
        '',
        "export const User = defineEntity({ name: 'User', properties: { id: p.integer().primary(), login: p.string().unique() } });",
        'export type IUser = InferEntity<typeof User>;',
        '',
      ].join('\n'),
    });
    expect(after['src/User.ts']).toContain('export interface IUser extends InferEntity<typeof User> {}\n');
    expect(after['src/User.ts']).toContain(
      "export class UserRepository extends naturalKeyRepository<IUser>(['login']) {}",
    );
  });

  it('brings an existing declaration in line with --key and --allow-many', async () => {
    const result = await plan(
      {
        'src/City.ts': [
          "import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';",
          "import { NaturalKeyEntity, naturalKeyRepository } from '@mikro-synchro/core';",
          '',
          '@Entity({ repository: () => CityRepository })',
          'export class City extends NaturalKeyEntity {',
          "  static override naturalKey = ['name'] as const;",
          '  @PrimaryKey() id!: number;',
          '  @Property() name!: string;',
          '  @Property() country!: string;',
          '}',
          '',
          "export class CityRepository extends naturalKeyRepository<City>(['name']) {}",
          '',
        ].join('\n'),
      },
      { keys: { City: ['name', 'country'] }, allowMany: ['City'] },
    );
    expect(result.entities[0]!.changes).toEqual([
      "static naturalKey: ['name'] as const → ['name', 'country']",
      'static allowMany = true',
      '[EntityRepositoryType]: CityRepository',
      "CityRepository: naturalKeyRepository(['name']) → (['name', 'country'])",
      'CityRepository: allowMany: true',
    ]);
    const text = result.after['src/City.ts']!;
    expect(text).toContain(
      "  static override naturalKey = ['name', 'country'] as const;\n  static override allowMany = true;\n  declare [EntityRepositoryType]?: CityRepository;\n  @PrimaryKey()",
    );
    expect(text).toContain("naturalKeyRepository<City>(['name', 'country'], { allowMany: true }) {}");
  });

  it('marks existing statics override when it adds NaturalKeyEntity as base class', async () => {
    const { after } = await plan({
      'src/Code.ts': [
        "import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';",
        '',
        '@Entity()',
        'export class Code {',
        "  static readonly naturalKey = ['value'] as const;",
        '  static allowMany = true;',
        '  @PrimaryKey() id!: number;',
        '  @Property() value!: string;',
        '}',
        '',
      ].join('\n'),
    });
    expect(after['src/Code.ts']).toContain(
      "export class Code extends NaturalKeyEntity {\n  static override readonly naturalKey = ['value'] as const;\n" +
        '  declare [EntityRepositoryType]?: CodeRepository;\n  static override allowMany = true;\n',
    );
    expect(after['src/Code.ts']).toContain("naturalKeyRepository<Code>(['value'], { allowMany: true }) {}");
  });

  it('skips what it cannot edit safely, saying why', async () => {
    const result = await plan({
      'src/a.ts': [
        "import { Entity, Property } from '@mikro-orm/decorators/legacy';",
        'const options = {};',
        '@Entity(options)',
        'export class Shared {',
        '  @Property({ unique: true }) code!: string;',
        '}',
        '@Entity()',
        'export class Keyed {',
        '  @Property({ unique: true }) naturalKey!: string;',
        '}',
        '',
      ].join('\n'),
    });
    expect(result.files).toEqual([]);
    expect(result.skipped.map((s) => [s.entity, s.reason, s.message])).toEqual([
      [
        'Shared',
        'unsupported',
        'Shared: skipped, @Entity(options) has no object literal to add `repository` to.',
      ],
      [
        'Keyed',
        'unsupported',
        "Keyed has its own naturalKey member, which NaturalKeyEntity's method would clash with; rename it.",
      ],
    ]);
  });
});
