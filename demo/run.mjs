// `npm run demo`: django-synchro's office-failover story, end to end, through the real mikro-orm-synchro bin.
//
// Production (PGlite in a temporary directory, or PostgreSQL when SYNCHRO_PG_URL is set) serves the app; an
// office machine keeps a SQLite copy, imported from production every night. Production goes down, the office
// keeps working on its copy, and when production is back one `synchro:run` brings it up to date.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { mikroOrmSynchro, mustRun } from './lib/bin.js';
import { bookRows, importFromProduction, seedProduction, workAtTheOffice } from './lib/bookshop.js';
import { createDemoDatabase, dropDemoDatabase, serverUrl } from './lib/postgres.js';
import { cyan } from './lib/style.js';
import { diffMarks, printTable } from './lib/table.js';

const started = Date.now();
const dir = mkdtempSync(join(tmpdir(), 'mikro-synchro-demo-'));
const pgUrl = process.env.SYNCHRO_PG_URL;
process.env.SYNCHRO_DEMO_DIR = dir;
// The bin finds the config file the way MikroORM's CLI does; here through MIKRO_ORM_CLI_CONFIG.
process.env.MIKRO_ORM_CLI_CONFIG = 'demo/mikro-orm.config.js';
let pgDatabase;
if (pgUrl) {
  pgDatabase = await createDemoDatabase(pgUrl);
  process.env.SYNCHRO_DEMO_PG_URL = serverUrl(pgUrl);
  process.env.SYNCHRO_DEMO_PG_DB = pgDatabase;
}
// Imported after the environment is set: the config file reads it.
const [officeConfig, productionConfig] = (await import('./mikro-orm.config.js')).default;

/** Opens one side in this process for the app's own work, and closes it (PGlite allows one process at a time). */
async function withDatabase(config, fn) {
  const orm = await MikroORM.init(config);
  try {
    return await fn(orm.em.fork());
  } finally {
    await orm.close(true);
  }
}

function step(text) {
  console.log(`\n${cyan(`== ${text}`)}`);
}

try {
  const where = pgDatabase
    ? `PostgreSQL database ${pgDatabase}`
    : `PGlite in ${join(dir, 'production-pglite')}`;
  step(`Production runs on ${where}; the office copy is ${join(dir, 'office.sqlite')}`);
  await mustRun(['schema:create', '--run', '--context', 'server']);
  await mustRun(['schema:create', '--run']);

  step('Production has its catalogue; last night the office imported a copy of it');
  const before = await withDatabase(productionConfig, async (production) => {
    await seedProduction(production.fork());
    await withDatabase(officeConfig, (office) => importFromProduction(production.fork(), office));
    return bookRows(production.fork());
  });
  // The import went through the ORM, so the office logged it: start the office log after the import.
  await mustRun(['synchro:reset', '--yes']);

  step('Production goes down. The office keeps working on its copy');
  await withDatabase(officeConfig, workAtTheOffice);
  console.log('  + Octavia E. Butler, "Kindred" (new tag time-travel)   ~ Dune 10.99 -> 12.49');
  console.log('  ~ Ursula Le Guin -> Ursula K. Le Guin                   - Emma');
  console.log('  ~ tags: Left Hand of Darkness + classic, A Wizard of Earthsea - classic');

  step('Production is back. What will the sync send?');
  await mustRun(['synchro:status']);

  step('One sync brings production up to date');
  const run = await mustRun(['synchro:run', '--json'], { capture: true });
  console.log(run.stdout.trimEnd());
  const after = await withDatabase(productionConfig, bookRows);
  const marks = diffMarks(before, after);
  printTable('Production before the sync:', before, new Map([...marks].filter(([, m]) => m === '-')));
  printTable('Production after the sync (+ new, ~ changed, - deleted):', after, marks);

  step('Running it again finds nothing left to do');
  const again = await mikroOrmSynchro(['synchro:run']);

  const office = await withDatabase(officeConfig, bookRows);
  const same = JSON.stringify(office) === JSON.stringify(after);
  const report = JSON.parse(run.stdout);
  if (!same || report.status !== 'synced' || again.code !== 0) {
    throw new Error(`production does not match the office copy (report status: ${report.status})`);
  }
  step(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s: production matches the office copy`);
} catch (error) {
  console.error(`\nDemo failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  if (pgDatabase) await dropDemoDatabase(pgUrl, pgDatabase);
  rmSync(dir, { recursive: true, force: true });
}
