export type * from './SynchroOptions.js';
