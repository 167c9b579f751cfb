import { COLUMNS, insertSql, TABLES, upsertClause } from './data.mjs';

/**
 * The floor: every final row of LOCAL written to REMOTE by multi-row `INSERT … ON CONFLICT (id) DO UPDATE`
 * statements of `chunk` rows (the pivot: `ON CONFLICT DO NOTHING`, it has no other column), in one REMOTE
 * transaction, no identity resolution (ids copied as they are, as an export/import does).
 *
 * LOCAL rows are read with keyset pagination through better-sqlite3. REMOTE statements go through `write`:
 * - 'native': the driver's own parameterised query (pg / PGlite `query(sql, params)`);
 * - 'execute': MikroORM's `connection.execute(sql, params)` (which inlines the parameters into the SQL text).
 * Returns the number of rows written.
 */
export async function floorCopy(localDb, remoteDb, remoteOrm, { chunk = 1000, write = 'native' } = {}) {
  const conn = remoteOrm.em.getConnection();
  let rows = 0;
  const send =
    write === 'native'
      ? (sql, params) => remoteDb.run(sql, params)
      : (sql, params) => conn.execute(sql, params, 'run', ctx);
  let ctx;
  if (write === 'native') {
    await remoteDb.run('begin');
  } else {
    ctx = await conn.begin();
  }
  try {
    for (const table of TABLES) {
      const cols = COLUMNS[table];
      const key = table === 'book_tags' ? ['book_id', 'tag_id'] : ['id'];
      const order = key.map((k) => `\`${k}\``).join(', ');
      const after =
        table === 'book_tags' ? '(`book_id` > ? or (`book_id` = ? and `tag_id` > ?))' : '`id` > ?';
      const select = `select ${cols.map((c) => `\`${c}\``).join(', ')} from \`${table}\` where ${after} order by ${order} limit ${chunk}`;
      let last = table === 'book_tags' ? [0, 0, 0] : [0];
      const upsert = new Map();
      for (;;) {
        const batch = await localDb.all(select, last);
        if (batch.length === 0) break;
        const params = [];
        for (const r of batch) for (const c of cols) params.push(r[c]);
        let sql = upsert.get(batch.length);
        if (!sql) {
          sql = insertSql(
            'postgres',
            table,
            batch.length,
            upsertClause('postgres', table),
            write === 'native' ? '$' : '?',
          );
          upsert.set(batch.length, sql);
        }
        await send(sql, params);
        rows += batch.length;
        const end = batch[batch.length - 1];
        last = table === 'book_tags' ? [end.book_id, end.book_id, end.tag_id] : [end.id];
        if (batch.length < chunk) break;
      }
    }
    if (write === 'native') await remoteDb.run('commit');
    else await conn.commit(ctx);
  } catch (e) {
    if (write === 'native') await remoteDb.run('rollback');
    else await conn.rollback(ctx);
    throw e;
  }
  return rows;
}
