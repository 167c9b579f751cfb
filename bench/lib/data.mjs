import { Author, Book, Tag } from './model.mjs';

/**
 * The data every scenario uses, generated deterministically from a number of books:
 * - one tag per 10 books (5 to 50), one author per 20 books;
 * - book i: author (i mod authors) + 1, a price, a date, a small JSON object; tags: none when i mod 3 = 0,
 *   one when 1, two when 2 (so one pivot row per book on average);
 * - the logged history of a LOCAL database: every tag, author and book created (a `create` stands for the new
 *   book's tags: no `link` change), then every fifth book updated.
 */
export const UPDATE_EVERY = 5;

export const tagsFor = (books) => Math.min(50, Math.max(5, Math.ceil(books / 10)));

export function shape(books) {
  return { tags: tagsFor(books), authors: Math.max(1, Math.ceil(books / 20)), books };
}

/** Change-log entries the history of `books` books produces. */
export function changesFor(books) {
  const s = shape(books);
  return s.tags + s.authors + books + Math.floor(books / UPDATE_EVERY);
}

/** Books needed for about `changes` log entries. */
export function booksForChanges(changes) {
  // changes ≈ tags + books × (1 + 1/20 + 1/5), with tags = books/10 up to 50
  const small = changes / (1 + 1 / 10 + 1 / 20 + 1 / UPDATE_EVERY);
  if (small <= 500) return Math.max(1, Math.round(small));
  return Math.max(1, Math.round((changes - 50) / (1 + 1 / 20 + 1 / UPDATE_EVERY)));
}

/** Books whose final rows (tags + authors + books + pivots ≈ 50 + books/20 + 2 × books) come to `total`. */
export function booksForRows(total) {
  return Math.max(1, Math.round((total - 50) / 2.05));
}

/** Final rows the history of `books` books leaves in the database (tags + authors + books + pivot rows). */
export function rowsFor(books) {
  const s = shape(books);
  let pivots = 0;
  for (let i = 1; i <= books; i++) pivots += bookTagIds(i, s.tags).length;
  return { ...s, pivots, total: s.tags + s.authors + s.books + pivots };
}

export const tagRow = (i) => [i, `tag-${i}`];
export const authorRow = (i) => [i, `author${i}@example.com`, `Author ${i}`];

export function bookRow(i, authors, version = 0) {
  return [
    i,
    `Book ${i}`,
    ((i - 1) % authors) + 1,
    ((i * 37) % 10_000) / 100 + version,
    `20${10 + (i % 15)}-0${1 + (i % 9)}-1${i % 10}`,
    JSON.stringify({ pages: 100 + (i % 900), lang: i % 2 ? 'en' : 'fr', v: version }),
  ];
}

export function bookTagIds(i, tags) {
  const a = ((i - 1) % tags) + 1;
  const b = ((i + 6) % tags) + 1;
  return i % 3 === 0 ? [] : i % 3 === 1 ? [a] : [a, b];
}

const COLUMNS = {
  tag: ['id', 'name'],
  author: ['id', 'email', 'name'],
  book: ['id', 'title', 'author_id', 'price', 'published_on', 'meta'],
  book_tags: ['book_id', 'tag_id'],
};

/** Rows of one table, in chunks, for books `from..to` (authors and tags: all of them with the first chunk). */
export function* tableRows(table, books, chunk = 1000) {
  const s = shape(books);
  let buf = [];
  const flush = function* () {
    if (buf.length) yield buf;
    buf = [];
  };
  const count = table === 'tag' ? s.tags : table === 'author' ? s.authors : books;
  for (let i = 1; i <= count; i++) {
    if (table === 'tag') buf.push(tagRow(i));
    else if (table === 'author') buf.push(authorRow(i));
    else if (table === 'book') buf.push(bookRow(i, s.authors));
    else for (const t of bookTagIds(i, s.tags)) buf.push([i, t]);
    if (buf.length >= chunk) yield* flush();
  }
  yield* flush();
}

function quote(dialect, name) {
  return dialect === 'sqlite' ? `\`${name}\`` : `"${name}"`;
}

/** A multi-row INSERT of `rows` rows into `table` (optionally with an ON CONFLICT clause). */
export function insertSql(
  dialect,
  table,
  rows,
  conflict = '',
  placeholders = dialect === 'sqlite' ? '?' : '$',
) {
  const cols = COLUMNS[table];
  let n = 0;
  const values = [];
  for (let r = 0; r < rows; r++) {
    const ph = cols.map(() => (placeholders === '?' ? '?' : `$${++n}`));
    if (dialect !== 'sqlite' && table === 'book') ph[5] = `${ph[5]}::jsonb`;
    values.push(`(${ph.join(', ')})`);
  }
  return `insert into ${quote(dialect, table)} (${cols.map((c) => quote(dialect, c)).join(', ')}) values ${values.join(', ')}${conflict}`;
}

/** `on conflict … do update` for the floor: the primary key, every other column updated (pivot: nothing to update). */
export function upsertClause(dialect, table) {
  const cols = COLUMNS[table];
  if (table === 'book_tags') return ' on conflict do nothing';
  const set = cols
    .filter((c) => c !== 'id')
    .map((c) => `${quote(dialect, c)} = excluded.${quote(dialect, c)}`)
    .join(', ');
  return ` on conflict (${quote(dialect, 'id')}) do update set ${set}`;
}

export const TABLES = ['tag', 'author', 'book', 'book_tags'];
export { COLUMNS };

/**
 * Writes the rows of `books` books into a database through its native driver (`db` from nativeQuery), with
 * multi-row INSERTs of `chunk` rows in one transaction, then moves PostgreSQL sequences past the ids.
 * Nothing is logged (raw SQL bypasses the unit of work).
 */
export async function insertRawRows(db, books, { chunk = 1000 } = {}) {
  await db.run('begin');
  for (const table of TABLES) {
    for (const rows of tableRows(table, books, chunk)) {
      await db.run(insertSql(db.dialect, table, rows.length), rows.flat());
    }
  }
  await db.run('commit');
  if (db.dialect === 'postgres') await resetSequences(db);
}

export async function resetSequences(db) {
  for (const t of ['tag', 'author', 'book']) {
    await db.all(
      `select setval(pg_get_serial_sequence('"${t}"', 'id'), coalesce((select max(id) from "${t}"), 1))`,
    );
  }
}

/**
 * The change log of the history of `books` books, as `synchro_change` rows written raw into a LOCAL SQLite
 * database (the same entries the subscriber writes for that history, without running the unit of work).
 */
export async function insertRawLog(db, books, { flushSize = 5000 } = {}) {
  const s = shape(books);
  const at = Date.now();
  const sql = (n) =>
    `insert into \`synchro_change\` (\`entity\`, \`action\`, \`pk\`, \`property\`, \`created_at\`) values ${Array(n).fill('(?, ?, ?, ?, ?)').join(', ')}`;
  let buf = [];
  const put = async (entity, action, pk, property = null) => {
    buf.push([entity, action, JSON.stringify(pk), property, at]);
    if (buf.length >= 1000) await drain();
  };
  const drain = async () => {
    if (buf.length) await db.run(sql(buf.length), buf.flat());
    buf = [];
  };
  await db.run('begin');
  for (let i = 1; i <= s.tags; i++) await put('Tag', 'create', i);
  for (let i = 1; i <= s.authors; i++) await put('Author', 'create', i);
  for (let start = 1; start <= books; start += flushSize) {
    const end = Math.min(books, start + flushSize - 1);
    for (let i = start; i <= end; i++) await put('Book', 'create', i);
  }
  for (let i = UPDATE_EVERY; i <= books; i += UPDATE_EVERY) await put('Book', 'update', i);
  await drain();
  await db.run('commit');
}

/** Creates (persists, unflushed) every tag and author of shape `s` in `em`. */
export function createTagsAndAuthors(em, s) {
  for (let i = 1; i <= s.tags; i++) em.create(Tag, { name: tagRow(i)[1] });
  for (let i = 1; i <= s.authors; i++) {
    const [, email, name] = authorRow(i);
    em.create(Author, { email, name });
  }
}

/** Creates (persists, unflushed) book `i` of shape `s` in `em`, with its tags, pointing at existing rows. */
export function createBook(em, i, s) {
  const [, title, authorId, price, publishedOn, meta] = bookRow(i, s.authors);
  return em.create(Book, {
    title,
    author: em.getReference(Author, authorId),
    price,
    publishedOn,
    meta: JSON.parse(meta),
    tags: bookTagIds(i, s.tags).map((t) => em.getReference(Tag, t)),
  });
}

/**
 * The same history through MikroORM with `withSynchro` attached (`orm`), so the subscriber logs it:
 * tags and authors in one flush, books with their tags in flushes of `flushSize`, then the updates.
 */
export async function populateLogged(orm, books, { flushSize = 5000 } = {}) {
  const s = shape(books);
  let em = orm.em.fork();
  createTagsAndAuthors(em, s);
  await em.flush();
  for (let start = 1; start <= books; start += flushSize) {
    em = orm.em.fork();
    const end = Math.min(books, start + flushSize - 1);
    for (let i = start; i <= end; i++) createBook(em, i, s);
    await em.flush();
  }
  const updated = [];
  for (let i = UPDATE_EVERY; i <= books; i += UPDATE_EVERY) updated.push(i);
  for (let k = 0; k < updated.length; k += flushSize) {
    em = orm.em.fork();
    const ids = updated.slice(k, k + flushSize);
    for (const book of await em.find(Book, { id: { $in: ids } })) book.price = Number(book.price) + 1;
    await em.flush();
  }
}

/** Row counts of the model's tables (to check a copy or a sync). */
export async function countRows(db) {
  const out = {};
  for (const t of TABLES) {
    const [row] = await db.all(`select count(*) as n from ${quote(db.dialect, t)}`);
    out[t] = Number(row.n);
  }
  return out;
}
