export * from './SynchroResetCommand.js';
export * from './SynchroRunCommand.js';
export * from './SynchroStatusCommand.js';
export * from './sessionArgs.js';
