// What happens to the data in the story: production's catalogue, the office's nightly copy, a day of office work.
import { Author, Book, Tag } from '../entities.js';

/** Production's catalogue before the outage. */
export async function seedProduction(em) {
  const tags = Object.fromEntries(
    ['sci-fi', 'fantasy', 'classic'].map((name) => [name, em.create(Tag, { name })]),
  );
  const ursula = em.create(Author, { email: 'ursula@example.com', name: 'Ursula Le Guin' });
  const frank = em.create(Author, { email: 'frank@example.com', name: 'Frank Herbert' });
  const jane = em.create(Author, { email: 'jane@example.com', name: 'Jane Austen' });
  const book = (author, title, price, publishedOn, tagNames) =>
    em.create(Book, { author, title, price, publishedOn, tags: tagNames.map((t) => tags[t]) });
  book(ursula, 'A Wizard of Earthsea', 8.99, '1968-09-01', ['fantasy', 'classic']);
  book(ursula, 'The Left Hand of Darkness', 9.5, '1969-03-01', ['sci-fi']);
  book(frank, 'Dune', 10.99, '1965-08-01', ['sci-fi', 'classic']);
  book(jane, 'Emma', 6.5, '1815-12-23', ['classic']);
  await em.flush();
}

/**
 * The nightly import: the office copy becomes a copy of production, primary keys included (as a dump and
 * restore would). `synchro:reset` then starts the office log from this point.
 */
export async function importFromProduction(production, office) {
  for (const tag of await production.find(Tag, {}, { orderBy: { id: 'asc' } })) {
    office.create(Tag, { id: tag.id, name: tag.name });
  }
  for (const author of await production.find(Author, {}, { orderBy: { id: 'asc' } })) {
    office.create(Author, { id: author.id, email: author.email, name: author.name });
  }
  for (const book of await production.find(Book, {}, { populate: ['tags'], orderBy: { id: 'asc' } })) {
    const { id, title, price, publishedOn } = book;
    office.create(Book, {
      id,
      title,
      price,
      publishedOn,
      author: book.author.id,
      tags: book.tags.getIdentifiers(),
    });
  }
  await office.flush();
}

/** A day at the office while production is down: creates, edits, a delete and many-to-many links. */
export async function workAtTheOffice(em) {
  const classic = await em.findOneOrFail(Tag, { name: 'classic' });
  const [dune, emma, leftHand, earthsea] = await Promise.all(
    ['Dune', 'Emma', 'The Left Hand of Darkness', 'A Wizard of Earthsea'].map((title) =>
      em.findOneOrFail(Book, { title }, { populate: ['tags'] }),
    ),
  );
  const ursula = await em.findOneOrFail(Author, { email: 'ursula@example.com' });

  const octavia = em.create(Author, { email: 'octavia@example.com', name: 'Octavia E. Butler' });
  const timeTravel = em.create(Tag, { name: 'time-travel' });
  em.create(Book, {
    author: octavia,
    title: 'Kindred',
    price: 12,
    publishedOn: '1979-06-01',
    tags: [timeTravel, classic],
  });
  dune.price = 12.49;
  ursula.name = 'Ursula K. Le Guin';
  leftHand.tags.add(classic);
  earthsea.tags.remove(classic);
  em.remove(emma);
  await em.flush();
}

/** Every book as one table row, sorted by title. */
export async function bookRows(em) {
  const books = await em.find(Book, {}, { populate: ['author', 'tags'], orderBy: { title: 'asc' } });
  return books.map((book) => ({
    title: book.title,
    author: book.author.name,
    price: Number(book.price).toFixed(2),
    published: String(book.publishedOn),
    tags: book.tags
      .getItems()
      .map((t) => t.name)
      .sort()
      .join(', '),
  }));
}
