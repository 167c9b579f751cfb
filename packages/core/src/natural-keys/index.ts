export * from './findByNaturalKeys.js';
export type * from './NaturalKeyDefinition.js';
export * from './NaturalKeyEntity.js';
export * from './naturalKeyCandidates.js';
export * from './naturalKeyRepository.js';
export * from './naturalKeyString.js';
export * from './naturalKeyValues.js';
export * from './platformLimits.js';
export * from './resolveNaturalKey.js';
