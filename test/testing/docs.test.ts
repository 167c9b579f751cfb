import { readFileSync } from 'node:fs';
import { OptimisticLockError } from '@mikro-orm/core';
import { OptimisticLockingAssertionError as Failure } from '@mikro-synchro/core/testing';
import { describe, expect, test } from 'vitest';
import {
  AuthorSchema,
  Book,
  BookSchema,
  checkLocking,
  countQueries,
  Draft,
} from '../../docs/examples/testing.js';
import { createDatabase, KINDS } from '../support/databases.js';
import { regions } from '../support/docRegions.js';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const doc = read('../../docs/testing.md');

/** The plain (language-less) code blocks of the document: the failure messages it shows. */
const messages = [...doc.matchAll(/^```(\w*)\n([\s\S]*?)\n```$/gm)].filter((m) => !m[1]).map((m) => m[2]);

describe('docs/testing.md', () => {
  test('quotes the example module verbatim', () => {
    const blocks = regions(read('../../docs/examples/testing.ts'));
    expect([...blocks.keys()]).toEqual(['entities', 'counter', 'locking']);
    for (const [name, code] of blocks) {
      expect(doc.includes(`\`\`\`ts\n${code}\n\`\`\``), `region ${name} is quoted`).toBe(true);
    }
  });

  test('shows the messages the check throws', () => {
    expect(messages).toEqual([
      Failure.noVersionProperty('Draft').message,
      Failure.noVersionProperty('Book', 'version').message,
      Failure.wrongInitialVersion('Book', 'version', 0, 1).message,
      Failure.staleSaveSucceeded('Book', { name: 'version', lazy: true }, undefined, 2).message,
      Failure.unchanged('Book').message,
    ]);
  });
});

describe.each(KINDS)('docs/examples/testing.ts (%s)', (kind) => {
  test('runs as the document says', async () => {
    const db = await createDatabase(kind);
    const { orm, inserts, reads, sql } = await countQueries(db.config);
    try {
      expect(orm.getMetadata().get(Book).className).toBe('Book');
      expect([inserts, reads]).toEqual([2, 1]);
      expect(sql).toHaveLength(1);
      expect(sql[0]).toMatch(/^select .* from .book/);

      const { report, failure } = await checkLocking(orm);
      expect([report.initialVersion, report.savedVersion]).toEqual([1, 2]);
      expect(report.error).toBeInstanceOf(OptimisticLockError);
      expect(failure).toBeInstanceOf(Failure);
      expect((failure as Error).message).toBe(messages[0]);
      const em = orm.em.fork();
      expect([await em.count(BookSchema), await em.count(AuthorSchema), await em.count(Draft)]).toEqual([
        1, 1, 0,
      ]);
    } finally {
      await orm.close(true);
      await db.drop();
    }
  });
});
