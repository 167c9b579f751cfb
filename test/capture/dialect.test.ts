import { MariaDbPlatform, MySqlPlatform } from '@mikro-orm/mariadb';
import { PglitePlatform } from '@mikro-orm/pglite';
import { PostgreSqlPlatform } from '@mikro-orm/postgresql';
import { BaseMySqlPlatform, BasePostgreSqlPlatform, SqlitePlatform } from '@mikro-orm/sql';
import { describe, expect, it } from 'vitest';
import { platformDialect } from '../../packages/core/src/log/dialect.js';
import { parameterLimit } from '../../packages/core/src/util/parameterLimit.js';

// Platforms an application or another driver derives from MikroORM's, under names of their own.
class AppPlatform extends PostgreSqlPlatform {}
class TursoPlatform extends SqlitePlatform {}
class TidbPlatform extends BaseMySqlPlatform {}
class CockroachPlatform extends BasePostgreSqlPlatform {}

describe('platformDialect', () => {
  it.each([
    ['SqlitePlatform', new SqlitePlatform(), 'sqlite'],
    ['PostgreSqlPlatform', new PostgreSqlPlatform(), 'postgres'],
    ['PglitePlatform', new PglitePlatform(), 'postgres'],
    ['MySqlPlatform', new MySqlPlatform(), 'mysql'],
    ['MariaDbPlatform', new MariaDbPlatform(), 'mysql'],
  ] as const)('%s', (_name, platform, dialect) => {
    expect(platformDialect(platform)).toBe(dialect);
  });

  it('recognises a subclass by the platform it extends', () => {
    expect(platformDialect(new AppPlatform())).toBe('postgres');
    expect(platformDialect(new TursoPlatform())).toBe('sqlite');
    expect(platformDialect(new TidbPlatform())).toBe('mysql');
    expect(platformDialect(new CockroachPlatform())).toBe('postgres');
  });
});

describe('parameterLimit', () => {
  it('follows the platform family, subclasses included', () => {
    expect(parameterLimit(new TursoPlatform())).toBe(parameterLimit(new SqlitePlatform()));
    expect(parameterLimit(new TursoPlatform())).toBeLessThan(parameterLimit(new AppPlatform()));
  });
});
