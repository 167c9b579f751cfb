import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AuthorSchema, BookSchema, example, PersonSchema } from '../../docs/examples/natural-keys.js';
import { KINDS } from '../support/databases.js';
import { regions } from '../support/docRegions.js';
import { openOrm, type TestOrm } from '../support/orm.js';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('docs/natural-keys.md', () => {
  test('quotes the example module verbatim', () => {
    const doc = read('../../docs/natural-keys.md');
    const blocks = regions(read('../../docs/examples/natural-keys.ts'));
    expect([...blocks.keys()]).toEqual(['entity', 'repository', 'options', 'usage']);
    for (const [name, code] of blocks) {
      expect(doc.includes(`\`\`\`ts\n${code}\n\`\`\``), `region ${name} is quoted`).toBe(true);
    }
  });
});

describe.each(KINDS)('docs/examples/natural-keys.ts (%s)', (kind) => {
  let t: TestOrm;
  beforeEach(async () => {
    t = await openOrm(kind, { entities: [AuthorSchema, BookSchema, PersonSchema] });
  });
  afterEach(async () => {
    await t.close();
  });

  test('runs as the document says', async () => {
    const r = await example(t.orm.em.fork());
    expect(r.dune.title).toBe('Dune');
    expect(r.same).toBe(r.dune);
    expect(r.missing).toBeNull();
    expect(r.authorKey).toEqual(['ann@example.com']);
    expect(r.keys).toEqual([[['ann@example.com'], 'Dune']]);
    expect(r.found).toBe(r.dune);
    expect(r.person?.id).toBe(1);
    expect(r.definition).toEqual({
      entity: 'Person',
      properties: ['firstName', 'lastName', 'city'],
      allowMany: true,
      source: 'options',
    });
  });
});
