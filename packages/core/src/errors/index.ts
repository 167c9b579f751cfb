export * from './NaturalKeyError.js';
export * from './SynchroConfigError.js';
export * from './SynchroError.js';
