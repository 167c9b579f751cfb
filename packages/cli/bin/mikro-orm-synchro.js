#!/usr/bin/env node
// The whole MikroORM CLI plus synchro:run, synchro:status and synchro:reset.
import { runCli } from '../dist/index.js';

process.exitCode = await runCli(process.argv.slice(2));
