import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** A fixture project copied to a temporary directory, with the repository's node_modules linked in. */
export interface FixtureCopy {
  dir: string;
  /** Every file under `src`, by path relative to `dir`. */
  sources(): Record<string, string>;
  read(path: string): string;
  remove(): void;
}

/** Copies `test/codegen/fixtures/<name>` to a fresh temporary directory. */
export function copyFixture(name: string): FixtureCopy {
  const dir = mkdtempSync(join(tmpdir(), `synchro-codegen-${name}-`));
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  // Generated code imports @mikro-synchro/core and @mikro-orm/*: resolve them as the repository does.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return {
    dir,
    sources: () => readTree(dir, join(dir, 'src')),
    read: (path) => readFileSync(join(dir, path), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Imports files of a fixture copy (through vitest, which compiles their TypeScript and decorators as the copy's
 * tsconfig says) and returns all their exports in one object.
 */
export async function importExports(fixture: FixtureCopy, paths: string[]): Promise<Record<string, any>> {
  const modules = await Promise.all(paths.map((path) => import(pathToFileURL(join(fixture.dir, path)).href)));
  return Object.assign({}, ...modules);
}

/** @internal */
function readTree(root: string, dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(files, readTree(root, path));
    else files[relative(root, path).replaceAll('\\', '/')] = readFileSync(path, 'utf8');
  }
  return files;
}

/** What a subprocess printed and returned. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command on the Node that runs the tests (22) and collects its output. */
export function run(args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NO_COLOR: '1', NODE_OPTIONS: undefined };
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
  });
}

/** Runs `synchro-codegen <args>` from its TypeScript sources (through tsx) in `cwd`. */
export function runCodegen(args: string[], cwd: string): Promise<RunResult> {
  return run(
    [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'packages/codegen/src/cli.ts'), ...args],
    cwd,
  );
}

/** Type-checks a project with the repository's TypeScript (`tsc --noEmit -p <dir>`); returns tsc's output. */
export async function typecheck(dir: string): Promise<RunResult> {
  return run([join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', dir], dir);
}
