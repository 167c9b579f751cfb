export * from './cli/index.js';
export * from './diff/index.js';
export * from './errors/index.js';
export * from './generate/index.js';
export type { KeyRequests, NaturalKeyPlan } from './plan/planProject.js';
export type * from './plan/results.js';
