export * from './classMembers.js';
export * from './FileEdits.js';
export * from './FileStyle.js';
export * from './importEdits.js';
export * from './importLayout.js';
export * from './objectLiteral.js';
export * from './positions.js';
