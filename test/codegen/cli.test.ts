import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFixture, type FixtureCopy, ROOT, run, runCodegen } from './support/project.js';

// Each run starts Node, tsx and the TypeScript compiler: slow on a busy 2-core machine.
describe('synchro-codegen (subprocess)', { timeout: 180_000 }, () => {
  let fixture: FixtureCopy;
  let before: Record<string, string>;

  beforeEach(() => {
    fixture = copyFixture('define-entity');
    before = fixture.sources();
  });
  afterEach(() => fixture.remove());

  it('--check lists what would change, writes nothing and exits 1', async () => {
    const result = await runCodegen(['--check'], fixture.dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'src/entities/Author.ts: Author\n  + interface IAuthor extends InferEntity<typeof Author>\n',
    );
    expect(result.stdout).toMatch(/5 files would change; run synchro-codegen to apply.\n$/);
    expect(fixture.sources()).toEqual(before);
  });

  it('--dry-run prints a unified diff, writes nothing and exits 0', async () => {
    const result = await runCodegen(['--dry-run', '--entities', 'src/entities/Tag.ts'], fixture.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        '--- a/src/entities/Tag.ts',
        '+++ b/src/entities/Tag.ts',
        '@@ -1,8 +1,15 @@',
        "-import { defineEntity, p } from '@mikro-orm/core';",
        "+import { defineEntity, EntityRepositoryType, p } from '@mikro-orm/core';",
        "+import { NaturalKeyEntity, naturalKeyRepository } from '@mikro-synchro/core';",
        ' ',
        '-export class Tag {',
        '+export class Tag extends NaturalKeyEntity {',
        "+  static override naturalKey = ['slug'] as const;",
        '+  declare [EntityRepositoryType]?: TagRepository;',
        '+',
        '   id!: number;',
        '   slug!: string;',
        ' }',
        ' ',
        '-export const TagSchema = defineEntity({ class: Tag, properties: { id: p.integer().primary(), slug: p.string().unique() } });',
        '+export const TagSchema = defineEntity({ class: Tag, properties: { id: p.integer().primary(), slug: p.string().unique() }, repository: () => TagRepository });',
        '+',
        '+/** Repository of Tag, with lookups by its natural key (added by synchro-codegen). */',
        "+export class TagRepository extends naturalKeyRepository<Tag>(['slug']) {}",
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe('1 file would change (dry run: nothing written).\n');
    expect(fixture.sources()).toEqual(before);
  });

  it('writes, reports skipped entities with the --key to pass, and a second run and --check find nothing', async () => {
    const first = await runCodegen([], fixture.dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Updated 5 files.\n$/);
    expect(first.stderr).toBe(
      'skipped src/entities/Note.ts:3 - Note has no unique property or unique constraint to use as natural key; ' +
        'pass --key Note=prop1,prop2 to choose one (without one, rows are matched by primary key).\n' +
        'skipped src/entities/Person.ts:3 - Person has 2 unique constraints that could be its natural key: ' +
        '(email), (firstName, lastName, city); choose one with --key Person=email or --key Person=firstName,lastName,city.\n',
    );
    const written = fixture.sources();
    expect(written).not.toEqual(before);

    const second = await runCodegen([], fixture.dir);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('Natural keys are up to date (4 entities have one).\n');
    const check = await runCodegen(['--check'], fixture.dir);
    expect(check.code).toBe(0);
    expect(fixture.sources()).toEqual(written);
  });

  it('reports a syntax error with file, line and column, and writes no file at all', async () => {
    writeFileSync(
      join(fixture.dir, 'src/entities/Broken.ts'),
      "import { defineEntity, p } from '@mikro-orm/core';\n\nexport const Broken = defineEntity({\n  name: 'Broken',\n  properties: { id: p.integer().primary( },\n});\n",
    );
    const result = await runCodegen([], fixture.dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'synchro-codegen: 1 problem in the project, nothing was changed:\n' +
        '  src/entities/Broken.ts:5:42 - Argument expression expected.\n',
    );
    const { 'src/entities/Broken.ts': _, ...rest } = fixture.sources();
    expect(rest).toEqual(before);
  });

  // `npm test` builds first (pretest); a bare `vitest run` may not have a dist to run.
  it.runIf(existsSync(join(ROOT, 'packages/codegen/dist/cli.js')))('runs from the built bin', async () => {
    const result = await run([join(ROOT, 'packages/codegen/bin/synchro-codegen.js'), '--check'], fixture.dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/5 files would change/);
  });
});
