/**
 * The examples quoted by docs/capture.md, region by region; test/docs/capture.test.ts runs them on every
 * database and checks that the document quotes them verbatim.
 */
import {
  defineEntity,
  type EntityManager,
  type EventArgs,
  type EventSubscriber,
  type InferEntity,
  p,
  raw,
} from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import {
  disableSynchroLog,
  logChanges,
  SynchroChange,
  withoutSynchroLog,
  withSynchro,
} from '@mikro-synchro/core';

// #region model
export const Customer = defineEntity({
  name: 'Customer',
  properties: {
    id: p.integer().primary(),
    email: p.string().unique(),
    name: p.string(),
    balance: p.decimal('number').precision(10).scale(2).default(0),
  },
});

export const Label = defineEntity({
  name: 'Label',
  properties: {
    id: p.integer().primary(),
    name: p.string().unique(),
    invoices: () => p.manyToMany(Invoice).mappedBy('labels'),
  },
});

export const Invoice = defineEntity({
  name: 'Invoice',
  properties: {
    id: p.integer().primary(),
    number: p.string().unique(),
    customer: () => p.manyToOne(Customer),
    total: p.decimal('number').precision(10).scale(2),
    labels: () => p.manyToMany(Label).inversedBy('invoices'),
    lines: () => p.oneToMany(InvoiceLine).mappedBy('invoice'),
  },
});

/** Deleted by the database together with its invoice (ON DELETE CASCADE). */
export const InvoiceLine = defineEntity({
  name: 'InvoiceLine',
  uniques: [{ properties: ['invoice', 'position'] }],
  properties: {
    id: p.integer().primary(),
    invoice: () => p.manyToOne(Invoice).deleteRule('cascade'),
    position: p.integer(),
    text: p.string(),
  },
});
// #endregion model

export const BILLING = [Customer, Label, Invoice, InvoiceLine];

// #region config
export const config = withSynchro(
  { driver: SqliteDriver, dbName: 'office.sqlite', entities: [Customer, Label, Invoice, InvoiceLine] },
  { remote: 'server' },
);
// #endregion config

// #region watched
export const billingOnly = withSynchro(
  { driver: SqliteDriver, dbName: 'office.sqlite', entities: [Customer, Label, Invoice, InvoiceLine] },
  { remote: 'server', entities: [Customer, 'Invoice'] }, // changes of labels and invoice lines are not logged
);
// #endregion watched

/** The change log as compact lines: `create Customer 1`, `delete Invoice 1 ["INV-1"]`. */
export async function logLines(em: EntityManager): Promise<string[]> {
  const rows = await em.fork().find(SynchroChange, {}, { orderBy: { id: 'asc' } });
  return rows.map((r) =>
    [
      r.action,
      r.entity,
      JSON.stringify(r.pk),
      r.property ?? '',
      r.naturalKey ? JSON.stringify(r.naturalKey) : '',
    ]
      .filter(Boolean)
      .join(' '),
  );
}

/** What a few ordinary flushes log (`em`: an empty database with {@link config}). */
export async function whatIsLogged(em: EntityManager) {
  // #region logged
  const ann = em.create(Customer, { email: 'ann@example.com', name: 'Ann' });
  const invoice = em.create(Invoice, { number: 'INV-1', customer: ann, total: 120 });
  await em.flush(); // create Customer 1, create Invoice 1

  ann.name = 'Ann Lee';
  invoice.labels.add(em.create(Label, { name: 'urgent' }));
  await em.flush(); // create Label 1, update Customer 1, link Invoice 1 labels

  invoice.labels.removeAll();
  await em.flush(); // link Invoice 1 labels: only the collection changed

  em.remove(invoice);
  await em.flush(); // delete Invoice 1, with its natural key ["INV-1"]

  await em.transactional((tx) =>
    tx.upsertMany(Customer, [
      { email: 'ann@example.com', name: 'Ann K. Lee' },
      { email: 'bob@example.com', name: 'Bob' },
    ]),
  ); // update Customer 1, and an update of Bob's new row: an upsert is logged as an update

  const log = await em.find(SynchroChange, {}, { orderBy: { id: 'asc' } });
  // #endregion logged
  return log;
}

/** A flush inside a transaction that fails, and an upsert made atomic with its log row. */
export async function transactions(em: EntityManager) {
  // #region transactions
  await em
    .transactional(async (tx) => {
      tx.create(Customer, { email: 'carol@example.com', name: 'Carol' });
      await tx.flush(); // the row and its log row are written...
      throw new Error('payment refused');
    })
    .catch(() => {}); // ...and rolled back together: no customer, no log row

  await em.transactional(async (tx) => {
    // em.upsert() is one statement and its log row a second one: in a transaction they commit together.
    const dan = await tx.upsert(Customer, { email: 'dan@example.com', name: 'Dan' });
    tx.create(Invoice, { number: 'INV-2', customer: dan, total: 80 });
  });
  // #endregion transactions
}

/** Writes that skip the log on purpose: a whole call tree, and a wrapped function. */
export async function quiet(em: EntityManager) {
  // #region quiet
  // A one-off fix that must stay on this database: nothing in this call tree is logged.
  await withoutSynchroLog(async () => {
    const ann = await em.findOneOrFail(Customer, { email: 'ann@example.com' });
    ann.name = 'Ann (local note)';
    await em.flush();
  });

  // The same as a wrapper, or as a method decorator (standard decorators).
  const recountLabels = disableSynchroLog(async (em: EntityManager) => {
    em.create(Label, { name: 'recounted' });
    await em.flush();
  });
  await recountLabels(em);
  // #endregion quiet
}

// #region decorator
export class Maintenance {
  constructor(private readonly em: EntityManager) {}

  /** Recomputes every balance on this database only. */
  @disableSynchroLog
  async recomputeBalances(): Promise<void> {
    for (const customer of await this.em.find(Customer, {})) {
      const invoices = await this.em.find(Invoice, { customer });
      customer.balance = invoices.reduce((sum, i) => sum + i.total, 0);
    }
    await this.em.flush();
  }
}
// #endregion decorator

// #region pitfall
/** Keeps Customer.balance equal to the sum of the customer's invoices, on every database. */
export class BalanceSubscriber implements EventSubscriber<InferEntity<typeof Invoice>> {
  getSubscribedEntities() {
    return [Invoice];
  }

  async afterCreate({ em, entity }: EventArgs<InferEntity<typeof Invoice>>): Promise<void> {
    // A statement of its own, inside the flush's transaction but not a change of its unit of work: never
    // logged. When the sync creates the invoice on REMOTE, REMOTE runs this subscriber and updates its own row.
    await em.nativeUpdate(
      Customer,
      { id: entity.customer.id },
      { balance: raw('balance + ?', [entity.total]) },
    );
  }
}
// #endregion pitfall

/** Every kind of write that bypasses the unit of work (`em`: a database holding INV-1 and its customer). */
export async function bypasses(em: SqlEntityManager) {
  // #region bypass
  await em.insert(Label, { name: 'new' });
  await em.insertMany(Label, [{ name: 'paid' }, { name: 'late' }]);
  await em.nativeUpdate(Invoice, { number: 'INV-1' }, { total: 0 });
  await em.createQueryBuilder(Label).insert({ name: 'draft' }).execute();
  await em.createQueryBuilder(Label).update({ name: 'overdue' }).where({ name: 'late' }).execute();
  await em.createQueryBuilder(Label).delete().where({ name: 'draft' }).execute();
  await em.execute("update customer set name = 'Ann' where email = 'ann@example.com'");
  await em.getConnection().execute("update customer set balance = 0 where email = 'ann@example.com'");
  await em.nativeDelete(Label, { name: 'paid' });
  // none of these statements wrote a log row
  // #endregion bypass
}

/** The same writes, each logged with logChanges() in its transaction. */
export async function logged(em: SqlEntityManager) {
  // #region logChanges
  await em.transactional(async (tx) => {
    await tx.insertMany(Label, [{ name: 'paid' }, { name: 'late' }]);
    await logChanges(tx, Label, { name: { $in: ['paid', 'late'] } }, 'create'); // after the insert
  });

  await em.transactional(async (tx) => {
    await tx.nativeUpdate(Invoice, { number: 'INV-1' }, { total: 0 });
    await logChanges(tx, Invoice, { number: 'INV-1' }); // after the update: 'update' is the default
  });

  await em.transactional(async (tx) => {
    await logChanges(tx, Label, { name: 'paid' }, 'delete'); // BEFORE the delete, while the row exists
    await tx.nativeDelete(Label, { name: 'paid' });
  });
  // #endregion logChanges
}

/** Deleting an invoice: its lines go through ON DELETE CASCADE, logged or not. */
export async function cascade(em: EntityManager) {
  // #region cascade
  await em.transactional(async (tx) => {
    const invoice = await tx.findOneOrFail(Invoice, { number: 'INV-1' });
    // The database deletes the lines with the invoice: log them first, or nothing records their deletion.
    await logChanges(tx, InvoiceLine, { invoice }, 'delete');
    tx.remove(invoice);
  });
  // #endregion cascade
}
