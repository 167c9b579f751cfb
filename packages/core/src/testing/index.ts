export * from './QueryCounter.js';
