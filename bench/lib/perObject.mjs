import { SynchroChange, SynchroReference } from '@mikro-synchro/core';
import { Author, Book, Tag } from './model.mjs';

/**
 * The per-object replay django-synchro does, written plainly on MikroORM: for each logged change, in log
 * order, one row at a time —
 *  1. load the LOCAL row;
 *  2. look up its reference (LOCAL pk → REMOTE pk) on REMOTE;
 *  3. else look up REMOTE by natural key;
 *  4. ensure each FK target (and, for a `link` or a new book's `create`, each collection item) the same way,
 *     creating it when missing;
 *  5. save (one flush, its own transaction);
 *  6. write the reference.
 * `fresh: true` (the best variant) works in a fresh EntityManager per change on both sides; `fresh: false`
 * keeps one long-lived EntityManager per side for the whole replay (the naive variant).
 * Returns { changes, rows } (rows: entity rows created or updated plus pivot rows set).
 */
export async function perObjectReplay(
  localOrm,
  remoteOrm,
  { source = 'per-object-bench', fresh = true } = {},
) {
  let localEm = localOrm.em.fork();
  let remoteEm = remoteOrm.em.fork();
  const ENTITIES = { Author, Book, Tag };
  let changes = 0;
  let rows = 0;
  let lastId = 0;

  const reference = async (entity, localPk) => {
    const ref = await remoteEm.findOne(SynchroReference, {
      source,
      entity,
      localPk: JSON.stringify(localPk),
    });
    return ref ? remoteEm.findOne(ENTITIES[entity], { id: ref.remotePk }) : null;
  };
  const writeReference = async (entity, localPk, remotePk) => {
    await remoteEm
      .createQueryBuilder(SynchroReference)
      .insert({ source, entity, localPk: JSON.stringify(localPk), remotePk })
      .onConflict(['source', 'entity', 'localPk'])
      .merge(['remotePk'])
      .execute();
  };
  const byNaturalKey = async (entity, local) => {
    switch (entity) {
      case 'Author':
        return remoteEm.findOne(Author, { email: local.email });
      case 'Tag':
        return remoteEm.findOne(Tag, { name: local.name });
      case 'Book': {
        // the natural key of a book holds its author's natural key (get_by_natural_key(author_key, title))
        const author = local.author.isInitialized?.()
          ? local.author
          : await localEm.findOne(Author, local.author.id);
        return remoteEm.findOne(Book, { author: { email: author.email }, title: local.title });
      }
    }
  };
  const resolve = async (entity, local) => (await reference(entity, local.id)) ?? byNaturalKey(entity, local);

  /** The REMOTE copy of a LOCAL FK target / collection item: found, else created (and flushed) from LOCAL. */
  const ensure = async (entity, localRef) => {
    const local = await localEm.findOne(ENTITIES[entity], { id: localRef.id });
    const found = await resolve(entity, local);
    if (found) return found;
    const created = await saveRow(entity, local, null);
    return created;
  };

  const saveRow = async (entity, local, remote) => {
    let values;
    switch (entity) {
      case 'Author':
        values = { email: local.email, name: local.name };
        break;
      case 'Tag':
        values = { name: local.name };
        break;
      case 'Book':
        values = {
          title: local.title,
          price: local.price,
          publishedOn: local.publishedOn,
          meta: local.meta,
          author: await ensure('Author', local.author),
        };
        break;
    }
    let target = remote;
    if (target) remoteEm.assign(target, values);
    else target = remoteEm.create(ENTITIES[entity], values);
    await remoteEm.flush();
    rows += 1;
    await writeReference(entity, local.id, target.id);
    return target;
  };

  /** Sets the REMOTE collection to the LOCAL items, each ensured like an FK target (one flush). */
  const linkItems = async (local, owner, property, skipEmpty = false) => {
    await localEm.populate(local, [property]);
    const items = [];
    for (const item of local[property].getItems()) items.push(await ensure('Tag', item));
    if (skipEmpty && items.length === 0) return;
    await remoteEm.populate(owner, [property]);
    owner[property].set(items);
    await remoteEm.flush();
    rows += items.length;
  };

  for (;;) {
    const page = await localOrm.em
      .fork()
      .find(SynchroChange, { id: { $gt: lastId } }, { orderBy: { id: 'asc' }, limit: 1000 });
    if (page.length === 0) break;
    for (const change of page) {
      lastId = Number(change.id);
      if (fresh) {
        localEm = localOrm.em.fork();
        remoteEm = remoteOrm.em.fork();
      }
      const entity = change.entity;
      const pk = change.pk;
      const local = await localEm.findOne(ENTITIES[entity], { id: pk });
      if (change.action === 'delete') {
        const remote = await reference(entity, pk);
        if (remote) {
          remoteEm.remove(remote);
          await remoteEm.flush();
          rows += 1;
        }
      } else if (!local) {
        // gone since: django-synchro skips it
      } else if (change.action === 'link') {
        const owner = (await resolve(entity, local)) ?? (await saveRow(entity, local, null));
        await linkItems(local, owner, change.property);
      } else {
        const owner = await saveRow(entity, local, await resolve(entity, local));
        // a logged `create` stands for the new row's collections too (one more flush when it has items)
        if (change.action === 'create' && entity === 'Book') await linkItems(local, owner, 'tags', true);
      }
      changes += 1;
    }
  }
  return { changes, rows };
}
