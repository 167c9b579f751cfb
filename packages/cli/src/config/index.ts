export * from './contextNames.js';
export * from './describeDatabase.js';
export * from './loadConfiguration.js';
export * from './missingSynchroTables.js';
export * from './openOrm.js';
export * from './openSession.js';
export * from './synchroOptionsOf.js';
