export * from './exitCode.js';
export * from './formatReport.js';
export * from './formatStatus.js';
export * from './json.js';
export * from './progress.js';
