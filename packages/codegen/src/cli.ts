import { runCli } from './cli/main.js';

// The bin entry: bin/synchro-codegen.js imports the built copy of this file.
process.exitCode = await runCli(process.argv.slice(2));
