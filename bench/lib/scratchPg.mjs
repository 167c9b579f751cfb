import pg from 'pg';

/**
 * A scratch database on the PostgreSQL server of `SYNCHRO_PG_URL` (for probes of statement forms): returns a
 * connected `pg` client on it and `drop()`, which closes the client and drops the database.
 */
export async function scratchPg(prefix) {
  const url = process.env.SYNCHRO_PG_URL;
  if (!url) {
    throw new Error(
      'Set SYNCHRO_PG_URL to a PostgreSQL server (postgres://postgres@127.0.0.1:5432/postgres).',
    );
  }
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const db = `${prefix}_${process.pid}`;
  await admin.query(`drop database if exists ${db}`);
  await admin.query(`create database ${db}`);
  const target = new URL(url);
  target.pathname = `/${db}`;
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  return {
    client,
    async drop() {
      await client.end();
      await admin.query(`drop database ${db}`);
      await admin.end();
    },
  };
}

/** A value as an SQL literal written by hand (numbers as they are, text single-quoted). */
export const sqlLiteral = (v) => (typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);

/** Values as one dollar-quoted PostgreSQL text array literal (`$q${1,"a"}$q$`). */
export const textArrayLiteral = (values) => {
  const items = values.map((v) =>
    typeof v === 'number' ? v : `"${String(v).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`,
  );
  return `$q\${${items.join(',')}}$q$`;
};

/** The median of `values`, one decimal. */
export const median = (values) => {
  const sorted = values.slice().sort((x, y) => x - y);
  return sorted[sorted.length >> 1].toFixed(1);
};
