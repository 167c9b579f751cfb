export * from './chooseKey.js';
export * from './planEntity.js';
export * from './planProject.js';
export type * from './results.js';
