import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliIo, runCli } from '@mikro-synchro/codegen';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, type FixtureCopy } from './support/project.js';

/** Runs the CLI in-process, capturing what it prints. */
async function cli(args: string[], cwd: string) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t), cwd };
  return { code: await runCli(args, io), ...out };
}

describe('synchro-codegen user mistakes', () => {
  let fixture: FixtureCopy;
  let before: Record<string, string>;

  beforeAll(() => {
    fixture = copyFixture('define-entity');
    before = fixture.sources();
  });
  afterAll(() => fixture.remove());

  const entities = 'Author, Book, Note, Person, Publisher, Tag';
  it.each([
    [['--key', 'Nobody=id'], `--key Nobody: no entity named Nobody; the entities found are ${entities}.`],
    [
      ['--key', 'Person=emial'],
      "src/entities/Person.ts:3 - --key Person: Person has no property 'emial'; its properties are id, email, firstName, lastName, city.",
    ],
    [['--key', 'Person'], 'Invalid --key: "Person"; expected Entity=prop1,prop2 (e.g. --key User=email).'],
    [
      ['--key', 'Person=email', '--key', 'Person=city'],
      'Invalid --key: "Person=city"; expected one --key per entity (Person is given twice).',
    ],
    [
      ['--allow-many', 'Nobody'],
      `--allow-many Nobody: no entity named Nobody; the entities found are ${entities}.`,
    ],
    [
      ['--check', '--dry-run'],
      '--check and --dry-run cannot be combined: --check reports, --dry-run shows the diff.',
    ],
    [['--bogus'], "Unknown option '--bogus'. Run synchro-codegen --help for usage."],
    [['--tsconfig', 'missing.json'], '<dir>/missing.json: tsconfig not found.'],
    [['--entities', 'src/entities/Gone.ts'], '<dir>/src/entities/Gone.ts: entity file not found.'],
    [
      ['--entities', 'src/models/*.ts'],
      '--entities src/models/*.ts matched no .ts file; check the glob (it is relative to the cwd).',
    ],
  ])('%j exits 2 with one message, no stack trace, nothing written', async (args, message) => {
    const result = await cli(args, fixture.dir);
    expect(result.stderr).toBe(`synchro-codegen: ${message.replace('<dir>', fixture.dir)}\n`);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(fixture.sources()).toEqual(before);
  });

  it('reports a missing imported file with the line of its import', async () => {
    const path = join(fixture.dir, 'src/entities/Publisher.ts');
    const original = fixture.read('src/entities/Publisher.ts');
    writeFileSync(path, original.replace('PublisherRepository.js', 'Gone.js'));
    try {
      const result = await cli([], fixture.dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'synchro-codegen: 1 problem in the project, nothing was changed:\n' +
          "  src/entities/Publisher.ts:2 - cannot find module '../repositories/Gone.js' (imported for the repository of Publisher)\n",
      );
    } finally {
      writeFileSync(path, original);
    }
    expect(fixture.sources()).toEqual(before);
  });

  it('--help prints the usage and the exit codes', async () => {
    const result = await cli(['--help'], fixture.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: synchro-codegen \[options\]\n/);
    expect(result.stdout).toContain('  1  --check: some files would change\n');
    expect(result.stdout).toContain('  2  usage or project error');
  });
});
