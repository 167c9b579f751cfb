import type { EntityManager } from '@mikro-orm/core';
import { Author, Book, Category } from './model.js';

/** The authors of the library, by email. */
export const AUTHORS = ['ann@example.com', 'bob@example.com', 'cyd@example.com'];

/** Books per author email. */
export const TITLES: Record<string, string[]> = {
  'ann@example.com': ['Dune', 'Emma'],
  'bob@example.com': ['Dune', 'Ulysses'],
  'cyd@example.com': ['Beloved'],
};

/**
 * Creates the library in a fresh fork: authors in `order` (so primary keys differ between databases seeded in
 * different orders), then their books.
 */
export async function seedLibrary(
  em: EntityManager,
  order: 'forward' | 'reverse' = 'forward',
): Promise<void> {
  const fork = em.fork();
  const emails = order === 'forward' ? AUTHORS : [...AUTHORS].reverse();
  const authors = emails.map((email) => fork.create(Author, { email, name: email.split('@')[0]! }));
  await fork.flush();
  for (const author of authors) {
    const titles = order === 'forward' ? TITLES[author.email]! : [...TITLES[author.email]!].reverse();
    for (const title of titles) {
      fork.create(Book, { author, title, year: null });
    }
  }
  await fork.flush();
}

/** Creates `root > child > leaf` and a second `leaf` under `root`, returning nothing. */
export async function seedCategories(em: EntityManager): Promise<void> {
  const fork = em.fork();
  const root = fork.create(Category, { name: 'root', parent: null });
  const child = fork.create(Category, { name: 'child', parent: root });
  fork.create(Category, { name: 'leaf', parent: child });
  fork.create(Category, { name: 'leaf', parent: root });
  await fork.flush();
}
