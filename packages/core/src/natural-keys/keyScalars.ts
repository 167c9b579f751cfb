import type { EntityProperty } from '@mikro-orm/core';

/** @internal A scalar entity value as a JSON-safe key value: bigint → decimal string, bytes → base64. */
export function toKeyValue(value: unknown): unknown {
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value === 'bigint') {
    return value.toString();
  }
  if (value instanceof Uint8Array) {
    return Buffer.from(value).toString('base64');
  }
  return value;
}

/**
 * @internal A key value as the property's runtime type, so that values read back from JSON (ISO date strings,
 * base64 bytes) query and compare like the entity's own values.
 */
export function fromKeyValue(prop: EntityProperty, value: unknown): unknown {
  if (value === undefined || value === null) {
    return null;
  }
  switch (prop.runtimeType) {
    case 'Date':
      if (typeof value === 'string' || typeof value === 'number') {
        const date = new Date(value);
        return Number.isNaN(date.getTime()) ? value : date;
      }
      return value;
    case 'Buffer':
      return typeof value === 'string' ? Buffer.from(value, 'base64') : value;
    case 'boolean':
      return value === 1 || value === 0 ? value === 1 : value;
    default:
      return value;
  }
}
