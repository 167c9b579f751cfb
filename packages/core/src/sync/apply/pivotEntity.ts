import { type EntityMetadata, type MetadataStorage, ReferenceKind } from '@mikro-orm/core';
import { isGeneratedPivot } from '../../capture/SynchroRuntime.js';

/** @internal A many-to-many property stored through a user-defined pivot entity (it may carry extra columns). */
export interface UserPivot {
  pivotMeta: EntityMetadata;
  /** The pivot's many-to-one property pointing at the collection's owner. */
  ownerProp: string;
}

/**
 * @internal The user pivot entity behind `owner.property`, or null for a plain (generated) pivot table.
 * Such collections are synced as pivot rows (entities), so extra columns travel and a pivot row created both
 * directly and through the collection is written once.
 */
export function userPivotOf(
  metadata: MetadataStorage,
  owner: EntityMetadata,
  property: string,
): UserPivot | null {
  const prop = owner.properties[property];
  if (prop?.kind !== ReferenceKind.MANY_TO_MANY || !prop.pivotEntity) return null;
  const pivotMeta = metadata.find(prop.pivotEntity);
  if (!pivotMeta || isGeneratedPivot(pivotMeta)) return null;
  const ownerProp = pivotMeta.relations.find(
    (r) => r.kind === ReferenceKind.MANY_TO_ONE && r.targetMeta?.className === owner.className,
  );
  return ownerProp ? { pivotMeta, ownerProp: ownerProp.name } : null;
}
