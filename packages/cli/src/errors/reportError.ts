import { CLIHelper } from '@mikro-orm/cli';
import { CliError } from './CliError.js';

/** Where {@link reportError} writes: a stream's `write`. */
export interface ErrorSink {
  write(text: string): unknown;
}

/** @internal Whether MikroORM's CLI verbosity is on (`MIKRO_ORM_CLI_VERBOSE` or `mikro-orm.verbose`). */
function verbose(): boolean {
  try {
    return !!CLIHelper.getSettings().verbose;
  } catch {
    return false;
  }
}

/**
 * Prints an error of a command as one line, `Error: <message>`, and returns the exit code. Stack traces are for
 * bugs, not user mistakes: they are shown only when MikroORM's CLI verbosity is on.
 */
export function reportError(error: unknown, stderr: ErrorSink): number {
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`Error: ${message}\n`);
  if (verbose() && error instanceof Error && error.stack) {
    stderr.write(`${error.stack}\n`);
    for (let cause = error.cause; cause instanceof Error; cause = cause.cause) {
      stderr.write(`Caused by: ${cause.stack ?? cause.message}\n`);
    }
  }
  return error instanceof CliError ? error.exitCode : 1;
}
