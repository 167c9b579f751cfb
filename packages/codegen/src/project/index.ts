export * from './loadProject.js';
