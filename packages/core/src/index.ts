export * from './capture/index.js';
export * from './conflicts/index.js';
export * from './errors/index.js';
export * from './log/index.js';
export * from './natural-keys/index.js';
export * from './options/index.js';
export * from './sync/index.js';
