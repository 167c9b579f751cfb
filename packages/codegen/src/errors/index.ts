export * from './CodegenError.js';
