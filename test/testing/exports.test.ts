import { readdirSync, readFileSync } from 'node:fs';
import * as testing from '@mikro-synchro/core/testing';
import { expect, test } from 'vitest';

test('@mikro-synchro/core/testing exports the helpers and nothing internal', () => {
  expect(Object.keys(testing).sort()).toEqual([
    'OptimisticLockingAssertionError',
    'QueryCounter',
    'assertOptimisticLocking',
    'assertStaleSaveFails',
    'assertVersionProperty',
    'versionPropertyOf',
    'versionTypeOf',
  ]);
});

test('the testing helpers import no test framework, so vitest, jest and node:test users can all run them', () => {
  const dir = new URL('../../packages/core/src/testing/', import.meta.url);
  const imports = readdirSync(dir).flatMap((file) =>
    [...readFileSync(new URL(file, dir), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]),
  );
  expect(imports.length).toBeGreaterThan(0);
  expect(
    imports.filter((name) => !/^(\.|@mikro-orm\/core$|node:(assert|timers\/promises)$)/.test(name!)),
  ).toEqual([]);
});
