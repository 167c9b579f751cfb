export * from './CliError.js';
export * from './reportError.js';
