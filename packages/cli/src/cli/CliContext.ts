/** A stream the CLI writes to; `isTTY` decides between a progress bar / prompt and plain output. */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean };

/** A stream the CLI reads answers from. */
export type InputStream = NodeJS.ReadableStream & { isTTY?: boolean };

/** The process streams a CLI run uses, replaceable in tests. */
export interface CliIo {
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
}

/** State shared by the commands of one CLI run: its streams, its exit code and how LOCAL was named. */
export interface CliContext {
  io: CliIo;
  /** Set by the command that ran: 0 ok, 1 failed, 3 conflicts pending. */
  exitCode: number;
  /** How the LOCAL contextName was given: `--context`, `MIKRO_ORM_CONTEXT_NAME`, or the default. */
  contextSource: string;
}

/** The real process streams. */
export function processIo(): CliIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}

/** @internal How the user chose the LOCAL context in `argv`, for messages about an unknown one. */
export function contextSourceOf(argv: readonly string[]): string {
  if (argv.some((arg) => /^--context(Name|-name)?(=|$)/.test(arg))) return '--context';
  if (process.env.MIKRO_ORM_CONTEXT_NAME) return 'MIKRO_ORM_CONTEXT_NAME';
  return 'the default context';
}
