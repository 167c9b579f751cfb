export { disableSynchroLog, isSynchroLogDisabled, withoutSynchroLog } from './context.js';
export * from './logChanges.js';
export * from './SynchroSubscriber.js';
export * from './withSynchro.js';
