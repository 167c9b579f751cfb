import { spawnSync } from 'node:child_process';
import { BIN, type BinResult, runCommand } from './bin.js';

/** util-linux `script`, which runs a command on a pseudo-terminal: stdin, stdout and stderr are then TTYs. */
export const HAS_SCRIPT = (() => {
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 && probe.stdout.includes('util-linux');
})();

function quote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * Runs the bin on a pseudo-terminal (stdout and stderr merged into `stdout`, escape sequences left in), with
 * `input` typed on it.
 */
export function runBinOnTty(args: string[], options: { cwd: string; input?: string }): Promise<BinResult> {
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  return runCommand('script', ['-qec', command, '/dev/null'], options);
}

/** Output of a terminal run without escape sequences and carriage returns. */
export function plain(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences are what is removed
  return text.replace(/\x1b(?:\[[0-9;?]*[A-Za-z]|[78])/g, '').replaceAll('\r', '');
}
