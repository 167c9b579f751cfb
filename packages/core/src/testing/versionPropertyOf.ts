import type { EntityMetadata, EntityProperty } from '@mikro-orm/core';

/** The runtime type of a version property's value: MikroORM accepts numbers (e.g. integer) and Dates. */
export type VersionType = 'number' | 'Date';

/** The version property of an entity (`p.integer().version()`, `@Property({ version: true })`), or null. */
export function versionPropertyOf<T>(meta: EntityMetadata<T>): EntityProperty<T> | null {
  return meta.versionProperty ? meta.properties[meta.versionProperty] : null;
}

/** Whether a version property holds a number (incremented on each save) or a Date (the time of the last save). */
export function versionTypeOf(prop: EntityProperty): VersionType {
  const type = String(prop.customType?.runtimeType ?? prop.runtimeType ?? prop.type);
  return type === 'Date' || /^(timestamp|datetime)/i.test(type) ? 'Date' : 'number';
}
