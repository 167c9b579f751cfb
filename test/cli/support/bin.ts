import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The real bin, run from its built `dist` (`npm test` builds first). */
export const BIN = fileURLToPath(new URL('../../../packages/cli/bin/mikro-orm-synchro.js', import.meta.url));

/** What one run of the bin printed and returned. */
export interface BinResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of one bin run. */
export interface BinOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed (stdin is a pipe, never a TTY). */
  input?: string;
}

/** Runs `mikro-orm-synchro <args>` as a subprocess on the Node that runs the tests (22, like the bin needs). */
export function runBin(args: string[], options: BinOptions): Promise<BinResult> {
  return runCommand(process.execPath, [BIN, ...args], options);
}

/** Runs any command and collects its output. */
export function runCommand(command: string, args: string[], options: BinOptions): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
    // The test process's own settings must not leak into the projects under test.
    for (const name of [
      'MIKRO_ORM_CLI_CONFIG',
      'MIKRO_ORM_CONTEXT_NAME',
      'MIKRO_ORM_CLI_VERBOSE',
      'NODE_OPTIONS',
    ]) {
      delete env[name];
    }
    Object.assign(env, options.env);
    const child = spawn(command, args, { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** The `Error: ...` lines of stderr (warnings and other noise left out). */
export function errorLines(result: BinResult): string[] {
  return result.stderr.split('\n').filter((line) => line.startsWith('Error: '));
}
