import type { MikroORM } from '@mikro-orm/core';
import { SynchroChange } from '@mikro-synchro/core';

/** The change log of `orm` as compact strings: `create Author 1`, `link Book 1 tags`, `delete Book 2 [["a@x"],"T"]`. */
export async function logLines(orm: MikroORM): Promise<string[]> {
  const rows = await orm.em.fork().find(SynchroChange, {}, { orderBy: { id: 'asc' } });
  return rows.map((r) =>
    [
      r.action,
      r.entity,
      JSON.stringify(r.pk),
      r.property ?? '',
      r.naturalKey ? JSON.stringify(r.naturalKey) : '',
    ]
      .join(' ')
      .trim(),
  );
}
