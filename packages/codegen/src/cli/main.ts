import { unifiedDiff } from '../diff/unifiedDiff.js';
import { CodegenError } from '../errors/CodegenError.js';
import { planNaturalKeys } from '../generate/generateNaturalKeys.js';
import { writeFiles } from '../generate/writeFiles.js';
import type { NaturalKeyPlan } from '../plan/planProject.js';
import { HELP } from './help.js';
import { parseCliArgs } from './parseCliArgs.js';

/** Where the CLI writes and which directory it works in. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

/**
 * Runs `synchro-codegen` with the given arguments and returns its exit code (0 done, 1 `--check` found
 * changes, 2 usage or project error). User mistakes are printed as one message, without stack trace.
 * @example
 * process.exitCode = await runCli(['--check']);
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    const args = parseCliArgs(argv);
    if (args.help) {
      io.stdout(HELP);
      return 0;
    }
    const plan = await planNaturalKeys({ ...args.options, cwd: io.cwd });
    for (const s of plan.skipped.filter((x) => x.reason !== 'abstract')) {
      io.stderr(`skipped ${s.file}:${s.line} - ${s.message}\n`);
    }
    if (plan.files.length === 0) {
      io.stdout(`Natural keys are up to date (${plan.unchanged.length} entities have one).\n`);
      return 0;
    }
    if (args.mode === 'dry-run') {
      for (const f of plan.files) io.stdout(unifiedDiff(f.file, f.before, f.after));
      io.stderr(`${count(plan.files.length)} would change (dry run: nothing written).\n`);
      return 0;
    }
    io.stdout(summary(plan));
    if (args.mode === 'check') {
      io.stdout(`${count(plan.files.length)} would change; run synchro-codegen to apply.\n`);
      return 1;
    }
    await writeFiles(plan.files);
    io.stdout(`Updated ${count(plan.files.length)}.\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof CodegenError)) throw error;
    io.stderr(`synchro-codegen: ${error.message}\n`);
    return 2;
  }
}

/** One block per changed entity: `file: Entity` and its changes. @internal */
function summary(plan: NaturalKeyPlan): string {
  return plan.entities
    .map((e) => `${e.file}: ${e.entity}\n${e.changes.map((c) => `  + ${c}\n`).join('')}`)
    .join('');
}

/** @internal */
function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  };
}

/** @internal */
function count(files: number): string {
  return `${files} file${files === 1 ? '' : 's'}`;
}
