import { readFileSync } from 'node:fs';
import { ORIGIN_INDEX } from '@mikro-synchro/core';
import { describe, expect, it } from 'vitest';
import {
  centralConfig,
  collectionOnBothSides,
  createdOnBothSides,
  deletedOnRemote,
  example,
  mergePrices,
  officeConfig,
  serverConfig,
} from '../../docs/examples/conflicts.js';
import { PAIRS } from '../support/databases.js';
import { unquoted } from '../support/docRegions.js';
import { openPair } from '../support/orm.js';

describe('docs/conflicts.md', () => {
  it('quotes the example module verbatim', () => {
    expect(unquoted('docs/conflicts.md', 'docs/examples/conflicts.ts')).toEqual([]);
    expect(readFileSync(new URL('../../docs/conflicts.md', import.meta.url), 'utf8')).toContain(
      'withoutSynchroLog',
    );
  });
});

describe.each(PAIRS)('docs/examples/conflicts.ts $name', (kinds) => {
  it.each([
    ['serverConfig', serverConfig],
    ['centralConfig', centralConfig],
  ])('runs as the document says, REMOTE with %s', async (name, remoteConfig) => {
    const p = await openPair(kinds, officeConfig({}), remoteConfig({}));
    const indexed = (await p.remote.orm.schema.getCreateSchemaSQL()).includes(ORIGIN_INDEX);
    expect(indexed).toBe(name === 'centralConfig');
    try {
      const { report, conflict, after, merged, final } = await example(p.local.orm, p.remote.orm);
      expect(report.status).toBe('conflicts');
      expect(conflict).toMatchObject({
        entity: 'Price',
        key: ['A-1'],
        local: { amount: 12 },
        remote: { note: 'checked by HQ' },
      });
      expect(after).toMatchObject({ status: 'synced', updated: 1 });
      expect(merged.status).toBe('no-changes');
      expect([final.amount, final.note]).toEqual([12, 'checked by HQ']);
      expect(typeof mergePrices).toBe('function');
    } finally {
      await p.close();
    }
  });
});

describe.each(PAIRS)('docs/conflicts.md, created on both sides $name', (kinds) => {
  it("reports the row both sides created as a pending conflict and keeps REMOTE's values", async () => {
    const p = await openPair(kinds, officeConfig({}), serverConfig({}));
    try {
      const { report, onServer } = await createdOnBothSides(p.local.orm, p.remote.orm);
      expect(report.conflicts).toEqual([
        {
          entity: 'Price',
          key: ['B-7'],
          local: expect.objectContaining({ amount: 5, note: 'office' }),
          remote: expect.objectContaining({ amount: 6, note: 'server' }),
          resolution: 'pending',
        },
      ]);
      expect([onServer.amount, onServer.note]).toEqual([6, 'server']);
    } finally {
      await p.close();
    }
  });
});

describe.each(PAIRS)('docs/conflicts.md, deleted on REMOTE $name', (kinds) => {
  it('reports the change of a row REMOTE deleted as a pending conflict and does not create it again', async () => {
    const p = await openPair(kinds, officeConfig({}), serverConfig({}));
    try {
      const { report, onServer } = await deletedOnRemote(p.local.orm, p.remote.orm);
      expect(report.conflicts).toEqual([
        {
          entity: 'Price',
          key: ['C-3'],
          local: expect.objectContaining({ amount: 9 }),
          remote: {},
          resolution: 'pending',
        },
      ]);
      expect(onServer).toEqual([]);
    } finally {
      await p.close();
    }
  });
});

describe.each(PAIRS)('docs/conflicts.md, collections $name', (kinds) => {
  it('reports labels changed on both sides as a conflict and applies the labels a person kept', async () => {
    const p = await openPair(kinds, officeConfig({}), serverConfig({}));
    try {
      const { report, conflict, after, labels } = await collectionOnBothSides(p.local.orm, p.remote.orm);
      expect(report.conflicts).toEqual([
        expect.objectContaining({ entity: 'Price', key: ['D-1'], resolution: 'pending' }),
      ]);
      expect(conflict.local.labels).toHaveLength(2);
      expect(conflict.remote.labels).toHaveLength(2);
      // the stored decision, applied
      expect(after.status).toBe('synced');
      expect(after.conflicts.map((c) => c.resolution)).toEqual(['local']);
      expect(labels).toEqual(['hq', 'new', 'sale']);
    } finally {
      await p.close();
    }
  });
});
