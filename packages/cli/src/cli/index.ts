export * from './CliContext.js';
export * from './runCli.js';
export type * from './yargs.js';
