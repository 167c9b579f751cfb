export type * from './apply/writePath.js';
export * from './reset.js';
export * from './SyncReport.js';
export * from './status.js';
export * from './synchronize.js';
