// When SYNCHRO_PG_URL is set, production is a real PostgreSQL database, created for the demo and dropped after.
import { MikroORM } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';

/** `postgres://user@host:port` of SYNCHRO_PG_URL (its database part removed). */
export function serverUrl(url) {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.username ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ''}@` : ''}${parsed.host}`;
}

async function admin(url, sql) {
  const orm = await MikroORM.init({
    driver: PostgreSqlDriver,
    clientUrl: serverUrl(url),
    dbName: 'postgres',
    entities: [],
    discovery: { warnWhenNoEntities: false },
  });
  try {
    await orm.em.getConnection().execute(sql);
  } finally {
    await orm.close(true);
  }
}

/** Creates an empty, uniquely named database and returns its name. */
export async function createDemoDatabase(url) {
  const name = `synchro_demo_${process.pid}_${Date.now().toString(36)}`;
  await admin(url, `create database "${name}"`);
  return name;
}

/** Drops the demo database. */
export function dropDemoDatabase(url, name) {
  return admin(url, `drop database if exists "${name}" with (force)`);
}
