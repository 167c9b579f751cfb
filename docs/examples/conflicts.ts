/**
 * The examples quoted by docs/conflicts.md; test/conflicts/docs.test.ts runs them and checks that the
 * document quotes them verbatim.
 */
import { defineEntity, type MikroORM, type Options, p } from '@mikro-orm/core';
import {
  type ConflictPolicy,
  resolveConflict,
  synchronize,
  synchroStatus,
  withSynchro,
} from '@mikro-synchro/core';

export const Label = defineEntity({
  name: 'Label',
  properties: {
    id: p.integer().primary(),
    name: p.string().unique(),
  },
});

export const Price = defineEntity({
  name: 'Price',
  properties: {
    id: p.integer().primary(),
    sku: p.string().unique(),
    amount: p.decimal('number').precision(10).scale(2),
    note: p.string().nullable(),
    version: p.integer().version(),
    labels: () => p.manyToMany(Label),
  },
});

// #region configure
/** The office logs and syncs to 'server'; the server logs too, so the default policy is newer-wins. */
export const officeConfig = (base: Partial<Options>): Partial<Options> =>
  withSynchro({ ...base, entities: [Price, Label] }, { remote: 'server', conflicts: { Price: 'manual' } });
export const serverConfig = (base: Partial<Options>): Partial<Options> =>
  withSynchro({ ...base, entities: [Price, Label] }, { remote: null });
// #endregion configure

// #region central
/** A central database fed by many sites keeps a large log, read for conflicts at every sync: index it by origin. */
export const centralConfig = (base: Partial<Options>): Partial<Options> =>
  withSynchro({ ...base, entities: [Price, Label] }, { remote: null, originIndex: true });
// #endregion central

// #region merge
/** A policy as a function: keep REMOTE's note, take LOCAL's amount. */
export const mergePrices: ConflictPolicy = (c) => ({ ...c.remote, amount: c.local.amount });
// #endregion merge

/** Runs the document's walk-through and returns what it shows. */
export async function example(office: MikroORM, server: MikroORM) {
  const em = office.em.fork();
  em.create(Price, { sku: 'A-1', amount: 10, note: null });
  await em.flush();
  await synchronize(office, server);
  // both sides edit the same row before the next sync
  const remote = server.em.fork();
  const onServer = await remote.findOneOrFail(Price, { sku: 'A-1' });
  onServer.note = 'checked by HQ';
  await remote.flush();
  const onOffice = await em.findOneOrFail(Price, { sku: 'A-1' });
  onOffice.amount = 12;
  await em.flush();

  // #region manual
  const report = await synchronize(office, server); // report.status === 'conflicts'
  const { pendingConflicts } = await synchroStatus(office, server);
  // a person decides: here, merge both edits
  const [conflict] = pendingConflicts;
  await resolveConflict(office, conflict.id, { amount: conflict.local.amount, note: conflict.remote.note });
  const after = await synchronize(office, server); // applies the resolution
  // #endregion manual

  // #region run-policy
  // A policy can also be given per run, globally or per entity:
  const merged = await synchronize(office, server, { conflicts: { Price: mergePrices } });
  // #endregion run-policy

  const final = await server.em.fork().findOneOrFail(Price, { sku: 'A-1' });
  return { report, conflict, after, merged, final };
}

/** Both sides create the same SKU while apart; returns the first sync's report and REMOTE's row after it. */
export async function createdOnBothSides(office: MikroORM, server: MikroORM) {
  const local = office.em.fork();
  local.create(Price, { sku: 'B-7', amount: 5, note: 'office' });
  await local.flush();
  const remote = server.em.fork();
  remote.create(Price, { sku: 'B-7', amount: 6, note: 'server' });
  await remote.flush();

  // #region created-on-both
  // office and server each created SKU B-7 while apart (Price: 'manual' on the office)
  const report = await synchronize(office, server);
  // report.conflicts: [{ entity: 'Price', key: ['B-7'], local: { amount: 5, note: 'office', … },
  //                      remote: { amount: 6, note: 'server', … }, resolution: 'pending' }]
  // #endregion created-on-both

  const onServer = await server.em.fork().findOneOrFail(Price, { sku: 'B-7' });
  return { report, onServer };
}

/** The server deletes a synced SKU while the office changes it; returns the sync's report and what REMOTE holds. */
export async function deletedOnRemote(office: MikroORM, server: MikroORM) {
  const local = office.em.fork();
  const price = local.create(Price, { sku: 'C-3', amount: 8, note: null });
  await local.flush();
  await synchronize(office, server);
  const remote = server.em.fork();
  remote.remove(await remote.findOneOrFail(Price, { sku: 'C-3' }));
  await remote.flush();
  price.amount = 9;
  await local.flush();

  // #region deleted-on-remote
  // the server deleted SKU C-3; the office changed its amount meanwhile (Price: 'manual' on the office)
  const report = await synchronize(office, server);
  // report.conflicts: [{ entity: 'Price', key: ['C-3'], local: { amount: 9, … }, remote: {},
  //                      resolution: 'pending' }]
  // #endregion deleted-on-remote

  const onServer = await server.em.fork().find(Price, { sku: 'C-3' });
  return { report, onServer };
}

/**
 * Both sides change the labels of a synced SKU while apart; a person keeps both sides' labels. Returns the first
 * sync's report, the conflict, the sync applying the decision and REMOTE's labels after it.
 */
export async function collectionOnBothSides(office: MikroORM, server: MikroORM) {
  const em = office.em.fork();
  const price = em.create(Price, { sku: 'D-1', amount: 4, note: null });
  price.labels.add(em.create(Label, { name: 'sale' }));
  await em.flush();
  await synchronize(office, server);
  const remote = server.em.fork();
  const onServer = await remote.findOneOrFail(Price, { sku: 'D-1' }, { populate: ['labels'] });
  onServer.labels.add(remote.create(Label, { name: 'hq' }));
  await remote.flush();
  price.labels.add(em.create(Label, { name: 'new' }));
  const hq = em.create(Label, { name: 'hq' }); // the office makes the server's label too, to keep it
  await em.flush();

  // #region collections
  // the server added label 'hq' to SKU D-1, the office added 'new' (Price: 'manual' on the office)
  const report = await synchronize(office, server); // report.status === 'conflicts'
  const [conflict] = (await synchroStatus(office, server)).pendingConflicts;
  // conflict.local.labels: the office's label ids; conflict.remote.labels: the server's
  const keep = [...(conflict.local.labels as number[]), hq.id];
  await resolveConflict(office, conflict.id, { labels: keep });
  const after = await synchronize(office, server); // the server's labels: sale, new, hq
  // #endregion collections

  const final = await server.em.fork().findOneOrFail(Price, { sku: 'D-1' }, { populate: ['labels'] });
  return {
    report,
    conflict,
    after,
    labels: final.labels
      .getItems()
      .map((l) => l.name)
      .sort(),
  };
}
