export * from './assertOptimisticLocking.js';
export * from './assertStaleSaveFails.js';
export * from './assertVersionProperty.js';
export * from './OptimisticLockingAssertionError.js';
export * from './QueryCounter.js';
export * from './versionPropertyOf.js';
