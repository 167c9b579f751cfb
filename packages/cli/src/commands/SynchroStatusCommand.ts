import { CLIHelper } from '@mikro-orm/cli';
import { synchroStatus } from '@mikro-synchro/core';
import type { CliContext } from '../cli/CliContext.js';
import type { ArgvBuilder, CommandDefinition } from '../cli/yargs.js';
import { openSession } from '../config/openSession.js';
import { formatStatus } from '../output/formatStatus.js';
import { toJson } from '../output/json.js';
import { type RemoteArgs, remoteOptions, sessionArgs } from './sessionArgs.js';

/**
 * `synchro:status`: pending changes per entity, checkpoint, last run and stored conflicts of LOCAL. Reads the
 * checkpoint from REMOTE when one is configured (or given), else from LOCAL's last run.
 */
export class SynchroStatusCommand implements CommandDefinition<RemoteArgs> {
  readonly command = 'synchro:status';
  readonly describe = 'Show what synchro:run would pick up: pending changes, checkpoint, last run, conflicts';

  constructor(private readonly cli: CliContext) {}

  builder = (args: ArgvBuilder): ArgvBuilder =>
    remoteOptions(args).example('$0 synchro:status --json', 'Status of LOCAL as JSON').strictOptions();

  handler = async (args: RemoteArgs): Promise<void> => {
    CLIHelper.quiet = args.quiet;
    const session = await openSession(sessionArgs(args, this.cli), 'optional');
    try {
      const status = await synchroStatus(session.local.orm, session.remote?.orm);
      const text = args.json ? toJson(status) : formatStatus(status, session.local.name);
      this.cli.io.stdout.write(`${text}\n`);
    } finally {
      await session.close();
    }
  };
}
