// Runs the real `mikro-orm-synchro` bin, as a user would from a package.json script.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bold } from './style.js';

const BIN = fileURLToPath(new URL('../../packages/cli/bin/mikro-orm-synchro.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Prints `$ mikro-orm-synchro <args>` and runs it from the repository root. Its output goes straight to the
 * terminal unless `capture` is set; resolves to the exit code and the captured stdout.
 */
export function mikroOrmSynchro(args, { capture = false, env = {} } = {}) {
  console.log(`\n${bold(`$ mikro-orm-synchro ${args.join(' ')}`)}`);
  return new Promise((resolve, reject) => {
    // process.execPath: the Node 22 running this demo (better-sqlite3 is built for it).
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['inherit', capture ? 'pipe' : 'inherit', 'inherit'],
    });
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

/** Like {@link mikroOrmSynchro}, but a non-zero exit code stops the demo. */
export async function mustRun(args, options) {
  const result = await mikroOrmSynchro(args, options);
  if (result.code !== 0) throw new Error(`mikro-orm-synchro ${args.join(' ')} exited with ${result.code}`);
  return result;
}
