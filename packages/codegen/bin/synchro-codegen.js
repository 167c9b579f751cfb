#!/usr/bin/env node
// Runs the built CLI (npm run build compiles packages/codegen/src to dist).
import '../dist/cli.js';
