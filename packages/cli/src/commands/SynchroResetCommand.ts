import { CLIHelper } from '@mikro-orm/cli';
import { resetSynchro, synchroStatus } from '@mikro-synchro/core';
import type { CliContext } from '../cli/CliContext.js';
import type { ArgvBuilder, BaseArgs, CommandDefinition } from '../cli/yargs.js';
import { describeDatabase } from '../config/describeDatabase.js';
import { openSession } from '../config/openSession.js';
import { CliError } from '../errors/CliError.js';
import { confirm } from '../prompt/confirm.js';
import { sessionArgs } from './sessionArgs.js';

/** Arguments of `synchro:reset`. */
export interface SynchroResetArgs extends BaseArgs {
  yes?: boolean;
}

/**
 * `synchro:reset`: drops LOCAL's change log and moves its checkpoints to now (after a fresh export/import of the
 * whole database). Asks first on a terminal; elsewhere it needs `--yes`.
 */
export class SynchroResetCommand implements CommandDefinition<SynchroResetArgs> {
  readonly command = 'synchro:reset';
  readonly describe = 'Drop the change log of LOCAL (--context): the next sync starts from now';

  constructor(private readonly cli: CliContext) {}

  builder = (args: ArgvBuilder): ArgvBuilder =>
    args
      .option('yes', { alias: 'y', type: 'boolean', default: false, desc: 'Do not ask for confirmation' })
      .example('$0 synchro:reset --yes', 'Reset without asking (scripts, CI)')
      .strictOptions();

  handler = async (args: SynchroResetArgs): Promise<void> => {
    CLIHelper.quiet = args.quiet;
    const { io } = this.cli;
    // Refuse before connecting: a script waiting for an answer nobody can give is worse than a clear error.
    if (!args.yes && !io.stdin.isTTY) throw CliError.confirmationRequired(args.contextName);
    const session = await openSession(sessionArgs(args, this.cli), 'none');
    const { name, config, orm } = session.local;
    try {
      if (!args.yes) {
        const pending = await pendingCount(orm);
        const question =
          `Reset the synchro log of '${name}' (${describeDatabase(config)})? ` +
          `${pending === null ? 'Its' : `Its ${pending}`} logged change(s) are dropped and never synchronized.`;
        if (!(await confirm(question, { input: io.stdin, output: io.stderr }))) {
          io.stderr.write('Reset cancelled.\n');
          this.cli.exitCode = 1;
          return;
        }
      }
      await resetSynchro(orm);
      io.stdout.write(
        `Synchro log of '${name}' reset: the next sync starts with changes made from now on.\n`,
      );
    } finally {
      await session.close();
    }
  };
}

/** @internal Pending changes for the prompt, or null when they cannot be counted. */
async function pendingCount(orm: Parameters<typeof synchroStatus>[0]): Promise<number | null> {
  try {
    const status = await synchroStatus(orm);
    return Object.values(status.pending).reduce((sum, count) => sum + count, 0);
  } catch {
    return null;
  }
}
