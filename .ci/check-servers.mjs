// Fails (exit 1) when a server named by SYNCHRO_PG_URL / SYNCHRO_MARIADB_URL does not answer `select 1`.
import { MikroORM } from '@mikro-orm/core';
import { MariaDbDriver } from '@mikro-orm/mariadb';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';

const servers = [
  ['SYNCHRO_PG_URL', PostgreSqlDriver, 'postgres'],
  ['SYNCHRO_MARIADB_URL', MariaDbDriver, 'mysql'],
];
let failed = false;
for (const [name, driver, dbName] of servers) {
  const url = process.env[name];
  if (!url) continue;
  try {
    const orm = await MikroORM.init({
      driver,
      clientUrl: url,
      dbName,
      entities: [],
      discovery: { warnWhenNoEntities: false },
    });
    await orm.em.getConnection().execute('select 1');
    await orm.close(true);
    console.log(`${name}: ${new URL(url).host} reachable`);
  } catch (e) {
    failed = true;
    console.error(`${name}: cannot reach ${new URL(url).host}: ${e instanceof Error ? e.message : e}`);
  }
}
process.exit(failed ? 1 : 0);
