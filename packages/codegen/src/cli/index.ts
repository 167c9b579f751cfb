export * from './help.js';
export * from './main.js';
export * from './parseCliArgs.js';
