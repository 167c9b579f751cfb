export * from './generateNaturalKeys.js';
export type * from './options.js';
export * from './writeFiles.js';
