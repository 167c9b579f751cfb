import type { WithSynchroOptions } from '@mikro-synchro/core';
import { withSynchro } from '@mikro-synchro/core';
import { type DbKind, PAIRS } from './databases.js';
import { MODEL } from './model.js';
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
