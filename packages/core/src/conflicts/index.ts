export type * from './ConflictPolicy.js';
