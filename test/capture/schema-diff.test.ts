import { type WithSynchroOptions, withSynchro } from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import { KINDS } from '../support/databases.js';
import { MODEL } from '../support/model.js';
import { openOrm } from '../support/orm.js';

// `schema:update` and `migration:create` compare the database with the metadata: right after the synchro tables
// were created, they must find nothing to change, or every migration would carry statements for them.
describe.each(KINDS)('the synchro tables under a schema diff on %s', (kind) => {
  it.each<[string, WithSynchroOptions]>([
    ['a database that only receives', { remote: null }],
    ['a database that sends (receivedIndex)', { remote: 'server' }],
    ['with originIndex', { remote: 'server', originIndex: true }],
  ])('%s: nothing to change right after creating them', async (_name, options) => {
    const t = await openOrm(kind, withSynchro({ entities: MODEL }, options));
    try {
      expect(await t.orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
    } finally {
      await t.close();
    }
  });
});
