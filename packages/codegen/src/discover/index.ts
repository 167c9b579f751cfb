export * from './decoratedEntity.js';
export * from './definedEntity.js';
export * from './discoverEntities.js';
export * from './EntityInfo.js';
export * from './existingDeclarations.js';
export * from './literals.js';
export * from './resolveDeclaration.js';
