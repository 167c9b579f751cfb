export * from './cli/index.js';
export * from './commands/index.js';
export * from './config/index.js';
export * from './errors/index.js';
export * from './output/index.js';
export * from './prompt/index.js';
