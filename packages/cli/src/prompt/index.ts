export * from './confirm.js';
