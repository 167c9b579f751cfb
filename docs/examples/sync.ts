/**
 * The examples quoted by docs/sync.md, region by region. Each function takes the office ORM (LOCAL) and the
 * server ORM (REMOTE), opened on empty databases from docs/examples/sync-config.ts; test/docs/sync.test.ts runs
 * them on every database pair and checks that the document quotes them verbatim.
 */
import type { EntityManager, EventArgs, EventSubscriber, InferEntity, MikroORM } from '@mikro-orm/core';
import {
  resetSynchro,
  type SyncReport,
  synchronize,
  synchroStatus,
  type WithSynchroOptions,
} from '@mikro-synchro/core';
import { Author, Book, Loan, Member, Note, Review, Tag } from './sync-model.js';

/** Production's catalogue before the outage. */
export async function seedServer(em: EntityManager): Promise<void> {
  const [scifi, classic] = ['sci-fi', 'classic'].map((name) => em.create(Tag, { name }));
  const ursula = em.create(Author, { email: 'ursula@example.com', name: 'Ursula Le Guin' });
  const frank = em.create(Author, { email: 'frank@example.com', name: 'Frank Herbert' });
  const jane = em.create(Author, { email: 'jane@example.com', name: 'Jane Austen' });
  em.create(Book, { author: ursula, title: 'The Left Hand of Darkness', price: 9.5, tags: [scifi] });
  em.create(Book, { author: frank, title: 'Dune', price: 10.99, tags: [scifi, classic] });
  em.create(Book, { author: jane, title: 'Emma', price: 6.5, tags: [classic] });
  em.create(Note, { text: 'Order more Dune' });
  await em.flush();
}

/** The nightly copy: every row of production into the office database, primary keys included. */
export async function importCopy(server: EntityManager, office: EntityManager): Promise<void> {
  for (const tag of await server.find(Tag, {}, { orderBy: { id: 'asc' } })) {
    office.create(Tag, { id: tag.id, name: tag.name });
  }
  for (const author of await server.find(Author, {}, { orderBy: { id: 'asc' } })) {
    office.create(Author, { id: author.id, email: author.email, name: author.name });
  }
  for (const book of await server.find(Book, {}, { populate: ['tags'], orderBy: { id: 'asc' } })) {
    const { id, title, price } = book;
    office.create(Book, {
      id,
      title,
      price,
      author: book.author.id,
      tags: book.tags.getItems().map((tag) => tag.id),
    });
  }
  for (const note of await server.find(Note, {}, { orderBy: { id: 'asc' } })) {
    office.create(Note, { id: note.id, text: note.text });
  }
  await office.flush();
}

/** The story, part 1: production has its catalogue, and last night the office imported a copy of it. */
export async function lastNight(office: MikroORM, server: MikroORM): Promise<void> {
  await seedServer(server.em.fork());
  await importCopy(server.em.fork(), office.em.fork());
  // #region reset
  // The import went through the office's ORM, so the office logged it: start the log after the copy.
  await resetSynchro(office);
  // #endregion reset
}

/** The story, part 2: production is down, the office keeps working on its copy. */
export async function outage(office: MikroORM): Promise<void> {
  const em = office.em.fork();
  // #region outage
  const dune = await em.findOneOrFail(Book, { title: 'Dune' });
  dune.price = 12.49;
  const octavia = em.create(Author, { email: 'octavia@example.com', name: 'Octavia E. Butler' });
  const kindred = em.create(Book, { author: octavia, title: 'Kindred', price: 12 });
  kindred.tags.add(await em.findOneOrFail(Tag, { name: 'classic' }));
  em.remove(await em.findOneOrFail(Book, { title: 'Emma' }));
  await em.flush();
  // #endregion outage
}

/** The story, part 3: production is back. */
export async function backOnline(office: MikroORM, server: MikroORM): Promise<SyncReport> {
  // #region back
  const report = await synchronize(office, server);
  if (report.status === 'failed') console.error(report.errors);
  // #endregion back
  return report;
}

/** Three flushes of one row, one row written on REMOTE. */
export async function currentValues(office: MikroORM, server: MikroORM) {
  // #region currentValues
  const em = office.em.fork();
  const ann = em.create(Author, { email: 'ann@example.com', name: 'Ann' });
  await em.flush();
  ann.name = 'Ann Lee';
  await em.flush();
  ann.name = 'Ann K. Lee';
  await em.flush(); // three log rows: create, update, update

  const report = await synchronize(office, server); // one INSERT of the row as it is now
  // report.created === 1, report.updated === 0; the server's Ann is named 'Ann K. Lee'
  // #endregion currentValues
  return { report, name: (await server.em.fork().findOneOrFail(Author, { email: 'ann@example.com' })).name };
}

/** Chains of changes between two runs collapse to what the row is now. */
export async function chains(office: MikroORM, server: MikroORM) {
  const em = office.em.fork();
  em.create(Author, { email: 'kept@example.com', name: 'Kept' });
  const gone = em.create(Author, { email: 'gone@example.com', name: 'Gone' });
  await em.flush();
  await synchronize(office, server);
  // #region chains
  const draft = em.create(Author, { email: 'draft@example.com', name: 'Draft' });
  await em.flush();
  em.remove(draft);
  await em.flush(); // created and deleted since the last run: nothing to send

  gone.name = 'Going';
  await em.flush();
  em.remove(gone);
  await em.flush(); // updated, then deleted: one DELETE

  const report = await synchronize(office, server);
  // report.deleted === 1, and report.skipped === 1 for the draft: no statement on the server mentions it
  // #endregion chains
  return report;
}

/** How LOCAL rows are found on REMOTE. */
export async function identity(office: MikroORM, server: MikroORM) {
  // #region identity
  const production = server.em.fork();
  production.create(Author, { email: 'frank@example.com', name: 'Frank Herbert' }); // id 1 on the server
  production.create(Author, { email: 'jane@example.com', name: 'Jane' }); // id 2 on the server
  await production.flush();

  const em = office.em.fork();
  em.create(Author, { email: 'jane@example.com', name: 'Jane Austen' }); // id 1 at the office
  await em.flush();

  const report = await synchronize(office, server);
  // report.updated === 1: the server's Jane (id 2) is found by her natural key (email) and updated;
  // Frank, who has id 1 there, is not touched
  // #endregion identity
  const authors = await server.em.fork().find(Author, {}, { orderBy: { id: 'asc' } });
  return { report, authors: authors.map((a) => `${a.id} ${a.email} ${a.name}`) };
}

/** Application-assigned keys are matched by primary key. */
export async function assignedKeys(office: MikroORM, server: MikroORM) {
  const em = office.em.fork();
  const book = em.create(Book, {
    author: em.create(Author, { email: 'frank@example.com', name: 'Frank Herbert' }),
    title: 'Dune',
    price: 10.99,
  });
  await em.flush();
  await synchronize(office, server);
  // #region assignedKeys
  const id = crypto.randomUUID();
  const production = server.em.fork();
  production.create(Review, {
    id,
    book: await production.findOneOrFail(Book, { title: 'Dune' }),
    text: 'Long',
  });
  await production.flush();

  em.create(Review, { id, book, text: 'A classic' }); // the same uuid at the office
  await em.flush();
  const report = await synchronize(office, server); // report.updated === 1: the server's review now says 'A classic'
  // #endregion assignedKeys
  return { report, text: (await server.em.fork().findOneOrFail(Review, id)).text };
}

/** A row with a database-generated id and no natural key, copied to both databases outside the sync. */
export async function noKey(office: MikroORM, server: MikroORM) {
  await lastNight(office, server); // the server has note 1, the office a copy of it, with id 1 too
  // #region noKey
  const em = office.em.fork();
  const note = await em.findOneOrFail(Note, { text: 'Order more Dune' });
  note.text = 'Order more Dune (done)';
  await em.flush();

  const report = await synchronize(office, server);
  // report.created === 1: nothing tells the server which of its notes this is, so it gets a second one
  // #endregion noKey
  const notes = await server.em.fork().find(Note, {}, { orderBy: { id: 'asc' } });
  return { report, notes: notes.map((n) => n.text) };
}

/** Foreign keys point at the REMOTE rows; a missing target is created once. */
export async function foreignKeys(office: MikroORM, server: MikroORM) {
  const production = server.em.fork();
  production.create(Author, { email: 'frank@example.com', name: 'Frank Herbert' });
  await production.flush();
  // #region foreignKeys
  const em = office.em.fork();
  const octavia = em.create(Author, { email: 'octavia@example.com', name: 'Octavia E. Butler' }); // id 1
  em.create(Book, { author: octavia, title: 'Kindred', price: 12 });
  em.create(Book, { author: octavia, title: 'Dawn', price: 9 });
  await em.flush();

  const report = await synchronize(office, server);
  // report.created === 3: Octavia once (id 2 on the server), and both books point at id 2
  // #endregion foreignKeys
  const books = await server.em.fork().find(Book, {}, { populate: ['author'], orderBy: { title: 'asc' } });
  return { report, books: books.map((b) => `${b.title} ${b.author.id} ${b.author.email}`) };
}

/** Collections, from either side, through a pivot entity, and self-referencing. */
export async function manyToMany(office: MikroORM, server: MikroORM) {
  const em = office.em.fork();
  // #region manyToMany
  const frank = em.create(Author, { email: 'frank@example.com', name: 'Frank Herbert' });
  const dune = em.create(Book, { author: frank, title: 'Dune', price: 10.99 });
  const messiah = em.create(Book, { author: frank, title: 'Dune Messiah', price: 9.99 });
  const [scifi, classic] = ['sci-fi', 'classic'].map((name) => em.create(Tag, { name }));
  dune.tags.add(scifi, classic); // the owning side
  dune.related.add(messiah); // self-referencing
  const member = em.create(Member, { card: 'M-1' });
  em.create(Loan, { member, book: dune, dueOn: '2026-07-01' }); // a pivot entity row, with its own column
  await em.flush();
  await synchronize(office, server);

  dune.tags.remove(scifi);
  classic.books.add(messiah); // the inverse side: logged as a change of messiah.tags
  await em.flush();
  const report = await synchronize(office, server);
  // report.linked === 2: on the server, Dune's tags are [classic] and Dune Messiah's [classic], as at the office
  // #endregion manyToMany
  const remote = server.em.fork();
  const books = await remote.find(Book, {}, { populate: ['tags', 'related'], orderBy: { title: 'asc' } });
  const loans = await remote.find(Loan, {}, { populate: ['member', 'book'] });
  return {
    report,
    books: books.map(
      (b) =>
        `${b.title}: tags ${b.tags
          .getItems()
          .map((t) => t.name)
          .sort()
          .join(',')}; related ${b.related
          .getItems()
          .map((r) => r.title)
          .join(',')}`,
    ),
    loans: loans.map((l) => `${l.member.card} ${l.book.title} ${l.dueOn}`),
  };
}

/** How deleted rows are found on REMOTE, and which are left alone. */
export async function deletes(office: MikroORM, server: MikroORM) {
  await lastNight(office, server); // both databases hold the same catalogue, imported, never synced
  // #region deletes
  const em = office.em.fork();
  const kindred = em.create(Book, {
    author: await em.findOneOrFail(Author, { email: 'frank@example.com' }),
    title: 'Kindred',
    price: 12,
  });
  await em.flush();
  await synchronize(office, server); // the server now has Kindred, and a reference to it

  em.remove(kindred); // found through the reference the last run recorded
  em.remove(await em.findOneOrFail(Book, { title: 'Emma' })); // found by the natural key stored in the log
  em.remove(await em.findOneOrFail(Note, { text: 'Order more Dune' })); // no reference, no natural key
  await em.flush();
  const report = await synchronize(office, server);
  // report.deleted === 2, report.skipped === 1: the server keeps its note
  // #endregion deletes
  const remote = server.em.fork();
  return {
    report,
    books: (await remote.find(Book, {}, { orderBy: { title: 'asc' } })).map((b) => b.title),
    notes: await remote.count(Note),
  };
}

// #region skip
/** The office's withSynchro() options, with Book.stock kept out of the sync: each shop counts its own shelf. */
export const officeOptions: WithSynchroOptions = { remote: 'server', skip: { Book: ['stock'] } };
// #endregion skip

/** `skip`: created with the default, kept on update. */
export async function skipped(office: MikroORM, server: MikroORM) {
  const em = office.em.fork();
  // #region skipUsage
  const dune = em.create(Book, {
    author: em.create(Author, { email: 'frank@example.com', name: 'Frank Herbert' }),
    title: 'Dune',
    price: 10.99,
    stock: 3,
  });
  await em.flush();
  await synchronize(office, server); // the server's Dune is created with stock 0, the column's default

  await server.em.fork().nativeUpdate(Book, { title: 'Dune' }, { stock: 7 }); // the server's own count
  dune.stock = 2;
  dune.price = 11.99;
  await em.flush();
  await synchronize(office, server); // the server's Dune: price 11.99, stock still 7
  // #endregion skipUsage
  const remote = await server.em.fork().findOneOrFail(Book, { title: 'Dune' });
  return { price: remote.price, stock: remote.stock };
}

/** JS values cross databases as they are. */
export async function values(office: MikroORM, server: MikroORM) {
  const em = office.em.fork();
  // #region values
  em.create(Book, {
    author: em.create(Author, { email: 'frank@example.com', name: 'Frank Herbert' }),
    title: 'Dune',
    price: 10.99, // p.decimal('number'): a JS number on both sides
    releasedAt: new Date('1965-08-01T09:30:15.123Z'), // p.datetime(3): milliseconds kept
  });
  await em.flush();
  await synchronize(office, server);
  // #endregion values
  const remote = await server.em.fork().findOneOrFail(Book, { title: 'Dune' });
  return { price: remote.price, releasedAt: remote.releasedAt };
}

// #region hooks
/** A subscriber of the server's own config: it sees the rows a sync writes, as for any other flush. */
export class Newsletter implements EventSubscriber<InferEntity<typeof Book>> {
  readonly announced: string[] = [];

  getSubscribedEntities() {
    return [Book];
  }

  afterCreate({ entity }: EventArgs<InferEntity<typeof Book>>): void {
    this.announced.push(entity.title);
  }
}
// #endregion hooks

/** Choosing how each entity is written on REMOTE. */
export async function writePaths(office: MikroORM, server: MikroORM) {
  const em = office.em.fork();
  const frank = em.create(Author, { email: 'frank@example.com', name: 'Frank Herbert' });
  em.create(Book, { author: frank, title: 'Dune', price: 10.99 });
  await em.flush();
  // #region writePaths
  const report = await synchronize(office, server, { writePath: { Book: 'unit-of-work' } });
  // report.paths: { Author: 'bulk', Book: 'unit-of-work' }
  // #endregion writePaths
  return report;
}

/** What a sync would do, without doing it. */
export async function dryRun(office: MikroORM, server: MikroORM) {
  const em = office.em.fork();
  em.create(Author, { email: 'ann@example.com', name: 'Ann' });
  await em.flush();
  // #region dryRun
  const preview = await synchronize(office, server, { dryRun: true });
  // preview.created === 1; nothing was written on either side, and the change is still pending
  // #endregion dryRun
  return { preview, authors: await server.em.fork().count(Author) };
}

/** Pending changes, checkpoint and last run. */
export async function status(office: MikroORM, server: MikroORM) {
  const em = office.em.fork();
  em.create(Author, { email: 'ann@example.com', name: 'Ann' });
  em.create(Author, { email: 'bob@example.com', name: 'Bob' });
  await em.flush();
  // #region status
  const before = await synchroStatus(office, server);
  // { remote: 'server', pending: { Author: 2 }, checkpoint: { lastId: 0, holes: [] },
  //   conflicts: 0, pendingConflicts: [] }
  await synchronize(office, server);
  const after = await synchroStatus(office, server);
  // { remote: 'server', pending: {}, checkpoint: { lastId: 2, holes: [] },
  //   lastRun: { at: Date, status: 'synced', created: 2, updated: 0, deleted: 0 },
  //   conflicts: 0, pendingConflicts: [] }
  // #endregion status
  return { before, after };
}

/** Progress after every batch. */
export async function progress(office: MikroORM, server: MikroORM) {
  const em = office.em.fork();
  for (let i = 0; i < 25; i++) em.create(Author, { email: `a${i}@example.com`, name: `A${i}` });
  await em.flush();
  const seen: string[] = [];
  // #region progress
  await synchronize(office, server, {
    batchSize: 10,
    onProgress: ({ done, total, entity }) => seen.push(`${done}/${total} ${entity}`),
  });
  // seen: ['10/25 Author', '20/25 Author', '25/25 Author']
  // #endregion progress
  return seen;
}

/** A batch that REMOTE rejects is not applied at all. */
export async function failure(office: MikroORM, server: MikroORM) {
  const em = office.em.fork();
  const ann = em.create(Author, { email: 'ann@example.com', name: 'Ann' });
  await em.flush();
  await synchronize(office, server);
  // #region failure
  const production = server.em.fork();
  production.create(Author, { email: 'ann.lee@example.com', name: 'Another Ann' });
  await production.flush();

  ann.email = 'ann.lee@example.com'; // taken on the server by another row: the unique index refuses it
  em.create(Author, { email: 'bob@example.com', name: 'Bob' });
  await em.flush();
  const report = await synchronize(office, server);
  // report.status === 'failed'; Bob was not written either, and both changes stay pending
  // report.errors on PostgreSQL: [{ entity: 'Author', key: { email: 'ann.lee@example.com' },
  //   message: 'REMOTE rejected the batch: duplicate key value violates unique constraint ...' }]
  // #endregion failure
  const status = await synchroStatus(office, server);
  return { report, bob: await server.em.fork().count(Author, { email: 'bob@example.com' }), status };
}

/** Entities a caller's REMOTE EntityManager manages are updated in place. */
export async function inPlace(office: MikroORM, server: MikroORM) {
  const em = office.em.fork();
  const ann = em.create(Author, { email: 'ann@example.com', name: 'Ann' });
  await em.flush();
  await synchronize(office, server);
  // #region inPlace
  const remote = server.em.fork(); // e.g. the request context of the server's application
  const shown = await remote.findOneOrFail(Author, { email: 'ann@example.com' });

  ann.name = 'Ann Lee';
  await em.flush();
  await synchronize(office, remote);
  // shown.name === 'Ann Lee': the entity `remote` manages was updated, no second copy was loaded
  // #endregion inPlace
  return { shown, again: await remote.findOneOrFail(Author, { email: 'ann@example.com' }) };
}

/** Syncing some entities now, the others later. */
export async function someEntities(office: MikroORM, server: MikroORM) {
  const em = office.em.fork();
  em.create(Tag, { name: 'classic' });
  em.create(Note, { text: 'Call the printer' });
  await em.flush();
  // #region entities
  const first = await synchronize(office, server, { entities: [Tag] }); // first.created === 1
  const { pending } = await synchroStatus(office, server); // { Note: 1 }: left for a later run
  const rest = await synchronize(office, server); // rest.created === 1
  // #endregion entities
  return { first, pending, rest };
}

// #region captureFalse
/** The server's withSynchro() options when it receives syncs but logs nothing itself. */
export const serverOptions: WithSynchroOptions = { remote: null, capture: false };
// #endregion captureFalse
