export * from './unifiedDiff.js';
