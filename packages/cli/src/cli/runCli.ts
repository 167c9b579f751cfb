import { configure } from '@mikro-orm/cli';
import { SynchroResetCommand } from '../commands/SynchroResetCommand.js';
import { SynchroRunCommand } from '../commands/SynchroRunCommand.js';
import { SynchroStatusCommand } from '../commands/SynchroStatusCommand.js';
import { reportError } from '../errors/reportError.js';
import { UsageError } from '../errors/UsageError.js';
import { type CliContext, type CliIo, contextSourceOf, processIo } from './CliContext.js';

/**
 * Runs the `mikro-orm-synchro` bin: MikroORM's whole CLI (`configure()` from @mikro-orm/cli, so every built-in
 * command, `--config` and `--context` behave as in `mikro-orm`) plus `synchro:run`, `synchro:status` and
 * `synchro:reset`. Resolves to the exit code; errors are printed as one line, without a stack trace.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2));
 */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const cli: CliContext = { io, exitCode: 0, contextSource: contextSourceOf(argv) };
  let parser: any;
  try {
    // MikroORM's CLI has no command plug-ins: its configured yargs instance is extended instead.
    parser = await configure();
  } catch (error) {
    return reportError(error, io.stderr);
  }
  parser
    .scriptName('mikro-orm-synchro')
    .command(new SynchroRunCommand(cli))
    .command(new SynchroStatusCommand(cli))
    .command(new SynchroResetCommand(cli))
    .example('$0 synchro:run', 'Sync LOCAL into REMOTE (SynchroOptions.remote)')
    // Command names are long: at 80 columns every description would wrap mid-word.
    .wrap(Math.max(100, parser.terminalWidth()))
    .fail((message: string | null, error: unknown) => {
      // yargs goes on to run the handler after a custom fail() returns: throwing stops it, and parse() rejects.
      throw error ?? new UsageError(message ?? '');
    });
  try {
    const args = await parser.parse(argv);
    if (args._.length === 0) throw new UsageError('');
    return cli.exitCode;
  } catch (error) {
    if (!(error instanceof UsageError)) return reportError(error, io.stderr);
    parser.showHelp((text: string) => io.stderr.write(`${text}\n`));
    if (error.message) io.stderr.write(`\n${error.message}\n`);
    return 1;
  }
}
