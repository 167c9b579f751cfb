import type { Configuration } from '@mikro-orm/core';

/** @internal Drivers whose database is a file or directory (or memory) on this machine, not a server. */
const EMBEDDED = /sqlite|pglite|libsql|sqljs/i;

/** @internal `postgresql`, `pglite`, `sqlite`, ... from the driver class name. */
export function driverLabel(config: Configuration): string {
  const driver = config.get('driver') as { name?: string } | undefined;
  return (driver?.name ?? 'database').replace(/Driver$/, '').toLowerCase();
}

/**
 * Where a config points, for messages: `postgresql at 127.0.0.1:5432, database 'app'` or
 * `sqlite at ./office.sqlite`. Never includes credentials.
 */
export function describeDatabase(config: Configuration): string {
  const label = driverLabel(config);
  const dbName = config.get('dbName');
  if (EMBEDDED.test(label)) {
    return `${label} at ${dbName ?? '(no dbName)'}`;
  }
  let url: URL | undefined;
  try {
    url = new URL(config.get('clientUrl') ?? '');
  } catch {
    url = undefined;
  }
  const host = config.get('host') ?? (url?.hostname || 'localhost');
  const port = config.get('port') ?? (url?.port ? Number(url.port) : undefined);
  return `${label} at ${host}${port ? `:${port}` : ''}, database '${dbName}'`;
}
