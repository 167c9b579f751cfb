// A plain-text table for the before/after view.

const COLUMNS = ['title', 'author', 'price', 'published', 'tags'];

/** Prints rows (objects with the book columns) as an aligned table; `marks` flags changed rows. */
export function printTable(title, rows, marks = new Map()) {
  const widths = COLUMNS.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((cell, i) => String(cell).padEnd(widths[i])).join('  ');
  console.log(`\n${title}`);
  console.log(`    ${line(COLUMNS)}`);
  console.log(`    ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(`  ${marks.get(row.title) ?? ' '} ${line(COLUMNS.map((c) => row[c]))}`);
}

/** `+` new, `~` changed, `-` gone: what the sync did to each title of production. */
export function diffMarks(before, after) {
  const old = new Map(before.map((r) => [r.title, JSON.stringify(r)]));
  const now = new Map(after.map((r) => [r.title, JSON.stringify(r)]));
  const marks = new Map();
  for (const [title, row] of now) {
    if (!old.has(title)) marks.set(title, '+');
    else if (old.get(title) !== row) marks.set(title, '~');
  }
  for (const title of old.keys()) if (!now.has(title)) marks.set(title, '-');
  return marks;
}
