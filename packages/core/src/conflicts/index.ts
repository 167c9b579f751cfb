export type * from './Baseline.js';
export type * from './ConflictPolicy.js';
export * from './resolveConflict.js';
