import type { MikroORM } from '@mikro-orm/core';
import { Author } from './model.js';

/** Waits a few milliseconds, so the next change gets a later timestamp (newer-wins compares them). */
export const tick = () => new Promise((r) => setTimeout(r, 5));

/** A database's authors as `email:name`, by email. */
export async function authorNames(orm: MikroORM): Promise<string[]> {
  const authors = await orm.em.fork().find(Author, {}, { orderBy: { email: 'asc' } });
  return authors.map((a) => `${a.email}:${a.name}`);
}
