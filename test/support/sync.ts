import type { WithSynchroOptions } from '@mikro-synchro/core';
import { synchronize, withSynchro } from '@mikro-synchro/core';
import { type DbKind, PAIRS } from './databases.js';
import { Author, Book, MODEL } from './model.js';
import { openPair, type TestPair } from './orm.js';

/** A LOCAL (logging, remote 'server') / REMOTE (logging, remote null) pair on the shared model. */
export function openSyncPair(
  kinds: { local: DbKind; remote: DbKind },
  local: WithSynchroOptions = {},
  remote: WithSynchroOptions = {},
  entities: unknown[] = MODEL,
): Promise<TestPair> {
  return openPair(
    kinds,
    withSynchro({ entities } as never, { remote: 'server', ...local }),
    withSynchro({ entities } as never, { remote: null, ...remote }),
  );
}

/** Every LOCAL → REMOTE pair with each REMOTE write path. */
export const PATH_PAIRS = PAIRS.flatMap((pair) =>
  (['unit-of-work', 'bulk'] as const).map((path) => ({ ...pair, path })),
);

/**
 * One author (a@x) with one book (B, price 1) created on LOCAL and synced; returns the LOCAL EntityManager, the
 * book (to change it again) and REMOTE's connection.
 */
export async function syncedBook(p: TestPair) {
  const em = p.local.orm.em.fork();
  const author = em.create(Author, { email: 'a@x', name: 'A' });
  const book = em.create(Book, { title: 'B', author, price: 1 });
  await em.flush();
  await synchronize(p.local.orm, p.remote.orm);
  return { em, book, conn: p.remote.orm.em.getConnection() };
}

/** A JSON column as the driver returns it (MariaDB and SQLite: text), parsed. */
export function jsonColumn(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}
